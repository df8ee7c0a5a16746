"""What an uncached public page costs, in figures that do not drift with the machine's load: Python function
calls per request (cProfile), with the minimum CPU time over repeats, the page's size and a hash of its
bytes (to compare two trees: the same hash means the same page).

Runs in-process on a scratch SQLite install with the 60-talk event and the demo, page cache off:

    .venv/bin/python bench/page_calls.py
    PYTHONPATH=/path/to/other/checkout/src .venv/bin/python bench/page_calls.py   # another tree
"""

from __future__ import annotations

import asyncio
import cProfile
import hashlib
import logging
import pstats
import tempfile
import time
from pathlib import Path

import httpx

from events.app import create_app
from events.config import Settings
from events.db import migrate, sqlalchemy_config
from events.demo import load_demo
from events.demo.large import load_large_event
from events.storage import create_storage

PAGES = (
    "/events/large-event",
    "/events/2003-fredericton-learning-event",
    "/events",
    "/speakers",
    "/organisations",
    # The same pages in French (an older tree without /fr/ answers 404 for them: compare the others).
    "/fr/events/large-event",
    "/fr/events/2003-fredericton-learning-event",
    "/fr/events",
    "/fr/speakers",
    "/fr/organisations",
)


async def load(settings: Settings) -> None:
    config = sqlalchemy_config(settings)
    try:
        for loader in (
            lambda session, storage: load_large_event(
                session, storage, slug="large-event", presentations=60, speakers=80
            ),
            load_demo,
        ):
            async with config.create_session_maker()() as session, session.begin():
                await loader(session, create_storage(settings))
    finally:
        await config.get_engine().dispose()


async def measure(settings: Settings) -> None:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)  # in this thread, so that cProfile sees the whole request
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        print(f"{'page':42} {'calls':>8} {'CPU min':>9} {'bytes':>8}  sha1")
        for path in PAGES:
            for _ in range(3):
                body = (await client.get(path)).content
            profile = cProfile.Profile()
            profile.enable()
            await client.get(path)
            profile.disable()
            calls = pstats.Stats(profile).total_calls
            best = float("inf")
            for _ in range(5):
                started = time.process_time()
                for _ in range(10):
                    await client.get(path)
                best = min(best, (time.process_time() - started) / 10 * 1000)
            digest = hashlib.sha1(body).hexdigest()[:10]
            print(f"{path:42} {calls:8,} {best:7.2f} ms {len(body):8,}  {digest}")


def main() -> None:
    logging.disable(logging.CRITICAL)
    folder = Path(tempfile.mkdtemp(prefix="bench-page-calls-"))
    settings = Settings.from_env(
        {"EVENTS_DATA_DIR": str(folder), "EVENTS_SECRET_KEY": "bench-secret-key", "EVENTS_PAGE_CACHE": "off"}
    )
    migrate(settings)
    asyncio.run(load(settings))
    asyncio.run(measure(settings))


if __name__ == "__main__":
    main()
