"""`events backup` and `events restore`: the demo plus uploads, backed up and restored into a fresh install
on each database, lose no row and no byte; a backup taken while an upload commits is consistent."""

from __future__ import annotations

import hashlib
from pathlib import Path

import anyio.from_thread
import pytest
from sqlalchemy import func, inspect, select, table
from sqlalchemy.ext.asyncio import create_async_engine

from events.audit import COMMAND_LINE
from events.config import Settings
from events.db import sqlalchemy_config
from events.domain.materials import service
from events.models import Material
from events.storage import create_storage
from tests.conftest import FIXTURES, fresh_database_url, sign_in
from tests.server import environment, events


def _tables(url: str) -> dict[str, int]:
    """Rows per table, every table the database has."""

    async def count() -> dict[str, int]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:

                def counts(sync) -> dict[str, int]:  # noqa: ANN001
                    names = inspect(sync).get_table_names()
                    return {
                        n: sync.execute(select(func.count()).select_from(table(n))).scalar_one()
                        for n in names
                    }

                return await connection.run_sync(counts)
        finally:
            await engine.dispose()

    return anyio.run(count)


def _files(root: Path) -> dict[str, str]:
    """Every stored file (staging aside) and its SHA-256."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and ".incoming" not in p.parts
    }


@pytest.fixture
def fresh(backend, tmp_path):
    """An empty install: a new database (not even migrated) and an empty storage folder."""
    for url in fresh_database_url(backend, tmp_path):
        folder = tmp_path / "restored"
        yield Settings(database_url=url, storage_dir=folder / "files", data_dir=folder, secret_key="k")


def test_a_backup_restored_into_a_fresh_install_misses_nothing(accounts, client, settings, fresh, tmp_path):
    sign_in(client, accounts.organiser)
    deck = (FIXTURES / "single-window.pdf").read_bytes()
    token = client.get("/manage").text.split('name="_csrf_token" value="')[1].split('"')[0]
    for name in ("first.pdf", "second.pdf"):
        uploaded = client.post(
            f"/manage/events/{accounts.event_id}/materials",
            files={"files": (name, deck + name.encode(), "application/pdf")},
            data={"_csrf_token": token},
            headers={"Accept": "application/json"},
        )
        assert uploaded.status_code == 200, uploaded.text
    out = tmp_path / "backup"

    made = events(environment(settings), "backup", str(out))
    assert made.returncode == 0, made.stdout + made.stderr
    restored = events(environment(fresh), "restore", str(out))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Verified" in restored.stdout

    source, copy = _tables(settings.database_url), _tables(fresh.database_url)
    assert source["material_version"] == 7  # the demo's five and the two uploads
    assert copy == source  # every table, every row
    assert _files(fresh.storage_dir) == _files(settings.storage_dir)  # every file, every byte
    checked = events(environment(fresh), "storage", "check")
    assert checked.returncode == 0, checked.stdout

    again = events(environment(fresh), "restore", str(out))
    assert again.returncode == 1 and "This install is not empty" in again.stderr
    assert _tables(fresh.database_url) == source  # refused: nothing changed


def test_a_backup_taken_while_an_upload_commits_is_consistent(demo, settings, fresh, tmp_path):
    """The upload's file is in storage and its row written, not yet committed, when the backup runs."""
    config = sqlalchemy_config(settings)
    storage = create_storage(settings)

    async def chunks():  # noqa: ANN202
        yield (FIXTURES / "single-window.pdf").read_bytes() + b"% during the backup\n"

    async def begin_upload():  # noqa: ANN202
        session = config.create_session_maker()()
        material = await session.scalar(select(Material).limit(1))
        stored = await storage.save(chunks())
        await service.add_version(session, storage, COMMAND_LINE, material=material, stored=stored,
                                  filename="during.pdf", content_type="application/pdf")  # fmt: skip
        return session, stored.key

    with anyio.from_thread.start_blocking_portal() as portal:
        session, key = portal.call(begin_upload)
        before = _tables(settings.database_url)
        try:
            made = events(environment(settings), "backup", str(tmp_path / "backup"))
        finally:
            portal.call(session.commit)
            portal.call(session.close)
            portal.call(config.get_engine().dispose)
    assert made.returncode == 0, made.stdout + made.stderr
    assert (settings.storage_dir / key).is_file() and _tables(settings.database_url) != before

    restored = events(environment(fresh), "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert _tables(fresh.database_url) == before  # the database as it was when the backup began
    assert key not in _files(fresh.storage_dir)  # and no file that its rows do not refer to
    checked = events(environment(fresh), "storage", "check")
    assert checked.returncode == 0, checked.stdout
