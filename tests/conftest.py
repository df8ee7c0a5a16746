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


@pytest.fixture(autouse=True)
def _forget_database_configs() -> Iterator[None]:
    """advanced-alchemy remembers the keys of every SQLAlchemyAsyncConfig made in the process and checks
    each new one against them recursively, one call per earlier config: after some 950 (every app and
    every ``db.run`` makes one) the suite dies of RecursionError. Forget those each test made."""
    from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

    registries = [
        getattr(SQLAlchemyAsyncConfig, name)
        for name in (
            "_SESSION_SCOPE_KEY_REGISTRY",
            "_ENGINE_APP_STATE_KEY_REGISTRY",
            "_SESSIONMAKER_APP_STATE_KEY_REGISTRY",
        )
    ]
    before = [set(registry) for registry in registries]
    yield
    for registry, kept in zip(registries, before, strict=True):
        registry.intersection_update(kept)


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
            storage = self.storage
            try:
                async with config.create_session_maker()() as session, session.begin():
                    return await work(session, storage)
            finally:
                storage.close()  # its staging folder and journal go now, as at the end of a process
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


# --- signed-in users ------------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


@dataclass
class Accounts:
    """Users of every role; ``organiser`` is granted the demo event, ``outsider`` another event."""

    admin: str = "admin@example.org"
    staff: str = "staff@example.org"
    organiser: str = "organiser@example.org"
    outsider: str = "outsider@example.org"
    event_id: int = 0
    other_event_id: int = 0


@pytest.fixture
def accounts(demo: Database) -> Accounts:
    import datetime as dt

    from sqlalchemy import select

    from events.audit import COMMAND_LINE
    from events.domain.accounts.service import create_user, set_grant
    from events.domain.events.service import create_event
    from events.models import LearningEvent, Role

    async def make(session: AsyncSession, _storage: Storage) -> Accounts:
        found = Accounts()
        event = await session.scalar(select(LearningEvent))
        other = await create_event(
            session, COMMAND_LINE, title="Another Event", start_date=dt.date(2010, 1, 1)
        )
        for email, role in (
            (found.admin, Role.ADMIN),
            (found.staff, Role.STAFF),
            (found.organiser, Role.ORGANISER),
            (found.outsider, Role.ORGANISER),
        ):
            user = await create_user(session, COMMAND_LINE, email=email, password=PASSWORD, role=role)
            if email == found.organiser:
                await set_grant(session, COMMAND_LINE, user, event, granted=True)
            if email == found.outsider:
                await set_grant(session, COMMAND_LINE, user, other, granted=True)
        found.event_id, found.other_event_id = event.id, other.id
        return found

    return demo.run(make)


def staged_uploads(storage_dir: Path) -> list[Path]:
    """Upload files in staging, whichever process staged them (journals and directory imports aside)."""
    return sorted(
        path
        for path in (storage_dir / ".incoming").rglob("*")
        if path.is_file() and not path.name.endswith(".journal") and "directory-imports" not in path.parts
    )


def csrf_token(client: TestClient, path: str = "/manage/login") -> str:
    """The CSRF token a form on ``path`` carries (and the cookie it goes with, kept by the client)."""
    import re

    found = re.search(r'name="_csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token in the form of {path}"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/manage/login",
        data={"email": email, "password": password, "_csrf_token": csrf_token(client), "next": "/manage"},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.text
