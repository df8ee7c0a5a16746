"""Reads of the events area's management pages (the public pages read in public_queries.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ...models import (
    EventSession,
    EventStatus,
    LearningEvent,
    Material,
    Organisation,
    Presentation,
    SpeakerLink,
    UploadInvitation,
)
from ..accounts.auth import SignedIn


async def events_managed_by(db: AsyncSession, user: SignedIn) -> list[LearningEvent]:
    """The events the user may manage (all for staff), newest first."""
    statement = (
        select(LearningEvent)
        .where(LearningEvent.deleted_at.is_(None))
        .order_by(LearningEvent.start_date.desc())
    )
    if not user.is_staff:
        statement = statement.where(LearningEvent.id.in_(user.event_ids or [-1]))
    return list(await db.scalars(statement))


@dataclass(slots=True)
class EventOverview:
    """What the event's management page shows: every session and presentation, deleted ones included."""

    sessions: list[EventSession]
    presentations: list[Presentation]
    event_materials: list[Material]
    checklist: dict[str, list[str]]


async def event_overview(db: AsyncSession, event: LearningEvent) -> EventOverview:
    sessions = await db.scalars(
        select(EventSession)
        .where(EventSession.event_id == event.id)
        .order_by(EventSession.position, EventSession.id)
    )
    presentations = await db.scalars(
        select(Presentation)
        .where(Presentation.event_id == event.id)
        .options(
            selectinload(Presentation.speaker_links).selectinload(SpeakerLink.person),
            selectinload(Presentation.materials).selectinload(Material.current_version),
        )
        .order_by(Presentation.position, Presentation.id)
    )
    event_materials = await db.scalars(
        select(Material)
        .where(Material.event_id == event.id, Material.presentation_id.is_(None))
        .options(selectinload(Material.current_version))
        .order_by(Material.position)
    )
    return EventOverview(
        list(sessions), list(presentations), list(event_materials), await checklist(db, event)
    )


async def checklist(db: AsyncSession, event: LearningEvent) -> dict[str, list[str]]:
    """What still needs doing before (or after) publishing."""
    presentations = list(
        await db.scalars(
            select(Presentation)
            .where(Presentation.event_id == event.id, Presentation.deleted_at.is_(None))
            .options(
                selectinload(Presentation.materials),
                selectinload(Presentation.speaker_links).selectinload(SpeakerLink.person),
            )
            .order_by(Presentation.position)
        )
    )
    return {
        "no_slides": [p.title for p in presentations if not [m for m in p.materials if m.deleted_at is None]],
        "no_speakers": [p.title for p in presentations if not p.speaker_links],
        "no_organisation": sorted(
            {
                link.person.full_name
                for p in presentations
                for link in p.speaker_links
                if link.organisation_id is None
            }
        ),
        "draft": [event.title] if event.status is EventStatus.DRAFT else [],
    }


async def host_of(db: AsyncSession, event_session: EventSession) -> Organisation | None:
    if event_session.host_organisation_id is None:
        return None
    return await db.get(Organisation, event_session.host_organisation_id)


async def live_presentation_count(db: AsyncSession, event_session: EventSession) -> int:
    """How many presentations (not deleted) the session holds."""
    count = await db.scalar(
        select(func.count()).where(
            Presentation.session_id == event_session.id, Presentation.deleted_at.is_(None)
        )
    )
    return count or 0


async def live_sessions(db: AsyncSession, event: LearningEvent) -> list[EventSession]:
    return list(
        await db.scalars(
            select(EventSession)
            .where(EventSession.event_id == event.id, EventSession.deleted_at.is_(None))
            .order_by(EventSession.position)
        )
    )


async def with_speakers_and_materials(db: AsyncSession, presentation: Presentation) -> Presentation:
    """The presentation with its speakers (person, organisation) and materials loaded."""
    await db.scalar(
        select(Presentation)
        .where(Presentation.id == presentation.id)
        .options(
            selectinload(Presentation.speaker_links).selectinload(SpeakerLink.person),
            selectinload(Presentation.speaker_links).selectinload(SpeakerLink.organisation),
            selectinload(Presentation.materials).selectinload(Material.current_version),
        )
        .execution_options(populate_existing=True)
    )
    return presentation


async def invitations_of(db: AsyncSession, presentation: Presentation) -> list[UploadInvitation]:
    """The presentation's upload links, newest first."""
    return list(
        await db.scalars(
            select(UploadInvitation)
            .where(UploadInvitation.presentation_id == presentation.id)
            .options(selectinload(UploadInvitation.person))
            .order_by(UploadInvitation.created_at.desc())
        )
    )


async def speaks_in(db: AsyncSession, presentation: Presentation, person_id: int) -> bool:
    found = await db.scalar(
        select(SpeakerLink.id).where(
            SpeakerLink.presentation_id == presentation.id, SpeakerLink.person_id == person_id
        )
    )
    return found is not None
