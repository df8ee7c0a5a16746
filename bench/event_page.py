"""Benchmark of the public event page (60 presentations, 80 speakers) against this machine's ceiling.

Loads the event into a scratch database, counts SQL statements per request in-process, then serves
three apps in turn with uvicorn and two workers on 127.0.0.1 and loads each with wrk (concurrency 10):
  ceiling    a bare Litestar app returning the same HTML bytes as a constant string
  cache on   the real app, EVENTS_PAGE_CACHE=on
  cache off  the real app, EVENTS_PAGE_CACHE=off

Usage: .venv/bin/python bench/event_page.py [--seconds 10] [--warmup 2] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import tempfile
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server  # noqa: E402
from _wrk import run_wrk  # noqa: E402

LARGE = {"slug": "large-event", "presentations": 60, "speakers": 80}
SMALL = {"slug": "small-event", "presentations": 6, "speakers": 8}
TARGET_CACHE_ON, TARGET_CACHE_OFF = 0.15, 0.015  # fractions of the ceiling's requests per second


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="measured wrk run per scenario (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="wrk warm-up before each run (default 2)")
    parser.add_argument("--connections", type=int, default=10, help="wrk concurrency (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="an EMPTY scratch database, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/bench_events",
    )
    return parser.parse_args()


def app_environment(data_dir: Path, postgres: str | None, page_cache: str) -> dict[str, str]:
    env = {
        "EVENTS_DATA_DIR": str(data_dir),
        "EVENTS_STORAGE_DIR": str(data_dir / "files"),
        "EVENTS_SECRET_KEY": "bench-secret-key-not-for-production",
        "EVENTS_PAGE_CACHE": page_cache,
    }
    if postgres:
        env["EVENTS_DATABASE_URL"] = postgres
    return env


def load_data(env: dict[str, str]) -> None:
    """Apply the migrations, then load the large event and a small one (for the miss-count check)."""
    from events.config import Settings
    from events.db import migrate, sqlalchemy_config
    from events.demo.large import load_large_event
    from events.storage import create_storage

    settings = Settings.from_env(env)
    migrate(settings)  # runs its own event loop

    async def load() -> None:
        config = sqlalchemy_config(settings)
        engine = config.get_engine()
        try:
            for spec in (LARGE, SMALL):
                async with config.create_session_maker()() as session, session.begin():
                    await load_large_event(session, create_storage(settings), **spec)
        finally:
            await engine.dispose()

    asyncio.run(load())


def count_statements(env: dict[str, str]) -> tuple[dict[str, int], bytes]:
    """SQL statements per request, counted in-process with TestClient; also returns the page's bytes."""
    from litestar.testing import TestClient

    from events.app import create_app
    from events.config import Settings

    statements = 0

    def counter(*_args: object) -> None:
        nonlocal statements
        statements += 1

    def get(client: TestClient, path: str) -> tuple[int, bytes]:
        nonlocal statements
        statements = 0
        response = client.get(path)
        response.raise_for_status()
        return statements, response.content

    counts: dict[str, int] = {}
    sa_event.listen(Engine, "before_cursor_execute", counter)
    try:
        with TestClient(create_app(Settings.from_env({**env, "EVENTS_PAGE_CACHE": "on"}))) as client:
            counts["cache on, miss"], page = get(client, f"/events/{LARGE['slug']}")
            counts["cache on, hit"], _ = get(client, f"/events/{LARGE['slug']}")
        with TestClient(create_app(Settings.from_env({**env, "EVENTS_PAGE_CACHE": "off"}))) as client:
            get(client, f"/events/{LARGE['slug']}")  # first request of a fresh app: not counted
            counts["cache off, 60 talks"], _ = get(client, f"/events/{LARGE['slug']}")
            counts["cache off, 6 talks"], _ = get(client, f"/events/{SMALL['slug']}")
    finally:
        sa_event.remove(Engine, "before_cursor_execute", counter)
    return counts, page


