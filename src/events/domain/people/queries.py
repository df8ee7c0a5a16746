"""Reads of the management pages of the directory: finding people and organisations, their talks, the
suggestions naming them, and the review queue of likely duplicates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ...models import (
    DuplicateKind,
    DuplicateStatus,
    DuplicateSuggestion,
    LearningEvent,
    Organisation,
    Person,
    Presentation,
    SpeakerLink,
)
from ...models.base import TERM_LENGTH, name_key
from ...text import fold
from .search import (
    A_TO_Z,
    first_ids_in_a_to_z,
    is_common,
    organisation_ids_named,
    people_matching,
    people_with_organisations,
    search_words,
)


async def search_people(
    session: AsyncSession, query: str, limit: int = 10
) -> list[tuple[Person, Organisation | None]]:
    """People matching every word typed (see ``search.people_matching``), with their organisation."""
    if not search_words(query):
        return []
    ids = await first_ids_in_a_to_z(session, query, [], limit) if await is_common(session, query) else None
    if ids is None:
        ids = list(
            await session.scalars(
                select(Person.id)
                .where(Person.merged_into_id.is_(None), people_matching(query))
                .order_by(*A_TO_Z)
                .limit(limit)
            )
        )
    return await people_with_organisations(session, ids)


async def organisation_named(session: AsyncSession, value: str | None) -> Organisation | None:
    """The organisation typed in a form: by acronym, name or alias, in English or in French (accents and
    case ignored), so that typing "Service Nouveau-Brunswick" links Service New Brunswick.

    Matched by name only: digits typed are a name like any other, never a record's id. A merged
    record leads to the one it was merged into.
    """
    value = (value or "").strip()
    key = name_key(value)
    if not key:
        return None
    candidates = await session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(organisation_ids_named(fold(value).split()[0][:TERM_LENGTH])))
        .order_by(Organisation.merged_into_id.is_not(None), Organisation.id)
    )
    found = next(
        (
            o
            for o in candidates
            if key in {o.name_key, name_key(o.acronym or ""), name_key(o.name_fr or "")}
            or key == name_key(o.acronym_fr or "")
            or key in {name_key(a) for a in o.aliases}
        ),
        None,
    )
    while found is not None and found.merged_into_id is not None:
        found = await session.get(Organisation, found.merged_into_id)
    return found


async def person_with_organisation(session: AsyncSession, person_id: int) -> Person | None:
    return await session.scalar(
        select(Person).where(Person.id == person_id).options(joinedload(Person.organisation))
    )


async def organisation_with_relations(session: AsyncSession, organisation_id: int) -> Organisation | None:
    return await session.scalar(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(joinedload(Organisation.parent), joinedload(Organisation.successor))
    )


async def talks(session: AsyncSession, *where: Any, limit: int | None = None) -> list[SpeakerLink]:
    """Speaker links with their presentation, event and the organisation held at the time, newest first."""
    statement = (
        select(SpeakerLink)
        .join(SpeakerLink.presentation)
        .join(Presentation.event)
        .where(*where)
        .options(
            joinedload(SpeakerLink.person),
            joinedload(SpeakerLink.organisation),
            joinedload(SpeakerLink.presentation).joinedload(Presentation.event),
        )
        .order_by(LearningEvent.start_date.desc(), Presentation.position)
        .limit(limit)
    )
    return list(await session.scalars(statement))


async def suggestions_for(
    session: AsyncSession, kind: DuplicateKind, model: type, record_id: int
) -> list[tuple[Any, list[str]]]:
    """The open suggestions naming this record: (the other record, reasons)."""
    suggestions = await session.scalars(
        select(DuplicateSuggestion).where(
            DuplicateSuggestion.kind == kind,
            DuplicateSuggestion.status == DuplicateStatus.OPEN,
            or_(DuplicateSuggestion.first_id == record_id, DuplicateSuggestion.second_id == record_id),
        )
    )
    reasons = {s.second_id if s.first_id == record_id else s.first_id: s.reasons for s in suggestions}
    others = await session.scalars(select(model).where(model.id.in_(reasons)))
    return [(other, reasons[other.id]) for other in others]


async def related_organisations(session: AsyncSession, organisation: Organisation) -> list[Organisation]:
    """The live organisations that are part of ``organisation`` or that it succeeded, by name."""
    return list(
        await session.scalars(
            select(Organisation)
            .where(
                Organisation.merged_into_id.is_(None),
                or_(Organisation.parent_id == organisation.id, Organisation.successor_id == organisation.id),
            )
            .order_by(Organisation.name)
        )
    )


async def people_count(session: AsyncSession, organisation: Organisation) -> int:
    return await session.scalar(
        select(func.count()).where(Person.organisation_id == organisation.id, Person.merged_into_id.is_(None))
    )


async def open_suggestions(
    session: AsyncSession, kind: DuplicateKind, limit: int, offset: int
) -> tuple[int, list[DuplicateSuggestion]]:
    """How many suggestions of this kind are open, and one page of them (the oldest first)."""
    open_pairs = (DuplicateSuggestion.kind == kind, DuplicateSuggestion.status == DuplicateStatus.OPEN)
    total = await session.scalar(select(func.count()).select_from(DuplicateSuggestion).where(*open_pairs))
    suggestions = await session.scalars(
        select(DuplicateSuggestion)
        .where(*open_pairs)
        .order_by(DuplicateSuggestion.created_at, DuplicateSuggestion.id)
        .limit(limit)
        .offset(offset)
    )
    return total, list(suggestions)


async def records_by_id(session: AsyncSession, model: type, ids: set[int]) -> dict[int, Any]:
    statement = select(model).where(model.id.in_(ids))
    if model is Person:
        statement = statement.options(joinedload(Person.organisation))
    return {record.id: record for record in await session.scalars(statement)}
