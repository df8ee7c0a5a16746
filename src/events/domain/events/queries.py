"""Reads of the events area's management pages (the public pages read in public_queries.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    checklist: Checklist


@dataclass(slots=True)
class MissingFrench:
    """A text with English and no French: `what` is "event_title", "event_description", "session",
    "presentation" or "job_title"; `record` the row that holds it (a job title's is its speaker link,
    `presentation` then the talk it is in)."""

    what: str
    record: object
    presentation: Presentation | None = None


@dataclass(slots=True)
class Checklist:
    """What still needs doing before (or after) publishing."""

    draft: bool = False
    no_slides: list[Presentation] = field(default_factory=list)
    no_speakers: list[Presentation] = field(default_factory=list)
    no_organisation: list[str] = field(default_factory=list)  # names of speakers
    missing_french: list[MissingFrench] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return not (
            self.draft or self.no_slides or self.no_speakers or self.no_organisation or self.missing_french
        )


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


async def checklist(db: AsyncSession, event: LearningEvent) -> Checklist:
    """What still needs doing before (or after) publishing, and what has no French yet."""
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
    return Checklist(
        draft=event.status is EventStatus.DRAFT,
        no_slides=[p for p in presentations if not [m for m in p.materials if m.deleted_at is None]],
        no_speakers=[p for p in presentations if not p.speaker_links],
        no_organisation=sorted(
            {
                link.person.full_name
                for p in presentations
                for link in p.speaker_links
                if link.organisation_id is None
            }
        ),
        missing_french=await _missing_french(db, event, presentations),
    )


async def _missing_french(
    db: AsyncSession, event: LearningEvent, presentations: list[Presentation]
) -> list[MissingFrench]:
    """Every text of the event that has its English and not its French, in the page's order."""
    missing = []
    if event.title and not event.title_fr:
        missing.append(MissingFrench("event_title", event))
    if event.description and not event.description_fr:
        missing.append(MissingFrench("event_description", event))
    missing += [
        MissingFrench("session", event_session)
        for event_session in await live_sessions(db, event)
        if event_session.title and not event_session.title_fr
    ]
    for presentation in presentations:
        if presentation.title and not presentation.title_fr:
            missing.append(MissingFrench("presentation", presentation))
    missing += [
        MissingFrench("job_title", link, presentation)
        for presentation in presentations
        for link in presentation.speaker_links
        if link.job_title and not link.job_title_fr
    ]
    return missing


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
