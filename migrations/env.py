"""Alembic environment: run by `events db upgrade` through advanced-alchemy's AlembicCommands."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import events.models  # noqa: F401  (registers every table on the metadata)
from events.db import compare_column_types
from events.models import metadata

config = context.config  # advanced-alchemy's AlembicCommandConfig: carries the engine and options


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=metadata,
        version_table=config.version_table_name,
        render_as_batch=config.render_as_batch,
        compare_type=compare_column_types,
        user_module_prefix=config.user_module_prefix,
        **kwargs,
    )


def _run(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # SQLite changes a table by copying it; with foreign keys enforced, dropping the old copy fails.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # end the transaction the statement began, so Alembic owns the next one
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    _configure(url=config.db_url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online(config.engine))
