"""Stored files as the rows see them: what the start-up sweep, `events storage check` and backups ask
the database (the storage floor compares; only this module knows that versions hold the keys)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ...models import MaterialVersion
from ...storage import Storage
from ...storage.check import Expected, Repaired, Report, check, repair
from ...storage.staging import Swept

BATCH = 500  # keys per IN (...): well under every driver's limit on parameters

EXPECTED_FILES: Select = select(MaterialVersion.storage_key, MaterialVersion.size, MaterialVersion.sha256)
"""Every stored object a row refers to, with its size and SHA-256 (backups run it on their snapshot)."""


async def referenced_keys(session: AsyncSession, keys: set[str]) -> set[str]:
    ordered, found = sorted(keys), set()
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        query = select(MaterialVersion.storage_key).where(MaterialVersion.storage_key.in_(batch))
        found.update(await session.scalars(query))
    return found


def _referenced(sessions: async_sessionmaker[AsyncSession]):  # noqa: ANN202
    async def referenced(keys: set[str]) -> set[str]:
        async with sessions() as session:
            return await referenced_keys(session, keys)

    return referenced


async def sweep_staging(sessions: async_sessionmaker[AsyncSession], storage: Storage) -> Swept:
    """At start-up: remove what processes that are gone left in staging, keeping what rows refer to."""
    return await storage.sweep_staging(_referenced(sessions))


async def check_storage(
    sessions: async_sessionmaker[AsyncSession], storage: Storage, *, repair_orphans: bool = False
) -> tuple[Report, Repaired | None]:
    """`events storage check`: the report, and with ``repair_orphans`` what was repaired (then the
    report is taken again, after the repair)."""

    async def rows() -> list[Expected]:
        async with sessions() as session:
            return [Expected(*row) for row in await session.execute(EXPECTED_FILES)]

    report = await check(storage, rows)
    if not repair_orphans:
        return report, None
    repaired = await repair(storage, report, _referenced(sessions))
    return await check(storage, rows), repaired
