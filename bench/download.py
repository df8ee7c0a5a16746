"""Download streaming: serve a large material and watch the server's memory while it is downloaded.

    .venv/bin/python bench/download.py [--size-mib 1024]

Prints the throughput of a full download and of a ranged one, and the server's RSS before and at its
peak during the downloads. A streamed download keeps the RSS flat whatever the file size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server  # noqa: E402

from events.audit import COMMAND_LINE
from events.config import Settings
from events.db import migrate, sqlalchemy_config
from events.demo import load_demo
from events.domain.materials.service import add_file_material
from events.models import LearningEvent
from events.storage import create_storage

MIB = 1024 * 1024


async def load(settings: Settings, size: int) -> int:
    config = sqlalchemy_config(settings)
    engine = config.get_engine()
    try:
        async with config.create_session_maker()() as session, session.begin():
            storage = create_storage(settings)
            await load_demo(session, storage)
            event = await session.scalar(select(LearningEvent))

            async def zeros():
                block = os.urandom(MIB)
                for _ in range(size // MIB):
                    yield block

            material = await add_file_material(
                session,
                storage,
                COMMAND_LINE,
                event=event,
                presentation=None,
                chunks=zeros(),
                filename="recording.mp4",
                content_type="video/mp4",
            )
            return material.id
    finally:
        await engine.dispose()


def download(url: str, headers: dict[str, str] | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    received = 0
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=600) as response:
        while chunk := response.read(4 * MIB):
            received += len(chunk)
    return received, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="events-bench-download-"))
    env = {**os.environ, "EVENTS_DATA_DIR": str(folder), "EVENTS_SECRET_KEY": "bench"}
    env.pop("EVENTS_DATABASE_URL", None)
    env.pop("EVENTS_STORAGE_DIR", None)
    settings = Settings.from_env(env)
    server = Server(env, workers=1, port=args.port)
    try:
        migrate(settings)
        print(f"storing a {args.size_mib} MiB material ...", flush=True)
        material_id = asyncio.run(load(settings, args.size_mib * MIB))
        server.start()
        url = server.url(f"/materials/{material_id}/recording.mp4")
        download(url, {"Range": "bytes=0-1048575"})  # warm up the code path
        before = server.rss_kib()
        peak = before
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, server.rss_kib())
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        full_bytes, full_seconds = download(url)
        half = args.size_mib * MIB // 2
        range_bytes, range_seconds = download(url, {"Range": f"bytes={half}-"})
        done.set()
        sampler.join()
        assert full_bytes == args.size_mib * MIB and range_bytes == args.size_mib * MIB - half
        print(
            f"full download   {full_bytes / MIB:8.0f} MiB in {full_seconds:6.2f} s = {full_bytes / MIB / full_seconds:7.1f} MiB/s"
        )
        print(
            f"ranged download {range_bytes / MIB:8.0f} MiB in {range_seconds:6.2f} s = {range_bytes / MIB / range_seconds:7.1f} MiB/s"
        )
        print(
            f"server RSS before {before / 1024:7.1f} MiB, peak during {peak / 1024:7.1f} MiB, growth {(peak - before) / 1024:5.1f} MiB"
        )
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
