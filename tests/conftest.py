"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is found through EVENTS_TEST_POSTGRES_URL (default: the local server, database ``test``).
Without a server its half is skipped with a message, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from events.app import create_app
from events.config import Settings
from events.db import migrate, sqlalchemy_config
from events.models import metadata
from events.storage import Storage, create_storage

POSTGRES_URL = os.environ.get("EVENTS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
FIXTURES = Path(__file__).parent / "fixtures"


async def _admin_execute(statement: str) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def fresh_database_url(backend: str, folder: Path) -> Iterator[str]:
    """An empty database of the given backend, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / f'events-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"events_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    except (OSError, Exception) as error:  # noqa: BLE001 - any failure to reach the server
        message = f"PostgreSQL is not reachable at {POSTGRES_URL} ({error.__class__.__name__}: {error})"
        if IN_CI:
            pytest.fail(f"{message}; under CI=true the PostgreSQL half must run")
        pytest.skip(f"{message}; set EVENTS_TEST_POSTGRES_URL to run the PostgreSQL half")
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def migrated_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per backend for the whole run, upgraded through the real migration chain."""
    folder = tmp_path_factory.mktemp(backend)
    for url in fresh_database_url(backend, folder):
        migrate(_settings(url, folder))
        yield url


def _settings(url: str, folder: Path, **changes: Any) -> Settings:
    return Settings(
        database_url=url,
        storage_dir=folder / "files",
        data_dir=folder,
        secret_key="test-secret-key",
        page_cache=True,
    ).with_changes(**changes)


async def _empty_tables(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            names = [table.name for table in reversed(metadata.sorted_tables) if table.name != "site_state"]
            if connection.dialect.name == "postgresql":
                await connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
            else:
                await connection.execute(text("UPDATE material SET current_version_id = NULL"))
                for name in names:
                    await connection.execute(text(f"DELETE FROM {name}"))
            await connection.execute(text("UPDATE site_state SET revision = 1, next_release_at = NULL"))
    finally:
        await engine.dispose()


@pytest.fixture
def settings(migrated_url: str, tmp_path: Path) -> Settings:
    asyncio.run(_empty_tables(migrated_url))
    return _settings(migrated_url, tmp_path)


@dataclass
class Database:
    """Runs setup code against the test database in a transaction of its own."""

    settings: Settings

    @property
    def storage(self) -> Storage:
        return create_storage(self.settings)

    def run(self, work: Callable[[AsyncSession, Storage], Awaitable[Any]]) -> Any:
        async def go() -> Any:
            config = sqlalchemy_config(self.settings)
            engine = config.get_engine()
            try:
                async with config.create_session_maker()() as session, session.begin():
                    return await work(session, self.storage)
            finally:
                await engine.dispose()

        return asyncio.run(go())


@pytest.fixture
def db(settings: Settings) -> Database:
    return Database(settings)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def demo(db: Database) -> Database:
    """The Fredericton demo event, loaded as `events demo` loads it."""
    from events.demo import load_demo

    db.run(load_demo)
    return db


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements() -> Iterator[StatementCounter]:
    counter = StatementCounter()
    event.listen(Engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(Engine, "before_cursor_execute", counter)
