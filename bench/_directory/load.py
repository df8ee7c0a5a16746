"""The directory loaded: ORM batches, the service paths one by one, talks, a rescan and a staff user."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import time

from .names import EMAIL, SEED
from .plan import plan_organisations, plan_people, unique_slug


async def flush_organisations(session, pending: list, org_ids: list[int]) -> None:  # noqa: ANN001
    session.add_all(pending)
    await session.flush()
    org_ids.extend(o.id for o in pending)
    pending.clear()


async def load_directory(config, args: argparse.Namespace, password: str) -> dict:  # noqa: ANN001
    """Insert the directory in batches through the ORM models, then time the service paths and a rescan."""
    from sqlalchemy import func, select

    from events.audit import COMMAND_LINE
    from events.domain.accounts.service import create_user
    from events.domain.events import service as events
    from events.domain.people import duplicates
    from events.domain.people import service as people
    from events.models import DuplicateSuggestion, EventStatus, Organisation, OrganisationKind, Person, Role

    rng = random.Random(SEED)
    org_plan = plan_organisations(rng, args.organisations)
    service_people = min(200, args.people // 10)
    person_plan = plan_people(rng, args.people, org_plan)
    figures: dict = {}
    maker = config.create_session_maker()

    async with maker() as session:
        if await session.scalar(select(func.count()).select_from(Person)):
            raise SystemExit("the database already has people: --postgres needs an EMPTY scratch database")

    started = time.perf_counter()
    org_ids: list[int] = []
    slugs: set[str] = set()
    for first in range(0, len(org_plan), args.batch):
        async with maker() as session, session.begin():
            pending: list = []
            for number, entry in enumerate(org_plan[first : first + args.batch], start=first):
                if max(entry.get("parent", -1), entry.get("successor", -1)) >= len(org_ids):
                    await flush_organisations(session, pending, org_ids)  # it refers to one of this batch
                pending.append(
                    Organisation(
                        slug=unique_slug(entry["name"], slugs), name=entry["name"], acronym=entry["acronym"],
                        kind=OrganisationKind(entry["kind"]), jurisdiction=entry.get("jurisdiction"),
                        aliases=entry["aliases"],
                        website=f"https://www.example.ca/{number}" if number % 7 == 0 else None,
                        parent_id=org_ids[entry["parent"]] if "parent" in entry else None,
                        successor_id=org_ids[entry["successor"]] if "successor" in entry else None,
                    )
                )  # fmt: skip
            await flush_organisations(session, pending, org_ids)
    figures["organisations_s"] = time.perf_counter() - started

    bulk = person_plan[: len(person_plan) - service_people]
    started = time.perf_counter()
    person_ids: list[int] = []
    slugs = set()
    for first in range(0, len(bulk), args.batch):
        async with maker() as session, session.begin():
            batch = [
                Person(
                    slug=unique_slug(f"{p['given_name']} {p['family_name']}", slugs), given_name=p["given_name"],
                    family_name=p["family_name"], honorific=p["honorific"], job_title=p["job_title"],
                    organisation_id=org_ids[p["organisation"]] if p["organisation"] is not None else None,
                    email=p["email"], aliases=p["aliases"],
                )
                for p in bulk[first : first + args.batch]
            ]  # fmt: skip
            session.add_all(batch)
            await session.flush()
            person_ids.extend(p.id for p in batch)
    figures["people_bulk_s"] = time.perf_counter() - started
    figures["people_bulk"] = len(bulk)

    # The last ones one by one through the service, as staff would add them (duplicate check included).
    started = time.perf_counter()
    async with maker() as session, session.begin():
        organisations = {o.id: o for o in await session.scalars(select(Organisation))}
        for p in person_plan[len(bulk) :]:
            created = await people.create_person(
                session, COMMAND_LINE, given_name=p["given_name"], family_name=p["family_name"],
                honorific=p["honorific"], job_title=p["job_title"], email=p["email"], aliases=p["aliases"],
                organisation=organisations[org_ids[p["organisation"]]] if p["organisation"] is not None else None,
            )  # fmt: skip
            person_ids.append(created.id)
    figures["people_service_s"] = time.perf_counter() - started
    figures["people_service"] = len(person_plan) - len(bulk)

    # Duplicates that staff already merged: hidden from search (their name terms are removed).
    async with maker() as session, session.begin():
        pairs = rng.sample(range(20, len(person_ids) - 1), min(100, len(person_ids) // 200))
        for index in pairs:
            duplicate = await session.get(Person, person_ids[index])
            duplicate.merged_into_id = person_ids[index + 1]
    figures["merged"] = len(pairs)

    started = time.perf_counter()
    async with maker() as session, session.begin():
        events_made, talks, links = 0, 0, 0
        speakers = list(
            await session.scalars(select(Person).where(Person.merged_into_id.is_(None)).limit(3000))
        )
        for number in range(args.talks // 15):
            event = await events.create_event(
                session, COMMAND_LINE, title=f"Forum des gestionnaires {2005 + number}",
                start_date=dt.date(2005 + number % 20, 5, 1 + number % 28), city="Moncton",
            )  # fmt: skip
            events_made += 1
            for talk in range(15):
                presentation = await events.add_presentation(
                    session, COMMAND_LINE, event, title=f"Services partagés, volet {talk + 1}"
                )
                talks += 1
                for speaker in rng.sample(speakers, rng.choice((1, 1, 2, 3))):
                    await events.add_speaker(session, COMMAND_LINE, presentation, speaker)
                    links += 1
            await events.set_event_status(session, COMMAND_LINE, event, EventStatus.PUBLISHED)
    figures["talks_s"] = time.perf_counter() - started
    figures["talks"] = (events_made, talks, links)

    async with maker() as session, session.begin():
        figures["open_before_rescan"] = await duplicates.open_count(session)
        started = time.perf_counter()
        figures["rescan_open"] = await duplicates.rescan(session)
        figures["rescan_s"] = time.perf_counter() - started
        rows = await session.execute(
            select(DuplicateSuggestion.kind, func.count()).group_by(DuplicateSuggestion.kind)
        )
        figures["rescan_by_kind"] = {kind.value: number for kind, number in rows}
        await create_user(session, COMMAND_LINE, email=EMAIL, password=password, role=Role.STAFF)

    async with maker() as session:
        from events.models import organisation_name_term, person_name_term

        figures["counts"] = {
            "people": await session.scalar(select(func.count()).select_from(Person)),
            "merged people": await session.scalar(select(func.count()).select_from(Person).where(Person.merged_into_id.is_not(None))),
            "people with aliases": sum(1 for p in person_plan if p["aliases"]),
            "people known by an initial": sum(1 for p in person_plan if re.fullmatch(r"(\w\.-?)+", p["given_name"])),
            "people without organisation": sum(1 for p in person_plan if p["organisation"] is None),
            "person name terms": await session.scalar(select(func.count()).select_from(person_name_term)),
            "organisations": await session.scalar(select(func.count()).select_from(Organisation)),
            "with an acronym": await session.scalar(select(func.count()).select_from(Organisation).where(Organisation.acronym.is_not(None))),
            "divisions (parent)": await session.scalar(select(func.count()).select_from(Organisation).where(Organisation.parent_id.is_not(None))),
            "predecessors (successor)": await session.scalar(select(func.count()).select_from(Organisation).where(Organisation.successor_id.is_not(None))),
            "organisation name terms": await session.scalar(select(func.count()).select_from(organisation_name_term)),
        }  # fmt: skip
        biggest = await session.execute(
            select(Organisation.name, func.count(Person.id))
            .join(Person, Person.organisation_id == Organisation.id)
            .group_by(Organisation.id, Organisation.name)
            .order_by(func.count(Person.id).desc())
            .limit(3)
        )
        figures["biggest"] = [(name, number) for name, number in biggest]
    if config.get_engine().dialect.name == "postgresql":
        # Statistics, as autovacuum would gather them shortly after a bulk load.
        async with (
            config.get_engine().execution_options(isolation_level="AUTOCOMMIT").connect() as connection
        ):
            await connection.exec_driver_sql("ANALYZE")
    return figures
