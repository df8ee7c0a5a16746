"""Every write of the materials area, each audited: materials, their versions (bytes through the storage
layer, rows here), and the upload links (invitations) speakers send files through."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterable

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...audit import Actor, apply_changes, created_fields, record
from ...i18n import gettext
from ...models import (
    LearningEvent,
    Material,
    MaterialKind,
    MaterialVersion,
    Person,
    Presentation,
    UploadInvitation,
)
from ...storage import Storage, StoredObject, delete_on_rollback
from ...web.templating import file_size
from . import queries

# What one upload link may bring in, all its uploads together: a speaker's decks, handouts and a recording.
LINK_MAX_FILES = 20
LINK_MAX_BYTES = 1024**3


async def new_material(
    session: AsyncSession,
    actor: Actor,
    *,
    event: LearningEvent,
    presentation: Presentation | None,
    kind: MaterialKind = MaterialKind.SLIDES,
    title: str | None = None,
    external_url: str | None = None,
    language: str | None = None,
) -> Material:
    """A material, last in its list; its bytes come with ``add_version`` (or it is an external link)."""
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
        external_url=external_url,
        language=language,
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
        changes=created_fields(
            kind=kind,
            title=title,
            external_url=external_url,
            language=language,
            presentation_id=material.presentation_id,
        ),
    )
    return material


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
    """A new material whose first version is the given bytes."""
    material = await new_material(
        session, actor, event=event, presentation=presentation, kind=kind, title=title
    )
    stored = await storage.save(chunks)
    await add_version(
        session,
        storage,
        actor,
        material=material,
        stored=stored,
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
    stored: StoredObject,
    filename: str,
    content_type: str,
    invitation_id: int | None = None,
) -> MaterialVersion:
    """Record stored bytes as the material's new current version; its public URL stays the same.

    The stored object follows the transaction: if it rolls back, the bytes are removed too.
    """
    delete_on_rollback(session, storage, stored.key)
    # Simultaneous uploads of one material queue here for its row, before reading the next number:
    # an UPDATE locks the row on PostgreSQL and takes the write lock on SQLite (the driver begins the
    # transaction at its first write), so two uploads never both read the same max(number).
    connection = await session.connection()  # Core, not ORM: the row is saved again below anyway
    await connection.execute(
        update(Material).where(Material.id == material.id).values(updated_at=dt.datetime.now(dt.UTC))
    )
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
        invitation_id=invitation_id,
    )
    session.add(version)
    await session.flush()
    before = material.current_version_id
    material.current_version_id = version.id
    record(
        session,
        actor,
        "upload",
        version,
        event_id=material.event_id,
        summary=f"Uploaded {filename} (version {number})",
        changes={
            **created_fields(
                material_id=material.id, filename=filename, size=stored.size, sha256=stored.sha256
            ),
            "current_version_id": {"before": before, "after": version.id},
        },
    )
    await session.flush()
    return version


class OverQuota(Exception):
    """An upload would take a link past what it may bring in; the message says how far."""


async def check_link_quota(session: AsyncSession, invitation_id: int, *, files: int, size: int) -> None:
    """Raise OverQuota if ``files`` more files of ``size`` bytes would not fit in the link's quota.

    Call with the invitation's row locked (``lock_live_invitation``) and store the files in
    the same transaction: parallel uploads through the link then count each other.
    """
    used_files, used_bytes = await queries.invitation_usage(session, invitation_id)
    if used_files + files > LINK_MAX_FILES:
        raise OverQuota(
            gettext(
                "This upload link takes at most %(most)s files in all; %(used)s have come through it already "
                "and this upload has %(files)s. Nothing was uploaded: please ask the organisers for a new link."
            )
            % {"most": LINK_MAX_FILES, "used": used_files, "files": files}
        )
    if used_bytes + size > LINK_MAX_BYTES:
        raise OverQuota(
            gettext(
                "This upload link takes at most %(most)s in all; %(used)s have come through it already and this "
                "upload is %(size)s. Nothing was uploaded: please ask the organisers for a new link."
            )
            % {"most": file_size(LINK_MAX_BYTES), "used": file_size(used_bytes), "size": file_size(size)}
        )


async def restore_version(
    session: AsyncSession, actor: Actor, material: Material, version: MaterialVersion
) -> None:
    """Make an earlier version current again (as a pointer move: no bytes are copied)."""
    changes = apply_changes(material, current_version_id=version.id)
    if changes:
        record(session, actor, "restore version", material, event_id=material.event_id,
               summary=f"Restored version {version.number} ({version.filename})", changes=changes)  # fmt: skip
        await session.flush()


async def update_material(session: AsyncSession, actor: Actor, material: Material, **fields: object) -> None:
    """Title, kind, visibility and release time (embargo) of a material."""
    changes = apply_changes(material, **fields)
    if changes:
        record(session, actor, "update", material, event_id=material.event_id,
               summary=f"Edited {material.title or material.kind.value}", changes=changes)  # fmt: skip
        await session.flush()


async def set_material_deleted(
    session: AsyncSession, actor: Actor, material: Material, *, deleted: bool
) -> None:
    before = material.deleted_at
    material.deleted_at = dt.datetime.now(dt.UTC) if deleted else None
    record(session, actor, "delete" if deleted else "restore", material, event_id=material.event_id,
           summary=f"{'Deleted' if deleted else 'Restored'} {material.title or material.kind.value}",
           changes={"deleted_at": {"before": before and before.isoformat(), "after": material.deleted_at and material.deleted_at.isoformat()}})  # fmt: skip
    await session.flush()


# --- upload links (invitations) ---------------------------------------------------------------------


class InvitationError(ValueError):
    """A user-facing reason why an upload link was not made."""


async def create_invitation(
    session: AsyncSession,
    actor: Actor,
    presentation: Presentation,
    *,
    expires_at: dt.datetime,
    person: Person | None = None,
) -> tuple[UploadInvitation, str]:
    """An upload link for one presentation; the token is returned once and only its hash is kept."""
    if expires_at <= dt.datetime.now(dt.UTC):
        raise InvitationError(gettext("The link must be valid until a date in the future."))
    token = secrets.token_urlsafe(32)
    invitation = UploadInvitation(
        presentation_id=presentation.id,
        person_id=person.id if person else None,
        token_hash=queries.token_hash(token),
        expires_at=expires_at,
        created_by_id=actor.user_id,
    )
    session.add(invitation)
    await session.flush()
    record(session, actor, "invite", invitation, event_id=presentation.event_id,
           summary=f"Created an upload link for {presentation.title}" + (f" addressed to {person.full_name}" if person else ""),
           changes=created_fields(presentation_id=presentation.id, person_id=invitation.person_id, expires_at=expires_at))  # fmt: skip
    return invitation, token


async def revoke_invitation(
    session: AsyncSession, actor: Actor, invitation: UploadInvitation, *, event_id: int
) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = dt.datetime.now(dt.UTC)
        record(session, actor, "revoke", invitation, event_id=event_id, summary="Revoked an upload link")
        await session.flush()


async def lock_live_invitation(session: AsyncSession, invitation_id: int, now: dt.datetime) -> bool:
    """Whether the invitation is still live, read again with its row locked until the transaction ends.

    Uploads through one link wait for each other here, so that what they check once their bodies have
    arrived (the link not revoked or expired meanwhile, its quota not used up) stays true until they commit.
    The only write is when the link was last used (not audited: the upload it admits is).
    """
    # An UPDATE locks the row on PostgreSQL and takes SQLite's write lock (SQLite has no SELECT ... FOR
    # UPDATE).
    await session.execute(
        update(UploadInvitation).where(UploadInvitation.id == invitation_id).values(updated_at=now)
    )
    row = (
        await session.execute(
            select(UploadInvitation.revoked_at, UploadInvitation.expires_at, Presentation.deleted_at)
            .join(Presentation, Presentation.id == UploadInvitation.presentation_id)
            .where(UploadInvitation.id == invitation_id)
        )
    ).one_or_none()
    return row is not None and row.revoked_at is None and row.expires_at > now and row.deleted_at is None
