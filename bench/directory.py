"""Directory search latency with 20,000 people and 3,000 organisations, through the real server.

    .venv/bin/python bench/directory.py [--people 20000] [--organisations 3000] [--rounds 5]
    .venv/bin/python bench/directory.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/bench_directory

Builds a directory with French, Acadian and English names (accents, initials, aliases, acronyms, divisions
and predecessors of organisations, a few talks) in a migrated scratch database, timing the load and one
duplicates.rescan(); prints the query plan of each statement people.queries.search_people runs, and where the time
of a request goes in-process (SQL statements, rendering); then serves events.app:create_app with uvicorn
(one worker) on 127.0.0.1, signs in as a staff user and measures, client-side and one request at a time,
GET /manage/people/search?q=... (the type-ahead) and GET /manage/people?q=... (the staff directory page, when
it exists) for queries typed keystroke by keystroke. Target: p95 < 30 ms per endpoint and backend.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _directory.in_process import explain, in_process, request_statements, typed_queries  # noqa: E402
from _directory.load import load_directory  # noqa: E402
from _directory.report import report  # noqa: E402
from _directory.served import serve_and_measure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--organisations", type=int, default=3_000)
    parser.add_argument(
        "--talks", type=int, default=300, help="talks in published events, with speaker links (default 300)"
    )
    parser.add_argument(
        "--batch", type=int, default=2_000, help="rows per ORM flush while loading (default 2000)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="measured rounds of the typed queries (default 5)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="warm-up rounds, not measured (default 1)")
    parser.add_argument(
        "--wrk-seconds", type=int, default=5, help="wrk run per endpoint and concurrency; 0: no wrk"
    )
    parser.add_argument("--port", type=int, help="port of the server on 127.0.0.1 (default: a free one)")
    parser.add_argument(
        "--explain", action="append", help="queries whose plan is printed (default: 'mck', 'm')"
    )
    parser.add_argument(
        "--postgres", metavar="URL",
        help="an EMPTY scratch database, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/bench_directory",
    )  # fmt: skip
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the finally blocks stop the server
    logging.getLogger("httpx").setLevel(logging.WARNING)  # TestClient logs every request at INFO

    from events.config import Settings
    from events.db import migrate, sqlalchemy_config

    queries = typed_queries()
    password = secrets.token_urlsafe(16)
    database = "PostgreSQL" if args.postgres else "SQLite"
    with tempfile.TemporaryDirectory(prefix="events-bench-directory-") as temp:
        folder = Path(temp)
        env = {
            **os.environ,
            "EVENTS_DATA_DIR": str(folder / "data"),
            "EVENTS_SECRET_KEY": "bench-secret-key-not-for-production",
            "EVENTS_DEBUG": "off",
        }
        for name in ("EVENTS_DATABASE_URL", "EVENTS_STORAGE_DIR", "EVENTS_PUBLIC_URL"):
            env.pop(name, None)  # SQLite and files in the temporary folder; plain-http cookies
        if args.postgres:
            env["EVENTS_DATABASE_URL"] = args.postgres
        settings = Settings.from_env(env)
        print(f"migrating {settings.database_url} ...", file=sys.stderr, flush=True)
        migrate(settings)  # runs its own event loop

        async def prepare() -> tuple[dict, dict, dict]:
            config = sqlalchemy_config(settings)
            try:
                print("loading the directory ...", file=sys.stderr, flush=True)
                figures = await load_directory(config, args, password)
                print("in-process measurements ...", file=sys.stderr, flush=True)
                inproc = await in_process(config, settings, queries, args.rounds)
                plans = await explain(config, args.explain or ["mck", "m"])
                return figures, inproc, plans
            finally:
                await config.get_engine().dispose()

        figures, inproc, plans = asyncio.run(prepare())
        statements = request_statements(settings, password)
        print("serving ...", file=sys.stderr, flush=True)
        served = serve_and_measure(env, password, queries, args, folder)
        ok = report(args, database, figures, inproc, plans, statements, served)
    if args.postgres:
        print(f"\nThe data stays in {args.postgres}; drop the scratch database when done.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
