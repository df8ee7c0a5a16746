"""Management of materials: streamed uploads checked by content, versions, links and visibility."""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Stream, Template
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    HTTP_422_UNPROCESSABLE_ENTITY,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ...audit import Actor
from ...config import Settings
from ...models import LearningEvent, Material, MaterialKind, MaterialVersion, Presentation, Visibility
from ...storage import Storage
from ...web.csrf import FORM_FIELD, HEADER_NAME, verify_token
from ...web.deps import Db, SettingsDep, StorageDep
from ...web.forms import Form, form_id
from ...web.uploads import receive_form
from ..accounts.auth import actor_of, event_access, signed_in
from ..accounts.service import lock_live_invitation
from ..events.manage import load_event, load_in_event
from . import service
from .filetypes import RefusedType, detect_file, sanitise_filename, stored_filename
from .public import attachment

# Streamed: no body limit from Litestar (ours is enforced while streaming), and the CSRF token is
# checked by the handler once the form's text fields are read.
UPLOAD_OPTIONS: dict[str, Any] = {"request_max_body_size": None, "opt": {"exclude_from_csrf": True}}


async def load_version(db: AsyncSession, version_id: int, material_id: int) -> MaterialVersion:
    version = await db.scalar(
        select(MaterialVersion).where(
            MaterialVersion.id == version_id, MaterialVersion.material_id == material_id
        )
    )
    if version is None:
        raise NotFoundException("There is no such version.")
    return version


class UploadRefused(Exception):
    """Every file of an upload is checked before any is kept; this names the first one refused, with the
    status that says why: 400 nothing to upload, 415 a type we do not take, 422 a file we cannot use,
    403 an upload link that stopped working, 413 more than the link's quota."""

    def __init__(self, message: str, status_code: int = HTTP_422_UNPROCESSABLE_ENTITY) -> None:
        super().__init__(message)
        self.status_code = status_code


async def store_uploads(
    request: Request,
    db: AsyncSession,
    storage: Storage,
    settings: Settings,
    actor: Actor,
    *,
    event: LearningEvent,
    presentation: Presentation | None,
    material: Material | None = None,
    invitation_id: int | None = None,
) -> list[str]:
    """Receive a streamed form, check each file by content, and record them: new materials, or new
    versions of ``material``. Nothing is kept unless every file is accepted."""
    header_token = request.headers.get(HEADER_NAME)
    if header_token:  # the script sends it in a header: refuse a forgery before reading the body
        verify_token(request, header_token, settings.secret_key)
    # Checks done, the transaction ends here, so that no database connection is held while a large
    # body arrives (slowly, perhaps); the loaded rows stay usable.
    await db.commit()
    form = await receive_form(request, storage.staging_dir, max_bytes=settings.max_upload_bytes)
    try:
        verify_token(request, header_token or (form.fields.get(FORM_FIELD) or [None])[0], settings.secret_key)
        files = [f for f in form.files if f.filename or f.size]  # browsers send an empty part for "no file"
        if not files:
            raise UploadRefused("Please choose a file to upload.", HTTP_400_BAD_REQUEST)
        if material is not None and len(files) > 1:
            raise UploadRefused("A new version is one file; choose just one.")
        checked = []
        for received in files:
            name = sanitise_filename(received.filename)
            if received.size == 0:
                raise UploadRefused(f"“{name}” is empty (0 bytes); nothing was uploaded.")
            try:
                kind = await anyio.to_thread.run_sync(detect_file, received.path, name)
            except RefusedType as refused:
                raise UploadRefused(
                    f"“{name}” was not accepted: {refused} Nothing was uploaded.",
                    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                ) from refused
            checked.append((received, stored_filename(name, kind), kind))
        if invitation_id is not None:
            await _recheck_invitation(db, invitation_id, [received.size for received, _, _ in checked])
        try:
            material_kind = MaterialKind((form.fields.get("kind") or ["slides"])[0])
        except ValueError:
            material_kind = MaterialKind.SLIDES
        names = []
        for received, name, kind in checked:
            stored = await storage.adopt(received.path, sha256=received.sha256, size=received.size)
            target = material or await service.new_material(
                db, actor, event=event, presentation=presentation, kind=material_kind
            )
            await service.add_version(db, storage, actor, material=target, stored=stored, filename=name,
                                      content_type=kind.content_type, invitation_id=invitation_id)  # fmt: skip
            names.append(name)
        return names
    finally:
        form.discard()  # whatever was not adopted into storage


LINK_ENDED = (
    "This upload link stopped working while the file was being sent: it was revoked or it expired. "
    "Nothing was uploaded. Please ask the organisers for a new link."
)


