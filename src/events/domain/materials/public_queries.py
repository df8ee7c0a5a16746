"""Public reads of the materials area: what a download may serve."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ...models import PUBLIC_STATUSES, LearningEvent, Material, MaterialVersion, Presentation


async def public_download(
    session: AsyncSession, material_id: int, now: dt.datetime
) -> tuple[Material, MaterialVersion | None] | None:
    """The material and its current version, if the public may have it now; otherwise None."""
    material = await session.scalar(
        select(Material)
        .join(Material.event)
        .outerjoin(Material.presentation)
        .where(
            Material.id == material_id,
            LearningEvent.status.in_(PUBLIC_STATUSES),
            LearningEvent.deleted_at.is_(None),
            Presentation.deleted_at.is_(None),
        )
        .options(joinedload(Material.current_version))
    )
    if material is None or not material.is_public_at(now):
        return None
    return material, material.current_version
