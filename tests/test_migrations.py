"""One migration chain builds the whole model, matches it exactly, and comes down cleanly."""

from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from events.config import Settings
from events.db import VERSION_TABLE, compare_column_types, migrate
from events.models import metadata
from tests.conftest import fresh_database_url


async def _inspect(url: str):
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:

            def look(sync_connection):
                context = MigrationContext.configure(
                    sync_connection, opts={"compare_type": compare_column_types}
                )
                return compare_metadata(context, metadata), set(inspect(sync_connection).get_table_names())

            differences, tables = await connection.run_sync(look)
            site_revision = None
            if "site_state" in tables:
                site_revision = (
                    await connection.execute(text("SELECT revision FROM site_state"))
                ).scalar_one()
            return differences, tables, site_revision
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_matches_the_models_and_downgrade_removes_everything(backend, tmp_path):
    for url in fresh_database_url(backend, tmp_path):
        settings = Settings(
            database_url=url, storage_dir=tmp_path / "files", data_dir=tmp_path, secret_key="x"
        )
        migrate(settings, "head")
        differences, tables, site_revision = asyncio.run(_inspect(url))
        assert differences == []
        assert set(metadata.tables) <= tables
        assert site_revision == 1  # the revision row every write bumps exists from the start

        migrate(settings, "base", downgrade=True)
        _, tables, _ = asyncio.run(_inspect(url))
        assert tables <= {VERSION_TABLE}

        migrate(settings, "head")  # and up again, from base
        differences, _, _ = asyncio.run(_inspect(url))
        assert differences == []
