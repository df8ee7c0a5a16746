"""The database: engine and session configuration, migrations, and the site revision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from advanced_alchemy.alembic.commands import AlembicCommands
from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from advanced_alchemy.types import GUID
from sqlalchemy import create_engine, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session

from .config import Settings
from .models import REVISION_NEUTRAL_TABLES, Material, SiteState
from .resources import MIGRATIONS_DIR

VERSION_TABLE = "alembic_version"


def sqlalchemy_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    # asyncpg prepares every statement; after five runs PostgreSQL may switch to one generic plan,
    # which cannot see that "mck" is a narrow prefix of the name index and "m" a broad one. And its
    # JIT compiler, woken by the high estimates of correlated subqueries, costs 10 ms or more on
    # queries that run in a few: for a web application's short queries it only ever adds time.
    # A write waits this long for a lock held by another (an import, say), then gives up: the request
    # answers 503 with Retry-After (web/errors.py) instead of hanging or failing obscurely.
    wait = settings.db_wait_seconds
    server_settings = {
        "plan_cache_mode": "force_custom_plan",
        "jit": "off",
        "lock_timeout": f"{int(wait * 1000)}ms",
    }
    engine_config = EngineConfig(connect_args={"server_settings": server_settings})
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine_config = EngineConfig(connect_args={"timeout": wait})
    return SQLAlchemyAsyncConfig(
        connection_string=settings.database_url,
        engine_config=engine_config,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        alembic_config=AlembicAsyncConfig(
            script_location=str(MIGRATIONS_DIR),
            version_table_name=VERSION_TABLE,
            render_as_batch=True,
        ),
        before_send_handler="autocommit",
        create_all=False,
    )


def compare_column_types(_context, _inspected_column, _metadata_column, _inspected_type, metadata_type):  # noqa: ANN001, ANN201
    """Alembic's type comparison, minus a false alarm: SQLite reflects GUID's BINARY(16) as NUMERIC."""
    if isinstance(metadata_type, GUID):
        return False
    return None  # Alembic's own comparison


def migrate(settings: Settings, revision: str = "head", *, downgrade: bool = False) -> None:
    """Apply (or undo) migrations; runs its own event loop, so call it outside one."""
    commands = AlembicCommands(sqlalchemy_config=sqlalchemy_config(settings))
    if downgrade:
        commands.downgrade(revision=revision)
    else:
        commands.upgrade(revision=revision)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    # Foreign keys are off by default in SQLite; WAL lets several workers read while one writes.
    module = type(dbapi_connection).__module__
    if "sqlite" in module:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def bump_revision_statement(now: dt.datetime):  # noqa: ANN201
    """Raise the site revision and remember when the next embargoed material is released."""
    next_release = (
        select(func.min(Material.release_at))
        .where(Material.release_at > now, Material.deleted_at.is_(None))
        .scalar_subquery()
    )
    return update(SiteState).values(revision=SiteState.revision + 1, next_release_at=next_release)


# Every write through a session, whoever makes it, bumps the revision in its own transaction, so
# cached public pages can never outlive the data they show: ORM flushes and bulk UPDATE/DELETE/INSERT.
# Writes to tables no public page shows (sign-in sessions, the audit log, ...) leave it alone.
@event.listens_for(Session, "after_flush")
def _bump_revision_on_flush(session: Session, _flush_context) -> None:  # noqa: ANN001
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(type(obj).__table__.name not in REVISION_NEUTRAL_TABLES for obj in changed):
        session.connection().execute(bump_revision_statement(dt.datetime.now(dt.UTC)))


@event.listens_for(Session, "do_orm_execute")
def _bump_revision_on_bulk_write(state: ORMExecuteState):  # noqa: ANN201
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    result = state.invoke_statement()  # first the write, so the next release time is read after it
    if table is None or table.name not in REVISION_NEUTRAL_TABLES:
        state.session.connection().execute(bump_revision_statement(dt.datetime.now(dt.UTC)))
    return result


_READ_REVISION = select(SiteState.revision, SiteState.next_release_at)
T = TypeVar("T")


class PublicReads:
    """The database as public pages read it: the site revision on every request, and page reads.

    Page reads are plain synchronous SQLAlchemy (``work(session)``). On SQLite they run right on the
    event loop with the sqlite3 driver: reading a page's rows from a local file takes a few
    milliseconds of CPU, and handing that to another thread (aiosqlite hops threads several times per
    statement; a worker thread fights the loop for the GIL) cost more than the reading itself,
    measured with bench/event_page.py. Elsewhere they run through the async session's ``run_sync``.
    Either way the CPU-bound part, like rendering, runs on the loop.
    """

    def __init__(self, config: SQLAlchemyAsyncConfig, *, wait_seconds: float = 15.0) -> None:
        self._engine = config.get_engine()
        self._sessions = config.create_session_maker()
        self._sqlite: Engine | None = None
        if self._engine.dialect.name == "sqlite":
            self._sqlite = create_engine(
                self._engine.url.set(drivername="sqlite"), connect_args={"timeout": wait_seconds}
            )
        # No BEGIN/ROLLBACK around the single SELECT of the revision.
        self._autocommit = self._engine.execution_options(isolation_level="AUTOCOMMIT")

    async def revision(self) -> int:
        """The current revision: one query, plus a bump when an embargo has just lapsed."""
        if self._sqlite is not None:  # one row, well under a tenth of a millisecond: no thread needed
            with self._sqlite.connect() as connection:
                revision, next_release_at = connection.execute(_READ_REVISION).one()
        else:
            async with self._autocommit.connect() as connection:
                revision, next_release_at = (await connection.execute(_READ_REVISION)).one()
        now = dt.datetime.now(dt.UTC)
        if next_release_at is not None and next_release_at <= now:
            async with self._engine.begin() as connection:
                await connection.execute(bump_revision_statement(now).where(SiteState.revision == revision))
                revision = (await connection.execute(select(SiteState.revision))).scalar_one()
        return revision

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run read-only ``work(session)`` and return its result."""
        if self._sqlite is not None:
            return self._run_on_sqlite(work)
        async with self._sessions() as session:
            return await session.run_sync(work)

    def _run_on_sqlite(self, work: Callable[[Session], T]) -> T:
        with Session(self._sqlite) as session:
            return work(session)

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.dispose()
