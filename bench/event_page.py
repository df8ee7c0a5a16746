"""Benchmark of the public event page (60 presentations, 80 speakers) against this machine's ceiling,
in both languages: English at /events/<slug>, French at /fr/events/<slug> (about half of the event's
records have their French version, so the French page also renders fallbacks).

Loads the event into a scratch database, counts SQL statements per request in-process, then serves
three apps in turn with uvicorn and two workers on 127.0.0.1 and loads each with wrk (concurrency 10),
the English page then the French one:
  ceiling    a bare Litestar app returning the same HTML bytes as a constant string
  cache on   the real app, EVENTS_PAGE_CACHE=on
  cache off  the real app, EVENTS_PAGE_CACHE=off
The French side's cost per page is the French page's server CPU time per request minus the English one's.

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
LANGUAGES = {"en": "", "fr": "/fr"}  # the address prefix of each language
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


def page_path(language: str, spec: dict = LARGE) -> str:
    return f"{LANGUAGES[language]}/events/{spec['slug']}"


def catalogue_entries() -> tuple[int, int]:
    """(entries, translated entries) of the French message catalogue, read with Babel."""
    from babel.messages.pofile import read_po

    from events.i18n import CATALOGUE_DIR

    with (CATALOGUE_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as stream:
        catalogue = read_po(stream)
    entries = [message for message in catalogue if message.id]
    translated = [m for m in entries if (all(m.string) if isinstance(m.string, tuple) else m.string)]
    return len(entries), len(translated)


def count_statements(env: dict[str, str]) -> tuple[dict[str, int], dict[str, bytes]]:
    """SQL statements per request, counted in-process with TestClient; also the page's bytes per language."""
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
    pages: dict[str, bytes] = {}
    sa_event.listen(Engine, "before_cursor_execute", counter)
    try:
        with TestClient(create_app(Settings.from_env({**env, "EVENTS_PAGE_CACHE": "on"}))) as client:
            for language in LANGUAGES:
                counts[f"cache on, miss, {language}"], pages[language] = get(client, page_path(language))
                counts[f"cache on, hit, {language}"], _ = get(client, page_path(language))
        with TestClient(create_app(Settings.from_env({**env, "EVENTS_PAGE_CACHE": "off"}))) as client:
            get(client, page_path("en"))  # first request of a fresh app: not counted
            for language in LANGUAGES:
                counts[f"cache off, 60 talks, {language}"], _ = get(client, page_path(language))
                counts[f"cache off, 6 talks, {language}"], _ = get(client, page_path(language, SMALL))
    finally:
        sa_event.remove(Engine, "before_cursor_execute", counter)
    return counts, pages


def bench_scenario(
    name: str, target: str, env: dict, pages: dict[str, bytes], args: argparse.Namespace
) -> dict[str, dict]:
    """{language: wrk figures and server CPU ms per request} of one app, the English page then the French."""
    print(f"[{name}] starting {target} ...", file=sys.stderr, flush=True)
    results = {}
    with Server(env, workers=args.workers, port=args.port, app=target) as server:
        for language, page in pages.items():
            path = page_path(language)
            served = server.start(path) if not results else server.wait_ready(path)
            if served != page:
                print(f"[{name}] WARNING: served {path} differs from the in-process page", file=sys.stderr)
            if args.warmup:
                run_wrk(server.url(path), args.warmup, args.connections)
            cpu_before = server.cpu_seconds()
            result = run_wrk(server.url(path), args.seconds, args.connections)
            result["cpu_ms"] = 1000 * (server.cpu_seconds() - cpu_before) / max(result["requests"], 1)
            results[language] = result
    return {"name": name, **results}


