"""Reads of the public pages of speakers and organisations (synchronous: run by the page cache's thread)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Exists, case, func, literal_column, select, union_all
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from ...models import (
    PUBLIC_STATUSES,
    EventSession,
    LearningEvent,
    Material,
    Organisation,
    Person,
    Presentation,
    SpeakerLink,
)


@dataclass
class Appearance:
    """One talk in a person's or organisation's history, with what was held at the time."""

    link: SpeakerLink
    presentation: Presentation
    event: LearningEvent
    materials: list[Material]


# What makes a speaker link public: the talk and its event are not deleted and the event is published.
PUBLIC_TALK = (
    Presentation.deleted_at.is_(None),
    LearningEvent.deleted_at.is_(None),
    LearningEvent.status.in_(PUBLIC_STATUSES),
)


def public_talk_exists(*conditions: ColumnElement[bool]) -> Exists:
    """Whether a public speaker link meets ``conditions`` (correlated with the enclosing query)."""
    return (
        select(SpeakerLink.id)
        .join(SpeakerLink.presentation)
        .join(Presentation.event)
        .where(*PUBLIC_TALK, *conditions)
        .exists()
    )


def _public_links():  # noqa: ANN202
    return (
        select(SpeakerLink)
        .join(SpeakerLink.presentation)
        .join(Presentation.event)
        .where(*PUBLIC_TALK)
        .options(
            joinedload(SpeakerLink.person),
            joinedload(SpeakerLink.organisation),
            joinedload(SpeakerLink.presentation).options(
                joinedload(Presentation.event),
                selectinload(Presentation.materials).joinedload(Material.current_version),
                selectinload(Presentation.speaker_links).options(
                    joinedload(SpeakerLink.person), joinedload(SpeakerLink.organisation)
                ),
            ),
        )
        # Newest event first; the event id keeps two events of one day from interleaving their talks.
        .order_by(
            LearningEvent.start_date.desc(), LearningEvent.id.desc(), Presentation.position, Presentation.id
        )
    )


def _appearances(links: list[SpeakerLink], now) -> list[Appearance]:  # noqa: ANN001
    seen: set[int] = set()
    appearances = []
    for link in links:
        if link.presentation_id in seen:
            continue
        seen.add(link.presentation_id)
        presentation = link.presentation
        materials = [m for m in presentation.materials if m.is_public_at(now)]
        appearances.append(Appearance(link, presentation, presentation.event, materials))
    return appearances


def person_by_slug(session: Session, slug: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slug == slug).options(joinedload(Person.organisation)))


def person_history(session: Session, person: Person, now) -> list[Appearance]:  # noqa: ANN001
    links = (session.scalars(_public_links().where(SpeakerLink.person_id == person.id))).unique().all()
    return _appearances(list(links), now)


@dataclass
class OrganisationPage:
    organisation: Organisation
    children: list[Organisation]
    predecessors: list[Organisation]  # every earlier name, however far back, the closest first
    successors: list[Organisation]  # the later names, in order
    appearances: list[Appearance]  # talks under this name or an earlier one, newest first
    hosted_sessions: list[EventSession]
    events_held: list[LearningEvent]  # events held with it (or an earlier name), newest first


# Lineage loops are refused on write (service._refuse_loop); this bound only keeps a bad row from looping a page.
LINEAGE_STEPS = 50


def _lineage(session: Session, organisation: Organisation) -> list[tuple[Organisation, int]]:
    """The earlier (negative steps) and later (positive steps) names of ``organisation``, in one statement."""
    older, newer = aliased(Organisation), aliased(Organisation)
    earlier = select(Organisation.id, literal_column("0").label("step")).where(
        Organisation.id == organisation.id
    )
    earlier = earlier.cte("earlier", recursive=True)
    earlier = earlier.union_all(
        select(older.id, earlier.c.step - 1)
        .join(older, older.successor_id == earlier.c.id)
        .where(earlier.c.step > -LINEAGE_STEPS)
    )
    later = select(Organisation.successor_id.label("id"), literal_column("1").label("step")).where(
        Organisation.id == organisation.id, Organisation.successor_id.is_not(None)
    )
    later = later.cte("later", recursive=True)
    later = later.union_all(
        select(newer.successor_id, later.c.step + 1)
        .join(newer, newer.id == later.c.id)
        .where(newer.successor_id.is_not(None), later.c.step < LINEAGE_STEPS)
    )
    steps = union_all(
        select(earlier.c.id, earlier.c.step).where(earlier.c.step < 0), select(later.c.id, later.c.step)
    ).subquery()
    rows = session.execute(
        select(Organisation, steps.c.step)
        .join(steps, steps.c.id == Organisation.id)
        .order_by(func.abs(steps.c.step), Organisation.name)
    )
    seen = {organisation.id}
    lineage = []
    for other, step in rows:
        if other.id not in seen:
            seen.add(other.id)
            lineage.append((other, step))
    return lineage


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    return session.scalar(
        select(Organisation).where(Organisation.slug == slug).options(joinedload(Organisation.parent))
    )


def organisation_page(session: Session, organisation: Organisation, now) -> OrganisationPage:  # noqa: ANN001
    """What an organisation's page shows, in a handful of statements whatever the number of talks."""
    children = (
        session.scalars(
            select(Organisation)
            .where(Organisation.parent_id == organisation.id, Organisation.merged_into_id.is_(None))
            .order_by(Organisation.name)
        )
    ).all()
    lineage = _lineage(session, organisation)
    predecessors = [other for other, step in lineage if step < 0]
    # The talks and sessions of its earlier names are its history too, shown with the name of the time.
    names = [organisation.id, *(other.id for other in predecessors)]
    links = (
        (
            session.scalars(
                _public_links()
                .where(SpeakerLink.organisation_id.in_(names))
                # A talk shared by several of its people is shown once, preferably under the current name.
                .order_by(
                    case((SpeakerLink.organisation_id == organisation.id, 0), else_=1), SpeakerLink.position
                )
            )
        )
        .unique()
        .all()
    )
    hosted = (
        session.scalars(
            select(EventSession)
            .join(EventSession.event)
            .where(
                EventSession.host_organisation_id.in_(names),
                EventSession.deleted_at.is_(None),
                LearningEvent.deleted_at.is_(None),
                LearningEvent.status.in_(PUBLIC_STATUSES),
            )
            .options(joinedload(EventSession.event), joinedload(EventSession.host_organisation))
            .order_by(LearningEvent.start_date.desc(), LearningEvent.id.desc(), EventSession.position)
        )
    ).all()
    held = session.scalars(
        select(LearningEvent)
        .where(
            LearningEvent.host_organisation_id.in_(names),
            LearningEvent.deleted_at.is_(None),
            LearningEvent.status.in_(PUBLIC_STATUSES),
        )
        .options(joinedload(LearningEvent.host_organisation))
        .order_by(LearningEvent.start_date.desc(), LearningEvent.id.desc())
    ).all()
    return OrganisationPage(
        organisation=organisation,
        children=list(children),
        predecessors=predecessors,
        successors=[other for other, step in lineage if step > 0],
        appearances=_appearances(list(links), now),
        hosted_sessions=list(hosted),
        events_held=list(held),
    )