def bench_scenario(name: str, target: str, env: dict, page: bytes, args: argparse.Namespace) -> dict:
    path = f"/events/{LARGE['slug']}"
    print(f"[{name}] starting {target} ...", file=sys.stderr, flush=True)
    with Server(env, workers=args.workers, port=args.port, app=target) as server:
        served = server.start(path)
        if served != page:
            print(f"[{name}] WARNING: served page differs from the in-process page", file=sys.stderr)
        if args.warmup:
            run_wrk(server.url(path), args.warmup, args.connections)
        cpu_before = server.cpu_seconds()
        result = run_wrk(server.url(path), args.seconds, args.connections)
        result["cpu_ms"] = 1000 * (server.cpu_seconds() - cpu_before) / max(result["requests"], 1)
    return {"name": name, **result}


def report(results: list[dict], counts: dict[str, int], page: bytes, args: argparse.Namespace) -> None:
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"\nEvent page, {LARGE['presentations']} presentations / {LARGE['speakers']} speakers, {database}, "
        f"{args.workers} uvicorn workers, wrk -t2 -c{args.connections} -d{args.seconds}s"
    )
    print(f"Page size: {len(page):,} bytes\n")
    ceiling, ceiling_cpu = results[0]["rps"], results[0]["cpu_ms"]  # "% by CPU": see README.md
    print(
        f"{'scenario':<12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'% ceiling':>11}{'CPU ms/req':>12}{'% by CPU':>10}"
    )
    for row in results:
        print(
            f"{row['name']:<12}{row['rps']:>9.0f}{row['p50']:>9.2f}{row['p99']:>9.2f}"
            f"{100 * row['rps'] / ceiling:>10.1f}%{row['cpu_ms']:>12.3f}{100 * ceiling_cpu / row['cpu_ms']:>9.1f}%"
        )
        if row["problems"]:
            print(f"{'':<12}wrk reported: {row['problems']}")

    print("\nSQL statements per request")
    for name, number in counts.items():
        print(f"  {name:<22}{number:>4}")

    on, off = results[1]["rps"] / ceiling, results[2]["rps"] / ceiling
    miss_small, miss_large = counts["cache off, 6 talks"], counts["cache off, 60 talks"]
    checks = [
        (f"cache on  >= {TARGET_CACHE_ON:.0%} of ceiling req/s", on >= TARGET_CACHE_ON, f"{on:.1%}"),
        (f"cache off >= {TARGET_CACHE_OFF:.1%} of ceiling req/s", off >= TARGET_CACHE_OFF, f"{off:.1%}"),
        ("1 statement on a cache hit", counts["cache on, hit"] == 1, str(counts["cache on, hit"])),
        (
            "same statements on a miss, 6 or 60 talks",
            miss_small == miss_large,
            f"{miss_small} / {miss_large}",
        ),
    ]
    print("\nTargets")
    for label, passed, figure in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {label:<46}{figure:>10}")


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the finally blocks stop the servers
    logging.getLogger("httpx").setLevel(logging.WARNING)  # TestClient logs every request at INFO
    with tempfile.TemporaryDirectory(prefix="events-bench-") as temp:
        data_dir = Path(temp)
        env = app_environment(data_dir, args.postgres, page_cache="on")
        print("loading the event ...", file=sys.stderr, flush=True)
        load_data(env)
        counts, page = count_statements(env)
        page_file = data_dir / "page.html"
        page_file.write_bytes(page)

        app = "events.app:create_app"
        ceiling_env = {"BENCH_CEILING_HTML": str(page_file)}
        results = [
            bench_scenario("ceiling", "_ceiling_app:create_app", ceiling_env, page, args),
            bench_scenario("cache on", app, app_environment(data_dir, args.postgres, "on"), page, args),
            bench_scenario("cache off", app, app_environment(data_dir, args.postgres, "off"), page, args),
        ]
        report(results, counts, page, args)


if __name__ == "__main__":
    main()
