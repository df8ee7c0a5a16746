"""The demo: the learning event held in Fredericton on September 22, 2003, loaded as ordinary data.

Its French side is ours (the 2003 pages were in English only); its decks stay English, as they were.
"""

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
NBSP = "\u00a0"  # Canadian French puts a non-breaking space before « : » (none before ; ? !)

TOPIC_TITLE = "Integrated Service Delivery"
TOPIC_TITLE_FR = "Prestation de services intégrée"
TOPIC_SUMMARY = (
    "Lessons from governments that deliver services together, across departments and jurisdictions."
)
TOPIC_SUMMARY_FR = (
    "Ce qu’ont appris les gouvernements qui offrent leurs services ensemble, "
    "d’un ministère et d’un ordre de gouvernement à l’autre."
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

TOPIC_DESCRIPTION_FR = f"""\
Quand on fait affaire avec le gouvernement, on se soucie rarement de savoir quel bureau ou quel ordre de \
gouvernement est responsable d’un service; on veut que ce soit simple, rapide et complet. La \
prestation de services intégrée consiste à organiser les services en fonction de cette attente{NBSP}: un \
seul comptoir pour plusieurs ministères, de nouveaux modes de prestation comme le Web et le téléphone, \
et des programmes que les gouvernements fédéral, provinciaux et municipaux mènent ensemble.

Travailler au-delà des frontières organisationnelles comporte ses propres difficultés. Les activités \
réunies ici rassemblent les leçons tirées par ceux et celles qui l’ont fait{NBSP}: établir l’analyse de \
rentabilisation et la gouvernance avant de commencer, maintenir le dialogue entre les partenaires, \
gérer un projet commun d’égal à égal et garder l’appui des champions de la haute direction quand les \
priorités changent."""

EVENT_TITLE = "Learning Event on Integrated Service Delivery, Fredericton 2003"
EVENT_TITLE_FR = "Activité d’apprentissage sur la prestation de services intégrée, Fredericton 2003"

EVENT_DESCRIPTION = """\
A one-day learning event held in Fredericton alongside the bi-annual meeting of the Public Sector \
Service Delivery Council. The morning looked at projects that cross jurisdictions, in a session held \
by the National Research Council; the afternoon brought the council up to date on Service New \
Brunswick, the province's single window for government services.

The slides of all five presentations are kept here."""

EVENT_DESCRIPTION_FR = """\
Activité d’apprentissage d’une journée tenue à Fredericton en marge de la réunion semestrielle du \
Conseil sur la prestation des services du secteur public. La matinée portait sur les projets qui \
touchent plusieurs administrations, lors d’une séance animée par le Conseil national de recherches \
Canada; l’après-midi, le Conseil a fait le point sur Service Nouveau-Brunswick, le guichet unique \
des services gouvernementaux de la province.

Les diapositives des cinq présentations sont conservées ici (en anglais seulement)."""

# (English title, French title, English description, French description, host organisation key)
SESSIONS = (
    (
        "Interjurisdictional Projects",
        "Projets intergouvernementaux",
        "Federal, provincial and municipal governments working on one service together.",
        "Des gouvernements fédéral, provincial et municipaux qui travaillent ensemble à un même service.",
        "nrc",
    ),
    (
        "Service New Brunswick Update",
        "Le point sur Service Nouveau-Brunswick",
        "Where the province's single window for government services stands, and where it is going.",
        "Où en est le guichet unique des services gouvernementaux de la province, et où il s’en va.",
        "snb",
    ),
)

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
    title_fr: str
    session: int
    # given name, family name, organisation key, job title, job title in French
    speakers: tuple[tuple[str, str, str, str | None, str | None], ...]
    size_kib: int


TALKS = (
    DemoTalk(
        "common-business-number",
        "Joint Federal-Provincial Project: Implementing a Common Business Number for New Brunswick and Canada",
        f"Projet fédéral-provincial conjoint{NBSP}: mise en œuvre d’un numéro d’entreprise commun pour le "
        "Nouveau-Brunswick et le Canada",
        0,
        (("Brian", "Nussey", "snb", None, None), ("Cary", "O'Brien", "ccra", None, None)),
        228,
    ),
    DemoTalk(
        "single-window",
        "Single Window Service Delivery",
        "La prestation de services à guichet unique",
        0,
        (("Ron", "Smith", "snb", None, None), ("Bill", "Todd", "saint-john", None, None)),
        391,
    ),
    DemoTalk(
        "security-emergency",
        "Delivery of Security and Emergency Services",
        "La prestation des services de sécurité et d’urgence",
        0,
        (("Ernest", "MacGillivray", "delg", None, None),),
        1907,
    ),
    DemoTalk(
        "overview-snb",
        "Overview of SNB",
        "Aperçu de SNB",
        1,
        (("Mike", "McKendy", "snb", "Vice President, Operations", "vice-président, Opérations"),),
        2213,
    ),
    DemoTalk(
        "electronic-services",
        "SNB Electronic Services",
        "Les services électroniques de SNB",
        1,
        (
            (
                "Bernie",
                "Arseneau",
                "snb",
                "Director, Electronic Services Division",
                "directeur, Division des services électroniques",
            ),
        ),
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
        name_fr="Agence du revenu du Canada",
        acronym_fr="ARC",
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
            name_fr="Service Nouveau-Brunswick",
            acronym_fr="SNB",
            kind=OrganisationKind.CROWN_CORPORATION,
            jurisdiction="New Brunswick",
        ),
        "ccra": await create(
            session,
            actor,
            name="Canada Customs and Revenue Agency",
            acronym="CCRA",
            name_fr="Agence des douanes et du revenu du Canada",
            acronym_fr="ADRC",
            kind=OrganisationKind.FEDERAL,
            jurisdiction="Canada",
            successor=cra,
        ),
        "saint-john": await create(
            session,
            actor,
            name="City of Saint John",
            name_fr="Ville de Saint John",
            kind=OrganisationKind.MUNICIPAL,
            jurisdiction="New Brunswick",
        ),
        "delg": await create(
            session,
            actor,
            name="Department of Environment and Local Government",
            name_fr="ministère de l’Environnement et des Gouvernements locaux",
            kind=OrganisationKind.PROVINCIAL,
            jurisdiction="New Brunswick",
        ),
        "nrc": await create(
            session,
            actor,
            name="National Research Council Canada",
            acronym="NRC",
            name_fr="Conseil national de recherches Canada",
            acronym_fr="CNRC",
            kind=OrganisationKind.FEDERAL,
            jurisdiction="Canada",
        ),
        "pssdc": await create(
            session,
            actor,
            name="Public Sector Service Delivery Council",
            acronym="PSSDC",
            name_fr="Conseil sur la prestation des services du secteur public",
            acronym_fr="CPSSP",
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
        session,
        actor,
        title=TOPIC_TITLE,
        summary=TOPIC_SUMMARY,
        description=TOPIC_DESCRIPTION,
        title_fr=TOPIC_TITLE_FR,
        summary_fr=TOPIC_SUMMARY_FR,
        description_fr=TOPIC_DESCRIPTION_FR,
    )
    event = await events.create_event(
        session,
        actor,
        slug=EVENT_SLUG,
        title=EVENT_TITLE,
        title_fr=EVENT_TITLE_FR,
        start_date=dt.date(2003, 9, 22),
        description=EVENT_DESCRIPTION,
        description_fr=EVENT_DESCRIPTION_FR,
        city="Fredericton",
        region="New Brunswick",
        country="Canada",
        host="Bi-annual meeting of the Public Sector Service Delivery Council",
        host_fr="Réunion semestrielle du Conseil sur la prestation des services du secteur public",
        host_organisation=organisations["pssdc"],
        topics=[topic],
    )
    sessions = [
        await events.add_session(
            session,
            actor,
            event,
            title=title,
            title_fr=title_fr,
            description=description,
            description_fr=description_fr,
            host_organisation=organisations[host],
        )
        for title, title_fr, description, description_fr, host in SESSIONS
    ]
    persons: dict[tuple[str, str], object] = {}
    event_line = "Learning event, Fredericton, New Brunswick, September 22, 2003"
    for talk in TALKS:
        presentation = await events.add_presentation(
            session,
            actor,
            event,
            title=talk.title,
            title_fr=talk.title_fr,
            event_session=sessions[talk.session],
        )
        credits = []
        for given, family, organisation_key, job_title, job_title_fr in talk.speakers:
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
                session,
                actor,
                presentation,
                person,
                job_title=job_title,
                job_title_fr=job_title_fr,
                organisation=organisation,
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
