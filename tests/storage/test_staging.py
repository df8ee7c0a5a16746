"""Each process stages uploads in a folder of its own; what a dead process left is swept at start-up,
and nothing of a live process is touched."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from events.storage.local import LocalStorage
from tests.storage.uploader import start_uploader


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def _sweep(root: Path, referenced: set[str]):
    asked: list[set[str]] = []

    async def rows_refer_to(keys: set[str]) -> set[str]:
        asked.append(set(keys))
        return keys & referenced

    storage = LocalStorage(root)
    return asyncio.run(storage.sweep_staging(rows_refer_to)), asked


def test_the_sweep_removes_what_a_killed_process_left_and_keeps_what_rows_refer_to(tmp_path):
    root = tmp_path / "files"
    killed, (committed, uncommitted) = start_uploader(root)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    (root / ".incoming" / "0123456789abcdef0123456789abcdef").write_bytes(b"left by an older version")
    imports = root / ".incoming" / "directory-imports" / "7-token"
    imports.mkdir(parents=True)
    (imports / "people.csv").write_text("name\nKim Lee\n")
    assert (root / committed).is_file() and (root / uncommitted).is_file()

    swept, asked = _sweep(root, referenced={committed})

    assert asked == [{committed, uncommitted}]  # the database is asked about the dead process's keys only
    assert (root / committed).is_file()  # its row was committed before the crash: kept
    assert not (root / uncommitted).exists()  # stored, but its transaction never committed: removed
    # Nothing staged is left but the directory import waiting for its confirmation.
    assert _files(root / ".incoming") == {"directory-imports/7-token/people.csv"}
    assert (swept.processes, swept.staged_files, swept.orphans) == (1, 2, 1)


def test_the_sweep_leaves_a_live_process_alone(tmp_path):
    root = tmp_path / "files"
    alive, keys = start_uploader(root)
    try:
        before = _files(root)
        swept, asked = _sweep(root, referenced=set())
        assert asked == [] and swept.processes == 0
        assert _files(root) == before  # its upload in progress and its stored objects are untouched
        assert all((root / key).is_file() for key in keys)
    finally:
        alive.kill()
        alive.wait()
    swept, asked = _sweep(root, referenced=set())  # once it is gone, its leftovers go too
    assert swept.processes == 1 and not any((root / key).exists() for key in keys)


def test_a_process_that_ends_normally_leaves_no_staging_behind(tmp_path):
    root = tmp_path / "files"
    ended, keys = start_uploader(root, then="exit")
    ended.wait()
    # Its staged file is gone; the objects it stored without saying they were committed are left
    # for the next sweep, which asks the database about them.
    assert _files(root / ".incoming") == {f for f in _files(root / ".incoming") if f.endswith(".journal")}
    swept, asked = _sweep(root, referenced=set(keys))
    assert asked == [set(keys)] and all((root / key).is_file() for key in keys)
    assert _files(root / ".incoming") == set()
