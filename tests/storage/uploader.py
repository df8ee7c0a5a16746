"""A process that uploads into a storage folder and is then killed, or left running, by a test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Stages a partial upload, stores two objects (as an upload does before its transaction commits),
# prints their keys, then waits ("wait") or ends normally ("exit").
UPLOADER = """
import asyncio, sys, time
from pathlib import Path
from events.storage.local import LocalStorage

storage = LocalStorage(Path(sys.argv[1]))
(storage.staging_dir / "arriving").write_bytes(b"x" * 1000)
for n in range(2):
    staged = storage.staging_dir / f"complete-{n}"
    staged.write_bytes(b"%d" % n * 100)
    print(asyncio.run(storage.adopt(staged, sha256="", size=100)).key, flush=True)
if sys.argv[2] == "wait":
    time.sleep(600)
"""


def start_uploader(root: Path, then: str = "wait") -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", UPLOADER, str(root), then], stdout=subprocess.PIPE, text=True
    )
    keys = [process.stdout.readline().strip() for _ in range(2)]
    assert all(keys), "the uploader did not start"
    return process, keys
