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


# --- the staff directory's pages of results ---------------------------------------------------------

PAGE_SIZE = 50
PEOPLE_SORTS = {"name": "Name", "recent": "Recently changed", "talks": "Most talks"}
SHOW = {"": "Everyone", "no-talks": "No talks", "duplicates": "Possible duplicates"}


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
    if not ids:
        return set()
    open_pairs = (DuplicateSuggestion.kind == kind, DuplicateSuggestion.status == DuplicateStatus.OPEN)
    rows = await session.execute(
        select(DuplicateSuggestion.first_id, DuplicateSuggestion.second_id).where(
            *open_pairs, or_(DuplicateSuggestion.first_id.in_(ids), DuplicateSuggestion.second_id.in_(ids))
        )
    )
    return {member for pair in rows for member in pair} & set(ids)


async def _counts(session: AsyncSession, column, ids: list[int]) -> dict[int, int]:  # noqa: ANN001
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
    conditions = [Person.merged_into_id.is_(None), people_matching(query.q)]
    if query.organisation_id:
        conditions.append(Person.organisation_id == query.organisation_id)
    if query.kind or query.jurisdiction:
        within = select(Organisation.id)
        if query.kind:
            within = within.where(Organisation.kind == query.kind)
        if query.jurisdiction:
            within = within.where(Organisation.jurisdiction == query.jurisdiction)
        conditions.append(Person.organisation_id.in_(within))
    if query.show == "no-talks":
        conditions.append(~exists().where(SpeakerLink.person_id == Person.id))
    elif query.show == "duplicates":
        conditions.append(Person.id.in_(_open_suggestions(DuplicateKind.PERSON)))
    order = {
        "recent": (Person.updated_at.desc(), Person.id.desc()),
        "talks": (_talk_count(SpeakerLink.person_id == Person.id).desc(), Person.family_name, Person.id),
    }.get(query.sort, (Person.family_name, Person.given_name, Person.id))
    total = await session.scalar(select(func.count()).select_from(Person).where(*conditions))
    ids = list(
        await session.scalars(
            select(Person.id).where(*conditions).order_by(*order).limit(PAGE_SIZE).offset(query.offset)
        )
    )
    return ResultPage(
        rows=await people_with_organisations(session, ids),
        total=total,
        query=query,
        talks=await _counts(session, SpeakerLink.person_id, ids),
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
        talks=await _counts(session, SpeakerLink.organisation_id, ids),
        flagged=await _flagged(session, DuplicateKind.ORGANISATION, ids),
    )
    page.people = await _counts(session, Person.organisation_id, ids)
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
