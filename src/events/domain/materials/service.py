"""Materials: storing versions (bytes through the storage layer, rows here) and finding public ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ...models import (
    PUBLIC_STATUSES,
    LearningEvent,
    Material,
    MaterialKind,
    MaterialVersion,
    Presentation,
)
from ...storage import Storage, delete_on_rollback
from ..audit import Actor, created_fields, record


async def add_file_material(
    session: AsyncSession,
    storage: Storage,
    actor: Actor,
    *,
    event: LearningEvent,
    presentation: Presentation | None,
    chunks: AsyncIterable[bytes],
    filename: str,
    content_type: str,
    kind: MaterialKind = MaterialKind.SLIDES,
    title: str | None = None,
) -> Material:
    """A new material whose first version is the given file."""
    position = await session.scalar(
        select(func.coalesce(func.max(Material.position), 0) + 1).where(
            Material.event_id == event.id,
            Material.presentation_id == (presentation.id if presentation else None),
        )
    )
    material = Material(
        event_id=event.id,
        presentation_id=presentation.id if presentation else None,
        kind=kind,
        title=title,
        position=position,
    )
    session.add(material)
    await session.flush()
    record(
        session,
        actor,
        "create",
        material,
        event_id=event.id,
        summary=f"Added {kind.value} to {presentation.title if presentation else event.title}",
        changes=created_fields(kind=kind, title=title, presentation_id=material.presentation_id),
    )
    await add_version(
        session,
        storage,
        actor,
        material=material,
        chunks=chunks,
        filename=filename,
        content_type=content_type,
    )
    return material


async def add_version(
    session: AsyncSession,
    storage: Storage,
    actor: Actor,
    *,
    material: Material,
    chunks: AsyncIterable[bytes],
    filename: str,
    content_type: str,
) -> MaterialVersion:
    """Store the bytes, then record the version; if the transaction fails, the stored bytes go too."""
    stored = await storage.save(chunks)
    delete_on_rollback(session, storage, stored.key)
    try:
        number = await session.scalar(
            select(func.coalesce(func.max(MaterialVersion.number), 0) + 1).where(
                MaterialVersion.material_id == material.id
            )
        )
        version = MaterialVersion(
            material_id=material.id,
            number=number,
            filename=filename,
            content_type=content_type,
            size=stored.size,
            sha256=stored.sha256,
            storage_key=stored.key,
            uploaded_by_id=actor.user_id,
        )
        session.add(version)
        await session.flush()
        material.current_version_id = version.id
        record(
            session,
            actor,
            "upload",
            version,
            event_id=material.event_id,
            summary=f"Uploaded {filename} (version {number})",
            changes=created_fields(
                material_id=material.id, filename=filename, size=stored.size, sha256=stored.sha256
            ),
        )
        await session.flush()
    except BaseException:
        await storage.delete(stored.key)
        raise
    return version


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
