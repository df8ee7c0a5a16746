"""Directory CSV import and export at size: 100,000 people and 1,000 organisations by default.

    .venv/bin/python bench/directory_csv.py [--people 100000] [--organisations 1000]
    .venv/bin/python bench/directory_csv.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/bench_csv

In a migrated scratch database (SQLite in a temporary folder, or the EMPTY PostgreSQL database given) it
times, in-process and through the functions the routes call: reading and checking the generated CSV files
and building the preview (nothing written), then confirming as the route does in one transaction (the
plan built again, applied through the people service with the closing duplicate scan, committed), with
the SQL statements it issued and the time from its first write to the end of the commit (on SQLite the
database's write lock is held all that time; on PostgreSQL rows and the site revision are locked).
While the import runs, another process signs in and edits a person through the services every quarter of
a second, as other staff would: it prints how many of those writes waited, how long, and how many failed.
Then it exports both files and previews the export again (every row must match and change nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import event, func, select  # noqa: E402

from events.audit import COMMAND_LINE  # noqa: E402
from events.config import Settings  # noqa: E402
from events.db import migrate, sqlalchemy_config  # noqa: E402
from events.domain.accounts.service import create_user, sign_in  # noqa: E402
from events.domain.people import service  # noqa: E402
from events.domain.people.csv import apply as csv_apply  # noqa: E402
from events.domain.people.csv import format as csv_format  # noqa: E402
from events.domain.people.csv.plan import build_plan  # noqa: E402
from events.models import AuditEntry, DuplicateSuggestion, Person, Role, SiteState  # noqa: E402

GIVEN = ["Émilie", "Jean-Guy", "Marie", "Luc", "Ann", "Robert", "Zoë", "Pierre", "Nadia", "Omar", "Cary"]
FAMILY = ["Côté", "LeBlanc", "Arseneau", "O'Brien", "MacGillivray", "Thériault", "Smith", "Nguyen", "Roy"]
WRITER_EMAIL, WRITER_PASSWORD, WRITER_SLUG = "writer@example.org", "bench password 1234", "concurrent-writer"
WRITE_EVERY = 0.25  # seconds between two tries of the concurrent writer


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def files(people: int, organisations: int) -> tuple[bytes, bytes]:
    random.seed(7)
    orgs = [["slug", "name", "acronym", "kind", "jurisdiction", "parent", "aliases"]]
    for n in range(organisations):
        parent = f"org-{n // 10}" if n % 10 and n >= 10 else ""
        orgs.append([f"org-{n}", f"Ministère numéro {n}", f"M{n}", "provincial", "Nouveau-Brunswick", parent,
                     f"Department {n} | Dept. {n}"])  # fmt: skip
    rows = [
        ["slug", "given_name", "family_name", "job_title", "organisation", "email", "aliases", "biography"]
    ]
    used = set()
    for n in range(people):
        given, family = random.choice(GIVEN), f"{random.choice(FAMILY)}{n}"
        organisation = f"org-{n % organisations}"
        if n % 100 == 0:  # one in a hundred shares a plain family name: the duplicate scan finds pairs
            family = random.choice(FAMILY)
            while (given, family, organisation) in used:
                organisation = f"org-{random.randrange(organisations)}"
            used.add((given, family, organisation))
        rows.append(["", given, family, "Directrice, Services numériques", organisation,
                     f"person{n}@example.org", f"{given[0]}. {family}", "Une biographie, courte.\nSur deux lignes."])  # fmt: skip
    return csv_bytes(orgs), csv_bytes(rows)


def bench_settings(url: str, folder: Path) -> Settings:
    return Settings(database_url=url, storage_dir=folder / "files", data_dir=folder, secret_key="bench")


# --- the concurrent writer (its own process, its own connections, as another worker would be) --------


def concurrent_writer(url: str, folder: str, ready, stop, results) -> None:  # noqa: ANN001
    results.put(asyncio.run(_write_until_stopped(bench_settings(url, Path(folder)), ready, stop)))


async def _write_until_stopped(settings: Settings, ready, stop) -> list[tuple[str, float, float, str]]:  # noqa: ANN001
    database = sqlalchemy_config(settings)
    sessions = database.create_session_maker()
    number = 0

    async def signs_in(session) -> None:  # noqa: ANN001
        now = dt.datetime.now(dt.UTC)
        result = await sign_in(
            session, email=WRITER_EMAIL, password=WRITER_PASSWORD, address="bench", now=now
        )
        assert result.user is not None, result.message

    async def edits(session) -> None:  # noqa: ANN001
        person = await session.scalar(select(Person).where(Person.slug == WRITER_SLUG))
        await service.update_person(session, COMMAND_LINE, person, job_title=f"Edited {number}")

    outcomes = []
    while True:
        for what, work in (("sign-in", signs_in), ("directory edit", edits)):
            started, clock = time.time(), time.perf_counter()
            try:
                # As a request does: the work, then one commit. Not inside session.begin(): sign_in
                # commits its throttle count itself, which would end that block's transaction early
                # (every sign-in failed when the block closed, and the account was throttled).
                async with sessions() as session:
                    await work(session)
                    await session.commit()
                outcome = "ok"
            except Exception as error:  # noqa: BLE001 - what the writer saw is the figure
                outcome = f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"
            outcomes.append((what, started, time.perf_counter() - clock, outcome))
            number += 1
        ready.set()
        if stop.is_set():
            break
        await asyncio.sleep(WRITE_EVERY)
    await database.get_engine().dispose()
    return outcomes


def report_writes(outcomes: list[tuple[str, float, float, str]], start: float, end: float) -> None:
    """The writes that started while the import held the database, or were still waiting when it began."""
    for what in ("sign-in", "directory edit"):
        during = [o for o in outcomes if o[0] == what and o[1] < end and o[1] + o[2] > start]
        failed = [o for o in during if o[3] != "ok"]
        waited = max((o[2] for o in during), default=0.0)
        first_failure = f" ({failed[0][3]})" if failed else ""
        print(
            f"  concurrent {what + ':':16} {len(during):4} tries during the import, {len(failed)} failed"
            f"{first_failure}; the longest took {waited:6.2f} s"
        )


# --- the run -------------------------------------------------------------------------------------------


async def run(settings: Settings, people: int, organisations: int) -> None:
    database = sqlalchemy_config(settings)
    sessions = database.create_session_maker()
    organisations_csv, people_csv = files(people, organisations)
    print(
        f"{people} people ({len(people_csv) / 1e6:.1f} MB), {organisations} organisations, {settings.database_url.split(':')[0]}"
    )
    async with sessions() as session, session.begin():
        await create_user(
            session, COMMAND_LINE, email=WRITER_EMAIL, password=WRITER_PASSWORD, role=Role.STAFF
        )
        await service.create_person(session, COMMAND_LINE, given_name="Concurrent", family_name="Writer")

    def tables(o: bytes, p: bytes) -> list[csv_format.Table]:
        return [csv_format.read_table("organisations.csv", o), csv_format.read_table("people.csv", p)]

    async def state(session) -> tuple[int, int]:  # noqa: ANN001
        revision = await session.scalar(select(SiteState.revision))
        return revision, await session.scalar(select(func.count()).select_from(AuditEntry))

    async with sessions() as session:
        start = time.perf_counter()
        plan = await build_plan(session, tables(organisations_csv, people_csv))
        print(
            f"preview (read, check, plan):  {time.perf_counter() - start:7.2f} s  {len(plan.rows('create'))} to create"
        )
        assert not session.new and not session.dirty
        revision_before, audit_before = await state(session)

    statements: list[str] = []
    first_write: list[float] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)
        if not first_write and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            first_write.append(time.time())

    context = multiprocessing.get_context("spawn")
    ready, stop, results = context.Event(), context.Event(), context.Queue()
    writer = context.Process(
        target=concurrent_writer, args=(settings.database_url, str(settings.data_dir), ready, stop, results)
    )
    writer.start()
    ready.wait(60)
    event.listen(database.get_engine().sync_engine, "before_cursor_execute", count)
    async with sessions() as session:
        async with session.begin():
            start = time.perf_counter()
            plan = await build_plan(session, tables(organisations_csv, people_csv))
            planned = time.perf_counter()
            planning_statements = len(statements)
            message = await csv_apply.apply_plan(session, COMMAND_LINE, plan)
            applied = time.perf_counter()
        committed, end = time.perf_counter(), time.time()
    event.remove(database.get_engine().sync_engine, "before_cursor_execute", count)
    time.sleep(2 * WRITE_EVERY)
    stop.set()
    outcomes = results.get(timeout=120)
    writer.join(30)
    print(f"confirm: {message}")
    print(f"  plan again:                 {planned - start:7.2f} s  {planning_statements} statements")
    print(
        f"  apply (write, rescan):      {applied - planned:7.2f} s  {len(statements) - planning_statements} statements"
    )
    print(f"  commit:                     {committed - applied:7.2f} s")
    print(f"  first write to committed:   {end - first_write[0]:7.2f} s  (on SQLite the write lock is held)")
    report_writes(outcomes, first_write[0], end)
    async with sessions() as session:
        revision, audit = await state(session)
        suggestions = await session.scalar(select(func.count()).select_from(DuplicateSuggestion))
    writer_writes = sum(o[0] == "directory edit" and o[3] == "ok" for o in outcomes)
    print(
        f"  site revision +{revision - revision_before} (the writer's edits: {writer_writes}), audit entries "
        f"+{audit - audit_before} (the writer's: {sum(o[3] == 'ok' for o in outcomes)}), {suggestions} duplicate suggestions"
    )
    async with sessions() as session:
        start = time.perf_counter()
        exported_people = await csv_format.export_people(session)
        exported_organisations = await csv_format.export_organisations(session)
        print(
            f"export both files:            {time.perf_counter() - start:7.2f} s  {len(exported_people) / 1e6:.1f} MB of people"
        )
        start = time.perf_counter()
        plan = await build_plan(session, tables(exported_organisations, exported_people))
        same = len(plan.rows("same"))
        print(f"preview of the export:        {time.perf_counter() - start:7.2f} s  {same} rows up to date")
        assert same == people + organisations + 1, csv_apply.summary(plan)  # + the concurrent writer
    await database.get_engine().dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=1_000)
    parser.add_argument("--postgres", help="an EMPTY scratch database; the data is left in it")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = arguments.postgres or f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        settings = bench_settings(url, Path(folder))
        migrate(settings)
        asyncio.run(run(settings, arguments.people, arguments.organisations))


if __name__ == "__main__":
    main()
