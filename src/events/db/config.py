"""Engine and session configuration, and migrations."""

from __future__ import annotations

from advanced_alchemy.alembic.commands import AlembicCommands
from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from advanced_alchemy.types import GUID
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..config import Settings
from ..resources import MIGRATIONS_DIR

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
