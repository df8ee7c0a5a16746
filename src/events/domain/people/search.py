"""Finding people and organisations by what staff or visitors type, through the name-term indexes.

Every word typed must be the start of one of the record's names, aliases or acronym (for people:
or of their current organisation's), accents, case and punctuation ignored: "societe" finds
"Société", "m mck" finds "Mike McKendy", "ccra" finds everyone at the CCRA. Each word is a range
of an index (see ``name_terms_table``), so the cost follows the matches, not the directory's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true, union
from sqlalchemy.ext.asyncio import AsyncSession

from ...i18n import N_
from ...models import (
    DuplicateKind,
    DuplicateStatus,
    DuplicateSuggestion,
    Organisation,
    Person,
    SpeakerLink,
    organisation_name_term,
    person_name_term,
)
from ...models.base import TERM_LENGTH
from ...text import fold

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


def _person_named(word: str) -> ColumnElement[bool]:
    """This person (correlated), or their organisation, has a word starting with ``word``."""
    terms = person_name_term.c
    return or_(
        exists().where(terms.person_id == Person.id, _starts_with(terms.term, word)),
        Person.organisation_id.in_(organisation_ids_named(word)),
    )


def people_matching(query: str | None) -> ColumnElement[bool]:
    """A condition on ``Person``: every word typed names them or their organisation (true if none).

    The longest word drives: its matches come from the term index, and the other words are
    checked on those people alone.
    """
    words = sorted(search_words(query), key=len, reverse=True)
    if not words:
        return true()
    return and_(Person.id.in_(people_ids_named(words[0])), *(_person_named(word) for word in words[1:]))


A_TO_Z = (Person.family_name, Person.given_name, Person.id)
# A word with this many names starting with it ("m") is common: its matches are spread along the
# A-Z order, so a page of them is found among the first few people in that order, each checked
# on its own, without collecting and sorting thousands of matches through the term index.
COMMON = 500
WALK_PER_RESULT = 40


async def names_starting(session: AsyncSession, query: str | None, up_to: int = COMMON) -> int:
    """How many names the longest word typed starts, counted up to ``up_to`` (one bounded index range)."""
    words = sorted(search_words(query), key=len, reverse=True)
    if not words:
        return 0
    terms = person_name_term.c
    names = select(terms.person_id).where(_starts_with(terms.term, words[0])).limit(up_to).subquery()
    return await session.scalar(select(func.count()).select_from(names))


async def is_common(session: AsyncSession, query: str | None) -> bool:
    """Whether the longest word typed starts COMMON names or more."""
    return await names_starting(session, query) >= COMMON


def each_word_checked(query: str | None) -> ColumnElement[bool]:
    """The same condition as ``people_matching``, checked person by person: for common words."""
    return and_(true(), *(_person_named(word) for word in search_words(query)))


async def first_ids_in_a_to_z(
    session: AsyncSession, query: str | None, filters: list[ColumnElement[bool]], limit: int
) -> list[int] | None:
    """The first ``limit`` matching ids in A-Z order, from the first people in that order.

    None when those people hold fewer than ``limit`` matches (the matches cluster further on,
    as "mc" does under M): the caller then asks the term index, which is exact in every case.
    """
    walk = max(1000, limit * WALK_PER_RESULT)
    first = select(Person.id).where(Person.merged_into_id.is_(None)).order_by(*A_TO_Z).limit(walk)
    ids = list(
        await session.scalars(
            select(Person.id)
            .where(Person.id.in_(first), each_word_checked(query), *filters)
            .order_by(*A_TO_Z)
            .limit(limit)
        )
    )
    return ids if len(ids) == limit else None


def organisations_matching(query: str | None) -> ColumnElement[bool]:
    """A condition on ``Organisation``: every word typed starts one of its names (true if none)."""
    conditions = [Organisation.id.in_(organisation_ids_named(word)) for word in search_words(query)]
    return and_(*conditions) if conditions else true()


# --- the staff directory's pages of results ---------------------------------------------------------

PAGE_SIZE = 50
COUNT_LIMIT = 1000  # a common search is counted up to this; beyond it the page says "more than"
# Labels of the directory's filters, translated where the page shows them.
PEOPLE_SORTS = {"name": N_("Name"), "recent": N_("Recently changed"), "talks": N_("Most talks")}
SHOW = {"": N_("Everyone"), "no-talks": N_("No talks"), "duplicates": N_("Possible duplicates")}


@dataclass
class DirectoryQuery:
    """What staff asked the directory for, read from the query string."""

    q: str = ""
    organisation_id: int | None = None
    kind: str = ""
    jurisdiction: str = ""
    show: str = ""
    sort: str = "name"
    page: int = 1

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * PAGE_SIZE


@dataclass
class ResultPage:
    rows: list[Any]
    total: int
    query: DirectoryQuery
    talks: dict[int, int] = field(default_factory=dict)
    flagged: set[int] = field(default_factory=set)
    people: dict[int, int] = field(default_factory=dict)

    more: bool = False  # counted up to ``total`` only: there are more

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _talk_count(column):  # noqa: ANN001, ANN202
    return select(func.count()).where(column).correlate_except(SpeakerLink).scalar_subquery()


def _open_suggestions(kind: DuplicateKind):  # noqa: ANN202
    open_pairs = (DuplicateSuggestion.kind == kind, DuplicateSuggestion.status == DuplicateStatus.OPEN)
    return union(
        select(DuplicateSuggestion.first_id).where(*open_pairs),
        select(DuplicateSuggestion.second_id).where(*open_pairs),
    )


async def _flagged(session: AsyncSession, kind: DuplicateKind, ids: list[int]) -> set[int]:
    """Which of ``ids`` have an open suggestion: looked up by id alone, so that the id indexes are used
    (given the status too, SQLite would read every open suggestion through the status index)."""
    if not ids:
        return set()
    suggestion = DuplicateSuggestion
    rows = await session.execute(
        union(
            select(suggestion.first_id.label("id"), suggestion.kind, suggestion.status).where(
                suggestion.first_id.in_(ids)
            ),
            select(suggestion.second_id, suggestion.kind, suggestion.status).where(
                suggestion.second_id.in_(ids)
            ),
        )
    )
    return {row.id for row in rows if row.kind == kind and row.status == DuplicateStatus.OPEN}


async def count_by(session: AsyncSession, column, ids: list[int]) -> dict[int, int]:  # noqa: ANN001
    """How many rows have each of ``ids`` in ``column`` (talks per person, people per organisation, ...)."""
    if not ids:
        return {}
    rows = await session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column))
    return dict(rows.all())


async def people_with_organisations(
    session: AsyncSession, ids: list[int]
) -> list[tuple[Person, Organisation | None]]:
    """The people of ``ids``, in that order, each with their organisation.

    Pages pick ids first and read whole rows for those alone: sorting the narrow ids is what
    keeps a late page of 20,000 people quick.
    """
    if not ids:
        return []
    rows = await session.execute(
        select(Person, Organisation)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.id.in_(ids))
    )
    found = {person.id: (person, organisation) for person, organisation in rows}
    return [found[person_id] for person_id in ids if person_id in found]


async def people_page(session: AsyncSession, query: DirectoryQuery) -> ResultPage:
    """One page of people (with their organisation) for the staff directory."""
    filters = []
    if query.organisation_id:
        filters.append(Person.organisation_id == query.organisation_id)
    if query.kind or query.jurisdiction:
        within = select(Organisation.id)
        if query.kind:
            within = within.where(Organisation.kind == query.kind)
        if query.jurisdiction:
            within = within.where(Organisation.jurisdiction == query.jurisdiction)
        filters.append(Person.organisation_id.in_(within))
    if query.show == "no-talks":
        filters.append(~exists().where(SpeakerLink.person_id == Person.id))
    elif query.show == "duplicates":
        filters.append(Person.id.in_(_open_suggestions(DuplicateKind.PERSON)))
    conditions = [Person.merged_into_id.is_(None), people_matching(query.q), *filters]
    order = {
        "recent": (Person.updated_at.desc(), Person.id.desc()),
        "talks": (_talk_count(SpeakerLink.person_id == Person.id).desc(), Person.family_name, Person.id),
    }.get(query.sort, A_TO_Z)
    names = await names_starting(session, query.q, up_to=2 * COUNT_LIMIT)
    # A single word starting thousands of names is counted person by person, up to enough to say
    # "more than" (the term index would first collect every match, and those many are soon found);
    # rarer words, or several, are counted exactly through the index.
    counted = select(Person.id).where(*conditions)
    limited = names >= 2 * COUNT_LIMIT and len(search_words(query.q)) == 1
    if limited:
        counted = (
            select(Person.id)
            .where(Person.merged_into_id.is_(None), each_word_checked(query.q), *filters)
            .limit(COUNT_LIMIT + 1)
        )
    total = await session.scalar(select(func.count()).select_from(counted.subquery()))
    more = limited and total > COUNT_LIMIT
    ids = None
    if names >= COMMON and query.sort == "name" and query.page == 1:
        ids = await first_ids_in_a_to_z(session, query.q, filters, PAGE_SIZE)
    if ids is None:
        ids = list(
            await session.scalars(
                select(Person.id).where(*conditions).order_by(*order).limit(PAGE_SIZE).offset(query.offset)
            )
        )
    return ResultPage(
        rows=await people_with_organisations(session, ids),
        total=min(total, COUNT_LIMIT) if more else total,
        more=more,
        query=query,
        talks=await count_by(session, SpeakerLink.person_id, ids),
        flagged=await _flagged(session, DuplicateKind.PERSON, ids),
    )


async def organisations_page(session: AsyncSession, query: DirectoryQuery) -> ResultPage:
    """One page of organisations for the staff directory, with how many people each has."""
    conditions = [Organisation.merged_into_id.is_(None), organisations_matching(query.q)]
    if query.kind:
        conditions.append(Organisation.kind == query.kind)
    if query.jurisdiction:
        conditions.append(Organisation.jurisdiction == query.jurisdiction)
    if query.show == "no-talks":
        conditions.append(~exists().where(SpeakerLink.organisation_id == Organisation.id))
    elif query.show == "duplicates":
        conditions.append(Organisation.id.in_(_open_suggestions(DuplicateKind.ORGANISATION)))
    order = {
        "recent": (Organisation.updated_at.desc(), Organisation.id.desc()),
        "talks": (_talk_count(SpeakerLink.organisation_id == Organisation.id).desc(), Organisation.name),
    }.get(query.sort, (Organisation.name, Organisation.id))
    total = await session.scalar(select(func.count()).select_from(Organisation).where(*conditions))
    rows = list(
        await session.scalars(
            select(Organisation).where(*conditions).order_by(*order).limit(PAGE_SIZE).offset(query.offset)
        )
    )
    ids = [organisation.id for organisation in rows]
    page = ResultPage(
        rows=rows,
        total=total,
        query=query,
        talks=await count_by(session, SpeakerLink.organisation_id, ids),
        flagged=await _flagged(session, DuplicateKind.ORGANISATION, ids),
    )
    page.people = await count_by(session, Person.organisation_id, ids)
    return page


async def jurisdictions(session: AsyncSession) -> list[str]:
    """The jurisdictions in use, for the filter."""
    return list(
        await session.scalars(
            select(Organisation.jurisdiction)
            .where(Organisation.jurisdiction.is_not(None))
            .distinct()
            .order_by(Organisation.jurisdiction)
        )
    )