def report(
    results: list[dict], counts: dict[str, int], pages: dict[str, bytes], args: argparse.Namespace
) -> None:
    database = "PostgreSQL" if args.postgres else "SQLite"
    entries, translated = catalogue_entries()
    print(
        f"\nEvent page, {LARGE['presentations']} presentations / {LARGE['speakers']} speakers, {database}, "
        f"{args.workers} uvicorn workers, wrk -t2 -c{args.connections} -d{args.seconds}s"
    )
    print(f"French catalogue: {entries} entries, {translated} translated")
    print("Page size: " + ", ".join(f"{code} {len(page):,} bytes" for code, page in pages.items()) + "\n")
    ceiling = {code: results[0][code]["rps"] for code in LANGUAGES}
    ceiling_cpu = {code: results[0][code]["cpu_ms"] for code in LANGUAGES}  # "% by CPU": see README.md
    print(
        f"{'scenario':<12}{'lang':<5}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'% ceiling':>11}"
        f"{'CPU ms/req':>12}{'% by CPU':>10}"
    )
    for row in results:
        for code in LANGUAGES:
            figures = row[code]
            print(
                f"{row['name'] if code == 'en' else '':<12}{code:<5}{figures['rps']:>9.0f}"
                f"{figures['p50']:>9.2f}{figures['p99']:>9.2f}{100 * figures['rps'] / ceiling[code]:>10.1f}%"
                f"{figures['cpu_ms']:>12.3f}{100 * ceiling_cpu[code] / figures['cpu_ms']:>9.1f}%"
            )
            if figures["problems"]:
                print(f"{'':<17}wrk reported: {figures['problems']}")

    print("\nEnglish and French side by side")
    print(
        f"{'scenario':<12}{'en ms/page':>12}{'fr ms/page':>12}{'fr - en':>10}{'en req/s':>10}{'fr req/s':>10}"
    )
    for row in results:
        en, fr = row["en"]["cpu_ms"], row["fr"]["cpu_ms"]
        print(
            f"{row['name']:<12}{en:>12.3f}{fr:>12.3f}{fr - en:>+10.3f}{row['en']['rps']:>10.0f}{row['fr']['rps']:>10.0f}"
        )
    print("(ms/page: the server's CPU time per request; fr - en: what the French side costs per page)")

    print("\nSQL statements per request")
    for name, number in counts.items():
        print(f"  {name:<26}{number:>4}")

    checks = []
    for code in LANGUAGES:
        on, off = results[1][code]["rps"] / ceiling[code], results[2][code]["rps"] / ceiling[code]
        miss_small, miss_large = counts[f"cache off, 6 talks, {code}"], counts[f"cache off, 60 talks, {code}"]
        hit = counts[f"cache on, hit, {code}"]
        checks += [
            (f"{code}: cache on  >= {TARGET_CACHE_ON:.0%} of ceiling req/s", on >= TARGET_CACHE_ON, f"{on:.1%}"),
            (f"{code}: cache off >= {TARGET_CACHE_OFF:.1%} of ceiling req/s", off >= TARGET_CACHE_OFF, f"{off:.1%}"),
            (f"{code}: 1 statement on a cache hit", hit == 1, str(hit)),
            (f"{code}: same statements on a miss, 6 or 60 talks", miss_small == miss_large, f"{miss_small} / {miss_large}"),
        ]  # fmt: skip
    same = counts["cache off, 60 talks, en"] == counts["cache off, 60 talks, fr"]
    checks.append(("same statements in English and French", same, ""))
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
        counts, pages = count_statements(env)
        ceiling_env = {}
        for code, page in pages.items():
            page_file = data_dir / f"page-{code}.html"
            page_file.write_bytes(page)
            ceiling_env["BENCH_CEILING_HTML" + ("" if code == "en" else f"_{code.upper()}")] = str(page_file)

        app = "events.app:create_app"
        results = [
            bench_scenario("ceiling", "_ceiling_app:create_app", ceiling_env, pages, args),
            bench_scenario("cache on", app, app_environment(data_dir, args.postgres, "on"), pages, args),
            bench_scenario("cache off", app, app_environment(data_dir, args.postgres, "off"), pages, args),
        ]
        report(results, counts, pages, args)


if __name__ == "__main__":
    main()
