"""The synchronous reads of the public pages (run in a worker thread by the page cache).

The event page is the archive's busiest, and most of its cost was the ORM building several hundred
objects per render; the presentations, their speakers and their files are read here as plain rows
instead. The objects keep the ORM's attribute names, so the same template macros show both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ...models import (
    PUBLIC_STATUSES,
    EventSession,
    LearningEvent,
    Material,
    MaterialKind,
    MaterialVersion,
    Organisation,
    Person,
    Presentation,
    SpeakerLink,
    Topic,
)
from ...models.events import event_topic


def public_events_query():  # noqa: ANN201
    """Events the public may see: published or archived, not deleted."""
    return select(LearningEvent).where(
        LearningEvent.status.in_(PUBLIC_STATUSES), LearningEvent.deleted_at.is_(None)
    )


def public_events(
    session: Session,
    *,
    upcoming_from: dt.date | None = None,
    before: dt.date | None = None,
    limit: int | None = None,
) -> list[LearningEvent]:
    """Published events: newest first, or soonest first for the upcoming ones."""
    statement = public_events_query().options(selectinload(LearningEvent.topics)).limit(limit)
    if upcoming_from is not None:
        ends = func.coalesce(LearningEvent.end_date, LearningEvent.start_date)
        statement = statement.where(ends >= upcoming_from).order_by(
            LearningEvent.start_date, LearningEvent.id
        )
    else:
        if before is not None:
            statement = statement.where(
                func.coalesce(LearningEvent.end_date, LearningEvent.start_date) < before
            )
        statement = statement.order_by(LearningEvent.start_date.desc(), LearningEvent.id.desc())
    return list((session.scalars(statement)).all())


def topic_by_slug(session: Session, slug: str) -> tuple[Topic, list[LearningEvent]] | None:
    topic = session.scalar(select(Topic).where(Topic.slug == slug))
    if topic is None:
        return None
    events = (
        session.scalars(
            public_events_query()
            .where(LearningEvent.topics.any(Topic.id == topic.id))
            .order_by(LearningEvent.start_date.desc())
        )
    ).all()
    return topic, list(events)


@dataclass(slots=True)
class OrganisationRef:
    slug: str
    name: str
    acronym: str | None
    name_fr: str | None = None
    acronym_fr: str | None = None


@dataclass(slots=True)
class PersonRef:
    slug: str
    full_name: str


@dataclass(slots=True)
class Credit:
    """A speaker as credited at the event: the job title and organisation held then."""

    person: PersonRef
    job_title: str | None
    job_title_fr: str | None
    organisation: OrganisationRef | None


@dataclass(slots=True)
class FileRef:
    filename: str
    content_type: str
    size: int


@dataclass(slots=True)
class MaterialRef:
    id: int
    title: str | None
    kind: MaterialKind
    external_url: str | None
    current_version: FileRef | None
    language: str | None  # "en", "fr", or None: the talk's (English)


@dataclass(slots=True)
class PresentationRef:
    id: int
    title: str
    title_fr: str | None
    speaker_links: list[Credit] = field(default_factory=list)


@dataclass(slots=True)
class PresentationEntry:
    presentation: PresentationRef
    materials: list[MaterialRef] = field(default_factory=list)


@dataclass(slots=True)
class SessionRef:
    id: int
    title: str
    title_fr: str | None
    description: str | None
    description_fr: str | None
    host_organisation: OrganisationRef | None


@dataclass(slots=True)
class TopicRef:
    slug: str
    title: str
    title_fr: str | None


@dataclass(slots=True)
class SessionGroup:
    session: SessionRef | None
    entries: list[PresentationEntry] = field(default_factory=list)


@dataclass(slots=True)
class EventListing:
    event: LearningEvent
    topics: list[TopicRef]
    groups: list[SessionGroup]
    event_materials: list[MaterialRef]

    @property
    def presentation_count(self) -> int:
        return sum(len(group.entries) for group in self.groups)


# Built once: constructing a statement costs more than running it from SQLAlchemy's compiled cache.
_EVENT = (
    public_events_query()
    .where(LearningEvent.slug == bindparam("slug"))
    .options(joinedload(LearningEvent.host_organisation))
)
_TOPICS = (
    select(Topic.slug, Topic.title, Topic.title_fr)
    .join(event_topic, event_topic.c.topic_id == Topic.id)
    .where(event_topic.c.event_id == bindparam("event_id"))
    .order_by(Topic.title)
)
_SESSIONS = (
    select(
        EventSession.id,
        EventSession.title,
        EventSession.title_fr,
        EventSession.description,
        EventSession.description_fr,
        Organisation.slug,
        Organisation.name,
        Organisation.acronym,
        Organisation.name_fr,
        Organisation.acronym_fr,
    )
    .outerjoin(Organisation, Organisation.id == EventSession.host_organisation_id)
    .where(EventSession.event_id == bindparam("event_id"), EventSession.deleted_at.is_(None))
    .order_by(EventSession.position, EventSession.id)
)
# Each presentation with its speakers in one statement: one row per speaker, or one with no speaker.
_PRESENTATIONS = (
    select(
        Presentation.id,
        Presentation.session_id,
        Presentation.title,
        Presentation.title_fr,
        SpeakerLink.job_title,
        SpeakerLink.job_title_fr,
        Person.slug,
        Person.given_name,
        Person.family_name,
        Organisation.slug.label("organisation_slug"),
        Organisation.name.label("organisation_name"),
        Organisation.acronym,
        Organisation.name_fr.label("organisation_name_fr"),
        Organisation.acronym_fr,
    )
    .outerjoin(SpeakerLink, SpeakerLink.presentation_id == Presentation.id)
    .outerjoin(Person, Person.id == SpeakerLink.person_id)
    .outerjoin(Organisation, Organisation.id == SpeakerLink.organisation_id)
    .where(Presentation.event_id == bindparam("event_id"), Presentation.deleted_at.is_(None))
    .order_by(Presentation.position, Presentation.id, SpeakerLink.position)
)
_FILES = (
    select(
        Material.id,
        Material.presentation_id,
        Material.title,
        Material.kind,
        Material.external_url,
        Material.language,
        MaterialVersion.filename,
        MaterialVersion.content_type,
        MaterialVersion.size,
    )
    .outerjoin(MaterialVersion, MaterialVersion.id == Material.current_version_id)
    .where(Material.event_id == bindparam("event_id"), Material.public_at(bindparam("now")))
    .order_by(Material.position, Material.id)
)


def event_listing(session: Session, slug: str, now: dt.datetime) -> EventListing | None:
    """Everything the public event page shows, in five statements whatever the event's size."""
    event = session.scalar(_EVENT, {"slug": slug})
    if event is None:
        return None
    entries: dict[int, PresentationEntry] = {}  # in the order of the event
    sessions_of: dict[int, int | None] = {}
    organisations: dict[str, OrganisationRef] = {}
    for row in session.execute(_PRESENTATIONS, {"event_id": event.id}):
        entry = entries.get(row.id)
        if entry is None:
            entry = entries[row.id] = PresentationEntry(PresentationRef(row.id, row.title, row.title_fr))
            sessions_of[row.id] = row.session_id
        if row.slug is None:
            continue  # no speaker yet
        organisation = None
        if row.organisation_slug is not None:
            organisation = organisations.get(row.organisation_slug) or organisations.setdefault(
                row.organisation_slug,
                OrganisationRef(
                    row.organisation_slug,
                    row.organisation_name,
                    row.acronym,
                    row.organisation_name_fr,
                    row.acronym_fr,
                ),
            )
        person = PersonRef(row.slug, f"{row.given_name} {row.family_name}".strip())
        entry.presentation.speaker_links.append(Credit(person, row.job_title, row.job_title_fr, organisation))

    event_materials: list[MaterialRef] = []
    for row in session.execute(_FILES, {"event_id": event.id, "now": now}):
        if row.filename is None and row.external_url is None:
            continue  # nothing to offer yet
        version = FileRef(row.filename, row.content_type, row.size) if row.filename is not None else None
        material = MaterialRef(row.id, row.title, row.kind, row.external_url, version, row.language)
        if row.presentation_id is None:
            event_materials.append(material)
        elif row.presentation_id in entries:
            entries[row.presentation_id].materials.append(material)

    topics = [
        TopicRef(row.slug, row.title, row.title_fr)
        for row in session.execute(_TOPICS, {"event_id": event.id})
    ]
    groups = {}
    for row in session.execute(_SESSIONS, {"event_id": event.id}):
        host = None
        if row.slug is not None:
            host = OrganisationRef(row.slug, row.name, row.acronym, row.name_fr, row.acronym_fr)
        session_ref = SessionRef(row.id, row.title, row.title_fr, row.description, row.description_fr, host)
        groups[row.id] = SessionGroup(session_ref)
    loose = SessionGroup(None)
    for presentation_id, entry in entries.items():
        groups.get(sessions_of[presentation_id], loose).entries.append(entry)
    ordered = ([loose] if loose.entries else []) + list(groups.values())
    return EventListing(event, topics, ordered, event_materials)