async def _recheck_invitation(db: AsyncSession, invitation_id: int, sizes: list[int]) -> None:
    """Once the body is in: the link may have ended meanwhile, or parallel uploads may have used its quota.
    The link's row stays locked until this upload is stored (or refused), so they cannot overrun it."""
    if not await lock_live_invitation(db, invitation_id, dt.datetime.now(dt.UTC)):
        raise UploadRefused(LINK_ENDED, HTTP_403_FORBIDDEN)
    try:
        await service.check_link_quota(db, invitation_id, files=len(sizes), size=sum(sizes))
    except service.OverQuota as over:
        raise UploadRefused(str(over), HTTP_413_REQUEST_ENTITY_TOO_LARGE) from over


def refused_response(request: Request, refused: UploadRefused, back: str) -> Response:
    """The reason with the refusal's status: as text for the upload script, as a page with the way back."""
    if "application/json" in request.headers.get("accept", ""):
        return Response({"error": str(refused)}, status_code=refused.status_code)
    return Template(
        "upload_refused.html",
        context={"message": str(refused), "back": back},
        status_code=refused.status_code,
    )


def uploaded_response(request: Request, names: list[str], back: str) -> Response:
    message = "Uploaded " + ", ".join(f"“{n}”" for n in names) + "."
    flash(request, message, category="success")  # shown after the redirect, or the script's reload
    if "application/json" in request.headers.get("accept", ""):
        return Response({"uploaded": names, "next": back}, status_code=HTTP_200_OK)
    return Redirect(back, status_code=303)


async def upload_and_answer(
    request: Request,
    db: AsyncSession,
    storage: Storage,
    settings: Settings,
    actor: Actor,
    back: str,
    **targets: Any,
) -> Response:
    """Store an upload (see ``store_uploads``) and answer the page or the upload script."""
    try:
        names = await store_uploads(request, db, storage, settings, actor, **targets)
    except UploadRefused as refused:
        await db.rollback()
        return refused_response(request, refused, back)
    return uploaded_response(request, names, back)


