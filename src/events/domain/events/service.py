"""Events: every write of the area, each with its audit entry (reads are in queries.py and public_queries.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...audit import Actor, apply_changes, created_fields, record
from ...db.slugs import free_slug
from ...i18n import gettext
from ...models import (
    EventSession,
    EventStatus,
    LearningEvent,
    Organisation,
    Person,
    Presentation,
    SpeakerLink,
    Topic,
)
from ...text import slugify


async def create_topic(
    session: AsyncSession,
    actor: Actor,
    *,
    title: str,
    summary: str | None = None,
    description: str | None = None,
    title_fr: str | None = None,
    summary_fr: str | None = None,
    description_fr: str | None = None,
) -> Topic:
    topic = Topic(
        slug=await free_slug(session, Topic, slugify(title)),
        title=title,
        summary=summary,
        description=description,
        title_fr=title_fr,
        summary_fr=summary_fr,
        description_fr=description_fr,
    )
    session.add(topic)
    await session.flush()
    record(
        session,
        actor,
        "create",
        topic,
        summary=f"Created topic {title}",
        changes=created_fields(title=title, title_fr=title_fr),
    )
    return topic


async def create_event(
    session: AsyncSession,
    actor: Actor,
    *,
    title: str,
    start_date: dt.date,
    title_fr: str | None = None,
    slug: str | None = None,
    end_date: dt.date | None = None,
    description: str | None = None,
    description_fr: str | None = None,
    venue: str | None = None,
    city: str | None = None,
    region: str | None = None,
    country: str | None = None,
    host: str | None = None,
    host_fr: str | None = None,
    host_organisation: Organisation | None = None,
    language: str = "en",
    topics: list[Topic] | None = None,
) -> LearningEvent:
    """A draft event; its title may be in English, French or both (a French-only one keeps title "")."""
    named = title or title_fr or ""
    event = LearningEvent(
        slug=slug or await free_slug(session, LearningEvent, slugify(f"{start_date.year} {named}")),
        title=title,
        title_fr=title_fr,
        start_date=start_date,
        end_date=end_date,
        description=description,
        description_fr=description_fr,
        venue=venue,
        city=city,
        region=region,
        country=country,
        host=host,
        host_fr=host_fr,
        host_organisation_id=host_organisation.id if host_organisation else None,
        language=language,
        status=EventStatus.DRAFT,
    )
    session.add(event)
    await session.flush()
    if topics:
        await session.refresh(event, attribute_names=["topics"])
        event.topics.extend(topics)
        await session.flush()
    record(
        session,
        actor,
        "create",
        event,
        event_id=event.id,
        summary=f"Created event {named}",
        changes=created_fields(
            title=title, title_fr=title_fr, slug=event.slug, start_date=start_date, city=city, host=host
        ),
    )
    return event


async def set_event_status(
    session: AsyncSession, actor: Actor, event: LearningEvent, status: EventStatus
) -> None:
    before = event.status
    event.status = status
    record(
        session,
        actor,
        "status",
        event,
        event_id=event.id,
        summary=f"{status.value.capitalize()} event {event.title or event.title_fr}",
        changes={"status": {"before": before.value, "after": status.value}},
    )
    await session.flush()


async def add_session(
    session: AsyncSession,
    actor: Actor,
    event: LearningEvent,
    *,
    title: str,
    title_fr: str | None = None,
    host_organisation: Organisation | None = None,
    description: str | None = None,
    description_fr: str | None = None,
) -> EventSession:
    position = await session.scalar(
        select(func.coalesce(func.max(EventSession.position), 0) + 1).where(EventSession.event_id == event.id)
    )
    event_session = EventSession(
        event_id=event.id,
        title=title,
        title_fr=title_fr,
        description=description,
        description_fr=description_fr,
        host_organisation_id=host_organisation.id if host_organisation else None,
        position=position,
    )
    session.add(event_session)
    await session.flush()
    record(
        session,
        actor,
        "create",
        event_session,
        event_id=event.id,
        summary=f"Added session {title or title_fr}",
        changes=created_fields(
            title=title, title_fr=title_fr, host_organisation_id=event_session.host_organisation_id
        ),
    )
    return event_session


async def add_presentation(
    session: AsyncSession,
    actor: Actor,
    event: LearningEvent,
    *,
    title: str,
    title_fr: str | None = None,
    event_session: EventSession | None = None,
    abstract: str | None = None,
    abstract_fr: str | None = None,
) -> Presentation:
    position = await session.scalar(
        select(func.coalesce(func.max(Presentation.position), 0) + 1).where(Presentation.event_id == event.id)
    )
    presentation = Presentation(
        event_id=event.id,
        session_id=event_session.id if event_session else None,
        title=title,
        title_fr=title_fr,
        abstract=abstract,
        abstract_fr=abstract_fr,
        position=position,
    )
    session.add(presentation)
    await session.flush()
    record(
        session,
        actor,
        "create",
        presentation,
        event_id=event.id,
        summary=f"Added presentation {title or title_fr}",
        changes=created_fields(
            title=title, title_fr=title_fr, session_id=presentation.session_id, position=position
        ),
    )
    return presentation


async def add_speaker(
    session: AsyncSession,
    actor: Actor,
    presentation: Presentation,
    person: Person,
    *,
    job_title: str | None = None,
    job_title_fr: str | None = None,
    organisation: Organisation | None = None,
) -> SpeakerLink:
    """Link a speaker; the title and organisation default to the person's current ones and are then frozen."""
    position = await session.scalar(
        select(func.coalesce(func.max(SpeakerLink.position), 0) + 1).where(
            SpeakerLink.presentation_id == presentation.id
        )
    )
    link = SpeakerLink(
        presentation_id=presentation.id,
        person_id=person.id,
        position=position,
        job_title=job_title if job_title is not None else person.job_title,
        job_title_fr=job_title_fr,
        organisation_id=organisation.id if organisation else person.organisation_id,
    )
    session.add(link)
    await session.flush()
    record(
        session,
        actor,
        "create",
        link,
        event_id=presentation.event_id,
        summary=f"Added {person.full_name} to {presentation.title or presentation.title_fr}",
        changes=created_fields(
            person_id=person.id,
            job_title=link.job_title,
            job_title_fr=job_title_fr,
            organisation_id=link.organisation_id,
        ),
    )
    return link


