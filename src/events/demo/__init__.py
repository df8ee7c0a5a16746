"""The demo: the learning event held in Fredericton on September 22, 2003, loaded as ordinary data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..audit import COMMAND_LINE, Actor
from ..domain.events import service as events
from ..domain.materials import service as materials
from ..domain.people import service as people
from ..models import EventStatus, LearningEvent, Organisation, OrganisationKind
from ..storage import Storage
from .slides import slide_deck

EVENT_SLUG = "2003-fredericton-learning-event"

TOPIC_TITLE = "Integrated Service Delivery"
TOPIC_SUMMARY = (
    "Lessons from governments that deliver services together, across departments and jurisdictions."
)
TOPIC_DESCRIPTION = """\
People who deal with government rarely care which office or which level of government owns a service; \
they want it to be simple, quick and complete. Integrated service delivery means organising services \
around that expectation: one counter for several departments, new channels such as the web and the \
telephone, and programmes that federal, provincial and municipal governments run together.

Working across organisational lines brings its own difficulties. The events filed here collect what \
practitioners learned doing it: getting the business case and the governance right before starting, \
keeping partners talking to each other, managing a joint project as equals, and keeping senior \
champions on side when priorities shift."""

EVENT_DESCRIPTION = """\
A one-day learning event held in Fredericton alongside the bi-annual meeting of the Public Sector \
Service Delivery Council. The morning looked at projects that cross jurisdictions, in a session held \
by the National Research Council; the afternoon brought the council up to date on Service New \
Brunswick, the province's single window for government services.