class MaterialManagement(Controller):
    path = "/manage/events/{event_id:int}"
    guards = [signed_in, event_access]
    include_in_schema = False

    @post("/presentations/{presentation_id:int}/materials", name="manage_upload", **UPLOAD_OPTIONS)
    async def upload_to_presentation(
        self,
        request: Request,
        event_id: FromPath[int],
        presentation_id: FromPath[int],
        db: Db,
        storage: StorageDep,
        settings: SettingsDep,
    ) -> Response:
        event = await load_event(db, event_id)
        presentation = await load_in_event(db, Presentation, presentation_id, event_id)
        back = f"/manage/events/{event_id}/presentations/{presentation_id}#materials"
        return await upload_and_answer(
            request,
            db,
            storage,
            settings,
            actor_of(request),
            back,
            event=event,
            presentation=presentation,
        )

    @post("/materials", name="manage_upload_event", **UPLOAD_OPTIONS)
    async def upload_to_event(
        self,
        request: Request,
        event_id: FromPath[int],
        db: Db,
        storage: StorageDep,
        settings: SettingsDep,
    ) -> Response:
        event = await load_event(db, event_id)
        back = f"/manage/events/{event_id}#documents"
        return await upload_and_answer(
            request, db, storage, settings, actor_of(request), back, event=event, presentation=None
        )

    @post("/materials/link", name="manage_link")
    async def add_link(self, request: Request, event_id: FromPath[int], data: Form, db: Db) -> Redirect:
        event = await load_event(db, event_id)
        presentation = None
        if (presentation_id := form_id(data, "presentation_id")) is not None:
            presentation = await load_in_event(db, Presentation, presentation_id, event_id)
        back = (
            f"/manage/events/{event_id}/presentations/{presentation.id}#materials"
            if presentation
            else f"/manage/events/{event_id}#documents"
        )
        url = (data.get("url") or "").strip()
        if not url.startswith(("https://", "http://")):
            flash(request, "A link must start with https:// or http://.", category="error")
            return Redirect(back, status_code=303)
        await service.new_material(db, actor_of(request), event=event, presentation=presentation, kind=MaterialKind.LINK,
                                   title=(data.get("title") or "").strip() or None, external_url=url)  # fmt: skip
        flash(request, "Added the link.", category="success")
        return Redirect(back, status_code=303)

    @get("/materials/{material_id:int}", name="manage_material")
    async def material(self, event_id: FromPath[int], material_id: FromPath[int], db: Db) -> Template:
        event = await load_event(db, event_id)
        material = await db.scalar(
            select(Material)
            .where(Material.id == material_id, Material.event_id == event_id)
            .options(
                selectinload(Material.versions).selectinload(MaterialVersion.uploaded_by),
                selectinload(Material.current_version),
                selectinload(Material.presentation),
            )
        )
        if material is None:
            raise NotFoundException("There is no such material in this event.")
        return Template(
            "manage/material.html",
            context={"event": event, "material": material, "kinds": list(MaterialKind)},
        )

    @post("/materials/{material_id:int}/versions", name="manage_material_replace", **UPLOAD_OPTIONS)
    async def replace(
        self,
        request: Request,
        event_id: FromPath[int],
        material_id: FromPath[int],
        db: Db,
        storage: StorageDep,
        settings: SettingsDep,
    ) -> Response:
        event = await load_event(db, event_id)
        material = await load_in_event(db, Material, material_id, event_id)
        back = f"/manage/events/{event_id}/materials/{material_id}"
        return await upload_and_answer(
            request,
            db,
            storage,
            settings,
            actor_of(request),
            back,
            event=event,
            presentation=None,
            material=material,
        )

    @post("/materials/{material_id:int}/versions/{version_id:int}/restore", name="manage_version_restore")
    async def restore_version(
        self,
        request: Request,
        event_id: FromPath[int],
        material_id: FromPath[int],
        version_id: FromPath[int],
        db: Db,
    ) -> Redirect:
        material = await load_in_event(db, Material, material_id, event_id)
        version = await load_version(db, version_id, material_id)
        await service.restore_version(db, actor_of(request), material, version)
        flash(request, f"Version {version.number} ({version.filename}) is current again.", category="success")
        return Redirect(f"/manage/events/{event_id}/materials/{material_id}", status_code=303)

    @get("/materials/{material_id:int}/versions/{version_id:int}/file", name="manage_version_file")
    async def version_file(
        self,
        event_id: FromPath[int],
        material_id: FromPath[int],
        version_id: FromPath[int],
        db: Db,
        storage: StorageDep,
    ) -> Stream:
        """Any version, public or not, for the event's organisers."""
        await load_in_event(db, Material, material_id, event_id)
        version = await load_version(db, version_id, material_id)
        return Stream(
            storage.read(version.storage_key),
            media_type=version.content_type,
            headers={
                "Content-Length": str(version.size),
                "X-Content-Type-Options": "nosniff",
                "Content-Disposition": attachment(version.filename),
            },
        )

    @post("/materials/{material_id:int}/settings", name="manage_material_settings")
    async def update_settings(
        self,
        request: Request,
        event_id: FromPath[int],
        material_id: FromPath[int],
        data: Form,
        db: Db,
    ) -> Redirect | Template:
        material = await load_in_event(db, Material, material_id, event_id)
        back = f"/manage/events/{event_id}/materials/{material_id}"
        try:
            visibility = Visibility(data.get("visibility", "public"))
            kind = MaterialKind(data.get("kind", material.kind.value))
        except ValueError:
            flash(request, "Please choose one of the offered visibilities and kinds.", category="error")
            return Redirect(back, status_code=303)
        release_at = None
        if (data.get("release_at") or "").strip():
            try:
                release_at = dt.datetime.fromisoformat(data["release_at"].strip())
                # The form's time is UTC; one typed with its own offset is converted, never re-labelled.
                if release_at.tzinfo is None:
                    release_at = release_at.replace(tzinfo=dt.UTC)
                release_at = release_at.astimezone(dt.UTC)
            except (ValueError, OverflowError):
                flash(request, "Please give the release time as YYYY-MM-DDTHH:MM (UTC).", category="error")
                return Redirect(back, status_code=303)
        await service.update_material(db, actor_of(request), material, title=(data.get("title") or "").strip() or None,
                                      kind=kind, visibility=visibility, release_at=release_at)  # fmt: skip
        flash(request, "Saved.", category="success")
        return Redirect(back, status_code=303)

    @post("/materials/{material_id:int}/delete", name="manage_material_delete")
    async def delete(
        self,
        request: Request,
        event_id: FromPath[int],
        material_id: FromPath[int],
        data: Form,
        db: Db,
    ) -> Redirect:
        material = await load_in_event(db, Material, material_id, event_id)
        restore = data.get("restore") == "1"
        await service.set_material_deleted(db, actor_of(request), material, deleted=not restore)
        flash(
            request,
            "Restored." if restore else "Deleted; the file is kept and can be restored from this page.",
            category="success",
        )
        return Redirect(f"/manage/events/{event_id}/materials/{material_id}", status_code=303)
