"""Staged uploads: read off the event loop, kept until the import's transaction has committed."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from events.domain.people.csv import staging
from tests.domain.people.csv.test_transfer import SAMPLE, confirm, counts, staged, upload


def test_a_failed_commit_keeps_the_staged_upload(accounts, db, client, monkeypatch):
    from tests.conftest import sign_in

    sign_in(client, accounts.staff)
    preview = upload(client, ("people.csv", SAMPLE))
    assert preview.status_code == 200
    before = counts(db)
    folders = staged(db)
    assert len(folders) == 1

    async def failing_commit(self):  # noqa: ANN001, ANN202
        raise RuntimeError("the database went away while committing")

    monkeypatch.setattr(AsyncSession, "commit", failing_commit)
    response = confirm(client, preview.text)
    monkeypatch.undo()
    assert response.status_code == 500
    assert staged(db) == folders  # the upload waits to be confirmed again
    assert counts(db) == before
    again = confirm(client, preview.text)
    assert again.status_code == 303
    assert staged(db) == []


def test_files_are_read_off_the_event_loop(accounts, client, monkeypatch):
    from tests.conftest import sign_in

    sign_in(client, accounts.staff)
    loops = []
    read_table = staging.read_table

    def reading(*args):  # noqa: ANN002, ANN202
        try:
            loops.append(asyncio.get_running_loop())
        except RuntimeError:
            loops.append(None)  # a worker thread: no loop runs here
        return read_table(*args)

    monkeypatch.setattr(staging, "read_table", reading)
    assert upload(client, ("people.csv", SAMPLE)).status_code == 200
    assert loops == [None]
