"""`events storage check`: rows without files, files without rows, wrong sizes and sums; `--repair`
removes only orphans older than an hour, never a file that a row refers to."""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from events.cli import main
from events.config import get_settings
from events.models import MaterialVersion
from tests.conftest import staged_uploads
from tests.storage.uploader import start_uploader


@pytest.fixture
def run_events(settings, monkeypatch):
    """`events ...` in this process, on the test's database and files."""
    for name, value in {
        "EVENTS_DATABASE_URL": settings.database_url,
        "EVENTS_DATA_DIR": str(settings.data_dir),
        "EVENTS_STORAGE_DIR": str(settings.storage_dir),
        "EVENTS_SECRET_KEY": settings.secret_key,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(main, list(args))
    get_settings.cache_clear()


def _keys(db) -> list[str]:
    async def read(session, _storage):
        return list(await session.scalars(select(MaterialVersion.storage_key).order_by(MaterialVersion.id)))

    return db.run(read)


def _orphan(root, age_seconds: float) -> str:
    name = uuid.uuid4().hex
    path = root / name[:2] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"stored, but its transaction never committed")
    os.utime(path, (time.time() - age_seconds,) * 2)
    return f"{name[:2]}/{name}"


def test_a_sound_archive_checks_clean(demo, run_events):
    result = run_events("storage", "check")
    assert result.exit_code == 0, result.output
    assert "Checked 5 row(s) and 5 stored file(s)" in result.output
    assert "Everything is in order." in result.output


def test_every_kind_of_damage_is_found_and_only_old_orphans_are_repaired(demo, run_events, settings):
    root = settings.storage_dir
    gone, altered, cut, *sound = _keys(demo)
    (root / gone).unlink()
    size = (root / altered).stat().st_size
    (root / altered).write_bytes(b"x" * size)  # same size, other bytes
    (root / cut).write_bytes((root / cut).read_bytes()[:100])
    old, recent = _orphan(root, age_seconds=2 * 3600), _orphan(root, age_seconds=60)

    result = run_events("storage", "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()

    def listed_under(label: str) -> list[str]:
        start = next(n for n, line in enumerate(lines) if line.strip().startswith(f"{label}:"))
        count = int(lines[start].rsplit(":", 1)[1])
        return [line.strip() for line in lines[start + 1 : start + 1 + count]]

    assert listed_under("rows whose file is missing") == [gone]
    assert sorted(listed_under("files no row refers to")) == sorted([old, recent])
    assert [item.split(":")[0] for item in listed_under("files of the wrong size")] == [cut]
    assert [item.split(":")[0] for item in listed_under("files whose SHA-256 differs")] == [altered]
    assert "restore them from a backup" in result.output

    repaired = run_events("storage", "check", "--repair")
    assert repaired.exit_code == 1  # the damaged files are still damaged
    assert f"removed {old}" in repaired.output
    assert "Left 1 orphan file(s) younger than an hour alone." in repaired.output
    assert not (root / old).exists() and (root / recent).exists()
    assert all((root / key).exists() for key in (altered, cut, *sound))  # files rows refer to stay


def test_what_a_killed_process_left_is_found_and_repaired_without_a_restart(demo, run_events, settings):
    killed, keys = start_uploader(settings.storage_dir)
    killed.send_signal(signal.SIGKILL)
    killed.wait()

    result = run_events("storage", "check")
    assert result.exit_code == 1
    assert "staging left by stopped processes: 1" in result.output
    assert "files no row refers to: 2" in result.output

    repaired = run_events("storage", "check", "--repair")
    assert repaired.exit_code == 0, repaired.output  # young as they are: no row, and their process is gone
    assert "Everything is in order." in repaired.output
    assert not any((settings.storage_dir / key).exists() for key in keys)
    assert staged_uploads(settings.storage_dir) == []
