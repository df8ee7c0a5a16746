"""A synthetic large event (many presentations and speakers) for statement counts and benchmarks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from ..audit import COMMAND_LINE, Actor
from ..domain.events import service as events
from ..domain.materials import service as materials
from ..domain.people import service as people
from ..models import EventStatus, LearningEvent, OrganisationKind
from ..storage import Storage


async def _one_chunk(data: bytes):  # noqa: ANN202
    yield data


async def load_large_event(
    session: AsyncSession,
    storage: Storage,
    *,
    slug: str = "large-event",
    presentations: int = 60,
    speakers: int = 80,
    sessions: int = 6,
    actor: Actor = COMMAND_LINE,
) -> LearningEvent:
    """A published event with the given numbers of presentations, distinct speakers and sessions.

    Each presentation has a small PDF-like file and one or two speakers; speakers alternate between
    acronym organisations and job titles, so that every branch of the listing is rendered. About half
    of the records have their French version, so that a page in either language also shows fallbacks.
    """
    organisations = [
        await people.create_organisation(
            session,
            actor,
            name=f"{slug} Department {number}",
            acronym=f"D{number}" if number % 2 else None,
            name_fr=f"Ministère {number} de {slug}" if number % 2 == 0 else None,
            acronym_fr=f"M{number}" if number % 4 == 1 else None,
            kind=OrganisationKind.PROVINCIAL,
        )
        for number in range(1, 11)
    ]
    persons = [
        await people.create_person(
            session,
            actor,
            given_name=f"Speaker{number}",
            family_name=f"Person {slug}",
            job_title="Director, Programs" if number % 3 == 0 else None,
            organisation=organisations[number % len(organisations)],
        )
        for number in range(speakers)
    ]
    event = await events.create_event(
        session,
        actor,
        slug=slug,
        title=f"Large learning event {slug}",
        title_fr=f"Grande activité d’apprentissage {slug}",
        start_date=dt.date(2024, 5, 1),
        city="Ottawa",
        description="A synthetic event for measurements.",
    )
    groups = [
        await events.add_session(
            session,
            actor,
            event,
            title=f"Track {number + 1}",
            title_fr=f"Volet {number + 1}" if number % 2 == 0 else None,
            host_organisation=organisations[number % 10],
        )
        for number in range(sessions)
    ]
    for number in range(presentations):
        presentation = await events.add_presentation(
            session,
            actor,
            event,
            title=f"Presentation {number + 1} on shared services",
            title_fr=f"Présentation {number + 1} sur les services partagés" if number % 2 == 0 else None,
            event_session=groups[number % sessions],
        )
        talk_speakers = {persons[number % speakers], persons[(number + presentations) % speakers]}
        for person in sorted(talk_speakers, key=lambda p: p.id):
            job_title_fr = "directeur, Programmes" if person.job_title and number % 2 == 0 else None
            await events.add_speaker(session, actor, presentation, person, job_title_fr=job_title_fr)
        await materials.add_file_material(
            session,
            storage,
            actor,
            event=event,
            presentation=presentation,
            chunks=_one_chunk(b"%PDF-1.4\n" + bytes(1000 + number)),
            filename=f"presentation-{number + 1}.pdf",
            content_type="application/pdf",
        )
    await events.set_event_status(session, actor, event, EventStatus.PUBLISHED)
    return event
