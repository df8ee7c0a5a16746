"""Directory CSV import and export at size: 20,000 people and 1,000 organisations by default.

    .venv/bin/python bench/directory_csv.py [--people 20000] [--organisations 1000]
    .venv/bin/python bench/directory_csv.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/bench_csv

In a migrated scratch database (SQLite in a temporary folder, or the EMPTY PostgreSQL database given) it
times, in-process and through the functions the routes call: reading and checking the generated CSV files
and building the preview (nothing written), applying them in one transaction through the people service
(with the closing duplicates.rescan), exporting both files, and previewing the export again (every row
must match and change nothing). Prints seconds per step and the size of the export.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from events.config import Settings  # noqa: E402
from events.db import migrate, sqlalchemy_config  # noqa: E402
from events.domain.audit import COMMAND_LINE  # noqa: E402
from events.domain.people import transfer  # noqa: E402

GIVEN = ["Émilie", "Jean-Guy", "Marie", "Luc", "Ann", "Robert", "Zoë", "Pierre", "Nadia", "Omar", "Cary"]
FAMILY = ["Côté", "LeBlanc", "Arseneau", "O'Brien", "MacGillivray", "Thériault", "Smith", "Nguyen", "Roy"]


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
    for n in range(people):
        given, family = random.choice(GIVEN), f"{random.choice(FAMILY)}{n}"
        rows.append(["", given, family, "Directrice, Services numériques", f"org-{n % organisations}",
                     f"person{n}@example.org", f"{given[0]}. {family}", "Une biographie, courte.\nSur deux lignes."])  # fmt: skip
    return csv_bytes(orgs), csv_bytes(rows)


async def run(settings: Settings, people: int, organisations: int) -> None:
    database = sqlalchemy_config(settings)
    sessions = database.create_session_maker()
    organisations_csv, people_csv = files(people, organisations)
    print(
        f"{people} people ({len(people_csv) / 1e6:.1f} MB), {organisations} organisations, {settings.database_url.split(':')[0]}"
    )

    def tables(o: bytes, p: bytes) -> list[transfer.Table]:
        return [transfer.read_table("organisations.csv", o), transfer.read_table("people.csv", p)]

    async with sessions() as session:
        start = time.perf_counter()
        plan = await transfer.build_plan(session, tables(organisations_csv, people_csv))
        print(
            f"preview (read, check, plan):  {time.perf_counter() - start:6.2f} s  {len(plan.rows('create'))} to create"
        )
        assert not session.new and not session.dirty
    async with sessions() as session, session.begin():
        start = time.perf_counter()
        plan = await transfer.build_plan(session, tables(organisations_csv, people_csv))
        print(f"confirm: {await transfer.apply_plan(session, COMMAND_LINE, plan)}")
    print(f"confirm (check again, write, rescan, commit): {time.perf_counter() - start:6.2f} s")
    async with sessions() as session:
        start = time.perf_counter()
        exported_people = await transfer.export_people(session)
        exported_organisations = await transfer.export_organisations(session)
        print(
            f"export both files:            {time.perf_counter() - start:6.2f} s  {len(exported_people) / 1e6:.1f} MB of people"
        )
        start = time.perf_counter()
        plan = await transfer.build_plan(session, tables(exported_organisations, exported_people))
        same = len(plan.rows("same"))
        print(f"preview of the export:        {time.perf_counter() - start:6.2f} s  {same} rows up to date")
        assert same == people + organisations, transfer.summary(plan)
    await database.get_engine().dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--organisations", type=int, default=1_000)
    parser.add_argument("--postgres", help="an EMPTY scratch database; the data is left in it")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = arguments.postgres or f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        settings = Settings(database_url=url, storage_dir=Path(folder) / "files", data_dir=Path(folder),
                            secret_key="bench")  # fmt: skip
        migrate(settings)
        asyncio.run(run(settings, arguments.people, arguments.organisations))


if __name__ == "__main__":
    main()