The slides of all five presentations are kept here."""

OUTLINES = {
    "common-business-number": [
        "Why one business number for both orders of government",
        "Registering New Brunswick businesses with a single number",
        "Governance and the partnership agreement",
        "What businesses and staff noticed first",
    ],
    "single-window": [
        "From many counters to a single window",
        "Provincial and municipal services side by side",
        "Common intake and shared front-line staff",
        "Lessons for the next partnership",
    ],
    "security-emergency": [
        "Emergency services as a shared responsibility",
        "Coordinating provincial and local government",
        "Security planning after 2001",
    ],
    "overview-snb": [
        "Service New Brunswick in brief",
        "Counter, telephone and Internet channels",
        "Registries and property services",
        "Results and next steps",
    ],
    "electronic-services": [
        "Electronic services at Service New Brunswick",
        "What citizens can do online today",
        "Payments, security and privacy",
        "Plans for the coming year",
    ],
}


@dataclass(frozen=True)
class DemoTalk:
    key: str
    title: str
    session: int
    speakers: tuple[tuple[str, str, str, str | None], ...]  # given, family, organisation key, job title
    size_kib: int


TALKS = (
    DemoTalk(
        "common-business-number",
        "Joint Federal-Provincial Project: Implementing a Common Business Number for New Brunswick and Canada",
        0,
        (("Brian", "Nussey", "snb", None), ("Cary", "O'Brien", "ccra", None)),
        228,
    ),
    DemoTalk(
        "single-window",
        "Single Window Service Delivery",
        0,
        (("Ron", "Smith", "snb", None), ("Bill", "Todd", "saint-john", None)),
        391,
    ),
    DemoTalk(
        "security-emergency",
        "Delivery of Security and Emergency Services",
        0,
        (("Ernest", "MacGillivray", "delg", None),),
        1907,
    ),
    DemoTalk(
        "overview-snb",
        "Overview of SNB",
        1,
        (("Mike", "McKendy", "snb", "Vice President, Operations"),),
        2213,
    ),
    DemoTalk(
        "electronic-services",
        "SNB Electronic Services",
        1,
        (("Bernie", "Arseneau", "snb", "Director, Electronic Services Division"),),
        807,
    ),
)


async def _organisations(session: AsyncSession, actor: Actor) -> dict[str, Organisation]:
    create = people.create_organisation
    cra = await create(
        session,
        actor,
        name="Canada Revenue Agency",
        acronym="CRA",
        kind=OrganisationKind.FEDERAL,
        jurisdiction="Canada",
        website="https://www.canada.ca/en/revenue-agency.html",
    )
    return {
        "snb": await create(
            session,
            actor,
            name="Service New Brunswick",
            acronym="SNB",
            kind=OrganisationKind.CROWN_CORPORATION,
            jurisdiction="New Brunswick",
        ),
        "ccra": await create(
            session,
            actor,
            name="Canada Customs and Revenue Agency",
            acronym="CCRA",
            kind=OrganisationKind.FEDERAL,
            jurisdiction="Canada",
            successor=cra,
        ),
        "saint-john": await create(
            session,
            actor,
            name="City of Saint John",
            kind=OrganisationKind.MUNICIPAL,
            jurisdiction="New Brunswick",
        ),
        "delg": await create(
            session,
            actor,
            name="Department of Environment and Local Government",
            kind=OrganisationKind.PROVINCIAL,
            jurisdiction="New Brunswick",
        ),
        "nrc": await create(
            session,
            actor,
            name="National Research Council Canada",
            acronym="NRC",
            kind=OrganisationKind.FEDERAL,
            jurisdiction="Canada",
        ),
        "pssdc": await create(
            session,
            actor,
            name="Public Sector Service Delivery Council",
            acronym="PSSDC",
            kind=OrganisationKind.INTERGOVERNMENTAL,
            jurisdiction="Canada",
        ),
    }


async def _chunks(data: bytes, size: int = 64 * 1024):  # noqa: ANN202
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def load_demo(session: AsyncSession, storage: Storage, actor: Actor = COMMAND_LINE) -> bool:
    """Load the Fredericton event unless it is there already; True when something was loaded."""
    if await session.scalar(select(LearningEvent.id).where(LearningEvent.slug == EVENT_SLUG)):
        return False
    organisations = await _organisations(session, actor)
    topic = await events.create_topic(
        session, actor, title=TOPIC_TITLE, summary=TOPIC_SUMMARY, description=TOPIC_DESCRIPTION
    )
    event = await events.create_event(
        session,
        actor,
        slug=EVENT_SLUG,
        title="Learning Event on Integrated Service Delivery, Fredericton 2003",
        start_date=dt.date(2003, 9, 22),
        description=EVENT_DESCRIPTION,
        city="Fredericton",
        region="New Brunswick",
        country="Canada",
        host="Bi-annual meeting of the Public Sector Service Delivery Council",
        host_organisation=organisations["pssdc"],
        topics=[topic],
    )
    sessions = [
        await events.add_session(
            session,
            actor,
            event,
            title="Interjurisdictional Projects",
            host_organisation=organisations["nrc"],
        ),
        await events.add_session(
            session,
            actor,
            event,
            title="Service New Brunswick Update",
            host_organisation=organisations["snb"],
        ),
    ]
    persons: dict[tuple[str, str], object] = {}
    event_line = "Learning event, Fredericton, New Brunswick, September 22, 2003"
    for talk in TALKS:
        presentation = await events.add_presentation(
            session, actor, event, title=talk.title, event_session=sessions[talk.session]
        )
        credits = []
        for given, family, organisation_key, job_title in talk.speakers:
            organisation = organisations[organisation_key]
            person = persons.get((given, family))
            if person is None:
                person = await people.create_person(
                    session,
                    actor,
                    given_name=given,
                    family_name=family,
                    job_title=job_title,
                    organisation=organisation,
                )
                persons[(given, family)] = person
            await events.add_speaker(
                session, actor, presentation, person, job_title=job_title, organisation=organisation
            )
            credits.append(
                ", ".join(part for part in (f"{given} {family}", job_title, organisation.name) if part)
            )
        deck = slide_deck(
            talk.title,
            tuple(credits),
            event_line,
            tuple(OUTLINES[talk.key]),
            target_size=talk.size_kib * 1024,
        )
        await materials.add_file_material(
            session,
            storage,
            actor,
            event=event,
            presentation=presentation,
            chunks=_chunks(deck),
            filename=f"{talk.key}.pdf",
            content_type="application/pdf",
        )
    await events.set_event_status(session, actor, event, EventStatus.PUBLISHED)
    return True
