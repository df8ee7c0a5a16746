"""The database: engine and session configuration, migrations, and the site revision."""

from __future__ import annotations

import datetime as dt

from advanced_alchemy.alembic.commands import AlembicCommands
from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import create_engine, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import ORMExecuteState, Session

from .config import Settings
from .models import Material, SiteState
from .resources import MIGRATIONS_DIR

VERSION_TABLE = "alembic_version"


def sqlalchemy_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    engine_config = EngineConfig()
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine_config = EngineConfig(connect_args={"timeout": 30})
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
@event.listens_for(Session, "after_flush")
def _bump_revision_on_flush(session: Session, _flush_context) -> None:  # noqa: ANN001
    session.connection().execute(bump_revision_statement(dt.datetime.now(dt.UTC)))


@event.listens_for(Session, "do_orm_execute")
def _bump_revision_on_bulk_write(state: ORMExecuteState):  # noqa: ANN201
    if state.is_insert or state.is_update or state.is_delete:
        result = state.invoke_statement()  # first the write, so the next release time is read after it
        state.session.connection().execute(bump_revision_statement(dt.datetime.now(dt.UTC)))
        return result
    return None


_READ_REVISION = select(SiteState.revision, SiteState.next_release_at)


class RevisionReader:
    """Reads the site revision on every public request, as cheaply as each database allows."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sqlite: Engine | None = None
        if engine.dialect.name == "sqlite":
            # aiosqlite hops to its thread several times per statement (about 0.5 ms); a synchronous
            # read of this one row takes well under 0.1 ms, so it runs right on the event loop.
            self._sqlite = create_engine(engine.url.set(drivername="sqlite"), connect_args={"timeout": 30})
        # No BEGIN/ROLLBACK around the single SELECT.
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def read(self) -> int:
        """The current revision: one query, plus a bump when an embargo has just lapsed."""
        if self._sqlite is not None:
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

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.dispose()