class EventError(ValueError):
    """A user-facing reason why an event change was refused."""


EDITABLE_EVENT_FIELDS = (
    "title",
    "title_fr",
    "description",
    "description_fr",
    "start_date",
    "end_date",
    "venue",
    "city",
    "region",
    "host",
    "host_fr",
    "language",
)


async def update_event(session: AsyncSession, actor: Actor, event: LearningEvent, **fields: object) -> None:
    if fields.get("end_date") and fields.get("start_date") and fields["end_date"] < fields["start_date"]:
        raise EventError(gettext("The end date is before the start date."))
    changes = apply_changes(event, **{k: v for k, v in fields.items() if k in EDITABLE_EVENT_FIELDS})
    if changes:
        record(
            session,
            actor,
            "update",
            event,
            event_id=event.id,
            summary=f"Edited event {event.title or event.title_fr}",
            changes=changes,
        )
        await session.flush()


async def update_fields(
    session: AsyncSession,
    actor: Actor,
    entity: EventSession | Presentation | SpeakerLink,
    *,
    event_id: int,
    **fields: object,
) -> None:
    """Edit a session, presentation or speaker link, recording the before and after of what changed."""
    changes = apply_changes(entity, **fields)
    if changes:
        label = (
            getattr(entity, "title", None)
            or getattr(entity, "title_fr", None)
            or type(entity).__tablename__.replace("_", " ")
        )
        record(
            session, actor, "update", entity, event_id=event_id, summary=f"Edited {label}", changes=changes
        )
        await session.flush()


async def move(
    session: AsyncSession, actor: Actor, entity: EventSession | Presentation, *, event_id: int, step: int
) -> None:
    """Swap an entry with its neighbour (step -1: up, +1: down) among the live ones of its list."""
    model = type(entity)
    siblings_filter = [model.event_id == entity.event_id, model.deleted_at.is_(None)]
    if isinstance(entity, Presentation):
        siblings_filter.append(
            Presentation.session_id.is_(None)
            if entity.session_id is None
            else Presentation.session_id == entity.session_id
        )
    siblings = list(
        await session.scalars(select(model).where(*siblings_filter).order_by(model.position, model.id))
    )
    index = siblings.index(entity)
    other = index + step
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    record(session, actor, "move", entity, event_id=event_id, summary=f"Moved {entity.title or entity.title_fr} {'up' if step < 0 else 'down'}",
           changes={"position": {"before": index + 1, "after": other + 1}})  # fmt: skip
    await session.flush()


async def set_deleted(
    session: AsyncSession,
    actor: Actor,
    entity: EventSession | Presentation | LearningEvent,
    *,
    event_id: int,
    deleted: bool,
) -> None:
    """Soft delete (or restore): the row stays, so nothing is lost and the deletion can be undone."""
    before = entity.deleted_at
    entity.deleted_at = dt.datetime.now(dt.UTC) if deleted else None
    record(session, actor, "delete" if deleted else "restore", entity, event_id=event_id,
           summary=f"{'Deleted' if deleted else 'Restored'} {entity.title or entity.title_fr}",
           changes={"deleted_at": {"before": before and before.isoformat(), "after": entity.deleted_at and entity.deleted_at.isoformat()}})  # fmt: skip
    await session.flush()


async def remove_speaker(
    session: AsyncSession, actor: Actor, link: SpeakerLink, *, event_id: int, name: str
) -> None:
    record(session, actor, "remove", link, event_id=event_id, summary=f"Removed {name} from a presentation",
           changes={"person_id": {"before": link.person_id, "after": None}})  # fmt: skip
    await session.delete(link)
    await session.flush()
