"""Reads of the materials area: a material's management page, and the upload links (invitations)."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ...models import Material, MaterialVersion, UploadInvitation


async def material_with_versions(db: AsyncSession, material: Material) -> Material:
    """The material with what its page shows: every version and its uploader, its presentation."""
    return await db.scalar(
        select(Material)
        .where(Material.id == material.id)
        .options(
            selectinload(Material.versions).selectinload(MaterialVersion.uploaded_by),
            selectinload(Material.current_version),
            selectinload(Material.presentation),
        )
        .execution_options(populate_existing=True)
    )


async def version_of(db: AsyncSession, material_id: int, version_id: int) -> MaterialVersion | None:
    return await db.scalar(
        select(MaterialVersion).where(
            MaterialVersion.id == version_id, MaterialVersion.material_id == material_id
        )
    )


# --- upload links ---------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is kept of an upload link's token: its SHA-256 (the token itself is shown once)."""
    return hashlib.sha256(token.encode()).hexdigest()


async def valid_invitation(session: AsyncSession, token: str, now: dt.datetime) -> UploadInvitation | None:
    """The live invitation behind a token, or None (unknown, revoked, expired, or its talk deleted)."""
    if not token or len(token) > 200:
        return None
    invitation = await session.scalar(
        select(UploadInvitation)
        .where(UploadInvitation.token_hash == token_hash(token))
        .options(selectinload(UploadInvitation.presentation), selectinload(UploadInvitation.person))
    )
    if invitation is None or invitation.revoked_at is not None or invitation.expires_at <= now:
        return None
    if invitation.presentation.deleted_at is not None:
        return None
    return invitation


async def presentation_invitations(session: AsyncSession, presentation_id: int) -> list[UploadInvitation]:
    """A presentation's upload links, newest first, with the person each was made for."""
    return list(
        await session.scalars(
            select(UploadInvitation)
            .where(UploadInvitation.presentation_id == presentation_id)
            .options(selectinload(UploadInvitation.person))
            .order_by(UploadInvitation.created_at.desc())
        )
    )


async def invitation_of(
    session: AsyncSession, invitation_id: int, presentation_id: int
) -> UploadInvitation | None:
    """An upload link of this presentation, or None."""
    return await session.scalar(
        select(UploadInvitation).where(
            UploadInvitation.id == invitation_id, UploadInvitation.presentation_id == presentation_id
        )
    )


def within_reach(invitation: UploadInvitation, now: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    """The materials a link shows and lets its holder replace: what the public may see of the talk now,
    and the files that came through this very link; never what the organisers keep to themselves."""
    sent_through_link = exists().where(
        MaterialVersion.material_id == Material.id, MaterialVersion.invitation_id == invitation.id
    )
    return (
        Material.presentation_id == invitation.presentation_id,
        Material.deleted_at.is_(None),
        or_(Material.public_at(now), sent_through_link),
    )


async def materials_in_reach(
    session: AsyncSession, invitation: UploadInvitation, now: dt.datetime
) -> list[Material]:
    """What the upload link's page lists (see ``within_reach``), in the talk's order."""
    return list(
        await session.scalars(
            select(Material)
            .where(*within_reach(invitation, now))
            .options(selectinload(Material.current_version))
            .order_by(Material.position)
        )
    )


async def file_in_reach(
    session: AsyncSession, invitation: UploadInvitation, material_id: int, now: dt.datetime
) -> Material | None:
    """A file the link may replace (see ``within_reach``; a link is not replaced by a file), or None."""
    return await session.scalar(
        select(Material).where(
            Material.id == material_id,
            Material.external_url.is_(None),
            *within_reach(invitation, now),
        )
    )


async def invitation_usage(session: AsyncSession, invitation_id: int) -> tuple[int, int]:
    """How many files, and how many bytes, have come through an upload link (every version counts)."""
    files, size = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(MaterialVersion.size), 0)).where(
                MaterialVersion.invitation_id == invitation_id
            )
        )
    ).one()
    return files, size
