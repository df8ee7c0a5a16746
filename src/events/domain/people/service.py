"""People and organisations: every write of the directory, and the reads of its public pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload, selectinload

from ...models import (
    PUBLIC_STATUSES,
    EventSession,
    LearningEvent,
    Material,
    Organisation,
    OrganisationKind,
    Person,
    Presentation,
    SpeakerLink,
)
from ..audit import Actor, created_fields, record
from ..text import free_slug, slugify


async def create_organisation(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    acronym: str | None = None,
    kind: OrganisationKind | None = None,
    jurisdiction: str | None = None,
    website: str | None = None,
    parent: Organisation | None = None,
    successor: Organisation | None = None,
    aliases: list[str] | None = None,
) -> Organisation:
    organisation = Organisation(
        slug=await free_slug(session, Organisation, slugify(name)),
        name=name,
        acronym=acronym,
        kind=kind,
        jurisdiction=jurisdiction,
        website=website,
        parent_id=parent.id if parent else None,
        successor_id=successor.id if successor else None,
        aliases=aliases or [],
    )
    session.add(organisation)
    await session.flush()
    record(
        session,
        actor,
        "create",
        organisation,
        summary=f"Created organisation {name}",
        changes=created_fields(name=name, acronym=acronym, kind=kind, jurisdiction=jurisdiction),
    )
    return organisation


async def create_person(
    session: AsyncSession,
    actor: Actor,
    *,
    given_name: str,
    family_name: str,
    job_title: str | None = None,
    organisation: Organisation | None = None,
    email: str | None = None,
    biography: str | None = None,
) -> Person:
    person = Person(
        slug=await free_slug(session, Person, slugify(f"{given_name} {family_name}")),
        given_name=given_name,
        family_name=family_name,
        job_title=job_title,
        organisation_id=organisation.id if organisation else None,
        email=email,
        biography=biography,
        aliases=[],
    )
    session.add(person)
    await session.flush()
    record(
        session,
        actor,
        "create",
        person,
        summary=f"Created person {person.full_name}",
        changes=created_fields(
            given_name=given_name,
            family_name=family_name,
            job_title=job_title,
            organisation_id=person.organisation_id,
        ),
    )
    return person


# --- public reads ---------------------------------------------------------------------------------


@dataclass
class Appearance:
    """One talk in a person's or organisation's history, with what was held at the time."""

    link: SpeakerLink
    presentation: Presentation
    event: LearningEvent
    materials: list[Material]


def _public_links():  # noqa: ANN202
    return (
        select(SpeakerLink)
        .join(SpeakerLink.presentation)
        .join(Presentation.event)
        .where(
            Presentation.deleted_at.is_(None),
            LearningEvent.deleted_at.is_(None),
            LearningEvent.status.in_(PUBLIC_STATUSES),
        )
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
        .order_by(LearningEvent.start_date.desc(), Presentation.position)
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
    predecessors: list[Organisation]
    appearances: list[Appearance]
    hosted_sessions: list[EventSession]


def organisation_page(session: Session, slug: str, now) -> OrganisationPage | None:  # noqa: ANN001
    organisation = session.scalar(
        select(Organisation)
        .where(Organisation.slug == slug)
        .options(joinedload(Organisation.parent), joinedload(Organisation.successor))
    )
    if organisation is None:
        return None
    related = (
        session.scalars(
            select(Organisation)
            .where(
                or_(Organisation.parent_id == organisation.id, Organisation.successor_id == organisation.id)
            )
            .order_by(Organisation.name)
        )
    ).all()
    links = (
        (session.scalars(_public_links().where(SpeakerLink.organisation_id == organisation.id)))
        .unique()
        .all()
    )
    hosted = (
        session.scalars(
            select(EventSession)
            .join(EventSession.event)
            .where(
                EventSession.host_organisation_id == organisation.id,
                EventSession.deleted_at.is_(None),
                LearningEvent.deleted_at.is_(None),
                LearningEvent.status.in_(PUBLIC_STATUSES),
            )
            .options(joinedload(EventSession.event))
            .order_by(LearningEvent.start_date.desc(), EventSession.position)
        )
    ).all()
    return OrganisationPage(
        organisation=organisation,
        children=[o for o in related if o.parent_id == organisation.id],
        predecessors=[o for o in related if o.successor_id == organisation.id],
        appearances=_appearances(list(links), now),
        hosted_sessions=list(hosted),
    )
