"""Litestar dependencies that load what a management address names (the event, a session, a presentation,
a speaker of it) from its path parameters, answering 404 when it is not there.

Who may reach the event is checked before any of these run, by the `event_access` guard of the
controllers (a 403 for an event one does not organise, whether or not it exists).
Controllers declare them with `dependencies=EVENT_DEPENDENCIES` and handlers ask for them by name:
`event: EventDep`, `presentation: PresentationDep`. Other areas may use them too (materials does).
"""

from __future__ import annotations

from typing import Any, TypeVar

from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ...i18n import N_, gettext
from ...models import EventSession, LearningEvent, Presentation, SpeakerLink
from ...web.deps import Db

M = TypeVar("M")

# What a 404 says when an address names a row that is not in the event, by table.
NOT_IN_EVENT = {
    "event_session": N_("There is no such session in this event."),
    "presentation": N_("There is no such presentation in this event."),
    "material": N_("There is no such material in this event."),
}

EventDep = NamedDependency[LearningEvent]
EventSessionDep = NamedDependency[EventSession]
PresentationDep = NamedDependency[Presentation]
SpeakerLinkDep = NamedDependency[SpeakerLink]


async def load_event(db: AsyncSession, event_id: int) -> LearningEvent:
    """The event (not deleted), or 404."""
    event = await db.scalar(
        select(LearningEvent).where(LearningEvent.id == event_id, LearningEvent.deleted_at.is_(None))
    )
    if event is None:
        raise NotFoundException(gettext("There is no such event."))
    return event


async def load_in_event(db: AsyncSession, model: type[M], item_id: int, event_id: int) -> M:
    """A row of `model` (session, presentation, material...) that belongs to the event, or 404.
    A deleted one is found too: it can be restored."""
    item: Any = await db.scalar(select(model).where(model.id == item_id, model.event_id == event_id))  # type: ignore[attr-defined]
    if item is None:
        table = model.__tablename__  # type: ignore[attr-defined]
        raise NotFoundException(gettext(NOT_IN_EVENT.get(table, N_("There is no such item in this event."))))
    return item


async def provide_event(db: Db, event_id: FromPath[int]) -> LearningEvent:
    return await load_event(db, event_id)


# Each loader depends on the one before it (session and presentation on the event, speaker link on the
# presentation): Litestar resolves the dependencies of one level concurrently, and one database session
# runs one statement at a time ("concurrent operations are not permitted", a 500).
async def provide_event_session(db: Db, event: EventDep, session_id: FromPath[int]) -> EventSession:
    return await load_in_event(db, EventSession, session_id, event.id)


async def provide_presentation(db: Db, event: EventDep, presentation_id: FromPath[int]) -> Presentation:
    return await load_in_event(db, Presentation, presentation_id, event.id)


async def provide_speaker_link(db: Db, presentation: PresentationDep, link_id: FromPath[int]) -> SpeakerLink:
    """A speaker of the presentation (with the person), or 404."""
    link = await db.scalar(
        select(SpeakerLink)
        .where(SpeakerLink.id == link_id, SpeakerLink.presentation_id == presentation.id)
        .options(selectinload(SpeakerLink.person))
    )
    if link is None:
        raise NotFoundException(gettext("There is no such speaker in this presentation."))
    return link


EVENT_DEPENDENCIES = {
    "event": Provide(provide_event),
    "event_session": Provide(provide_event_session),
    "presentation": Provide(provide_presentation),
    "speaker_link": Provide(provide_speaker_link),
}
