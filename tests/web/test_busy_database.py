"""A database busy with someone else's writes makes a request wait, then answer 503 with Retry-After:
never a 500, and nothing of the refused request is kept."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

from litestar.testing import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from events.app import create_app
from events.models import EventSession
from tests.conftest import csrf_token, sign_in


@contextlib.contextmanager
def write_lock_held(url: str):
    """Another process's long write: SQLite's database-wide write lock, or a PostgreSQL table lock."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(make_url(url).database, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    loop = asyncio.new_event_loop()
    engine = create_async_engine(url)
    connection = loop.run_until_complete(engine.connect())
    loop.run_until_complete(connection.execute(text("LOCK TABLE event_session IN ACCESS EXCLUSIVE MODE")))
    try:
        yield
    finally:
        loop.run_until_complete(connection.rollback())
        loop.run_until_complete(connection.close())
        loop.run_until_complete(engine.dispose())
        loop.close()


def _sessions(db):
    async def count(session, _storage):
        return await session.scalar(select(func.count()).select_from(EventSession))

    return db.run(count)


def test_a_write_that_waits_too_long_answers_503_and_keeps_nothing(accounts, settings, db):
    busy = settings.with_changes(db_wait_seconds=0.3)
    before = _sessions(db)
    with TestClient(create_app(busy)) as client:
        sign_in(client, accounts.organiser)
        token = csrf_token(client, "/manage")
        form = {"title": "Added while busy", "_csrf_token": token}
        with write_lock_held(settings.database_url):
            response = client.post(
                f"/manage/events/{accounts.event_id}/sessions", data=form, follow_redirects=False
            )
        assert response.status_code == 503, response.text[:500]
        assert response.headers["retry-after"] == "5"
        assert "The database is busy with other changes right now; nothing was changed." in response.text
        assert _sessions(db) == before
        retried = client.post(
            f"/manage/events/{accounts.event_id}/sessions", data=form, follow_redirects=False
        )
        assert retried.status_code == 302
        assert _sessions(db) == before + 1


def test_the_json_answer_to_a_busy_database_is_a_problem_document(accounts, settings):
    busy = settings.with_changes(db_wait_seconds=0.3)
    with TestClient(create_app(busy)) as client:
        sign_in(client, accounts.organiser)
        token = csrf_token(client, "/manage")
        with write_lock_held(settings.database_url):
            response = client.post(
                f"/manage/events/{accounts.event_id}/sessions",
                data={"title": "Busy", "_csrf_token": token},
                headers={"Accept": "application/json"},
            )
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == 503
