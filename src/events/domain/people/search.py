"""Finding people and organisations by what staff or visitors type, through the name-term indexes.

Every word typed must be the start of one of the record's names, aliases or acronym (for people:
or of their current organisation's), accents, case and punctuation ignored: "societe" finds
"Société", "m mck" finds "Mike McKendy", "ccra" finds everyone at the CCRA. Each word is a range
of an index (see ``name_terms_table``), so the cost follows the matches, not the directory's size.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select, true, union

from ...models import Organisation, Person, organisation_name_term, person_name_term
from ...models.base import TERM_LENGTH
from ..text import fold

MAX_WORDS = 8


def search_words(query: str | None) -> list[str]:
    return [word[:TERM_LENGTH] for word in fold(query or "").split()][:MAX_WORDS]


def _starts_with(column, word: str) -> ColumnElement[bool]:  # noqa: ANN001
    return and_(column >= word, column < word + "\uffff")


def organisation_ids_named(word: str):  # noqa: ANN201
    """The ids of organisations with a name, acronym or alias starting with ``word``."""
    terms = organisation_name_term.c
    return select(terms.organisation_id).where(_starts_with(terms.term, word))


def people_ids_named(word: str):  # noqa: ANN201
    """The ids of people whose names or aliases, or whose organisation's, have a word starting ``word``."""
    terms = person_name_term.c
    return union(
        select(terms.person_id).where(_starts_with(terms.term, word)),
        select(Person.id).where(Person.organisation_id.in_(organisation_ids_named(word))),
    )


def people_matching(query: str | None) -> ColumnElement[bool]:
    """A condition on ``Person``: every word typed names them or their organisation (true if none)."""
    conditions = [Person.id.in_(people_ids_named(word)) for word in search_words(query)]
    return and_(*conditions) if conditions else true()


def organisations_matching(query: str | None) -> ColumnElement[bool]:
    """A condition on ``Organisation``: every word typed starts one of its names (true if none)."""
    conditions = [Organisation.id.in_(organisation_ids_named(word)) for word in search_words(query)]
    return and_(*conditions) if conditions else true()
