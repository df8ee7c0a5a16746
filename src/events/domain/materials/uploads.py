"""The upload machinery shared by the management pages and the upload link: a streamed form, each file
checked by content, all kept or none, and the answer for the page or the upload script."""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio
from litestar import Request, Response
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    HTTP_422_UNPROCESSABLE_ENTITY,
)
from sqlalchemy.ext.asyncio import AsyncSession

from ...audit import Actor
from ...config import Settings
from ...i18n import N_, gettext, ngettext
from ...models import LearningEvent, Material, Presentation
from ...storage import Storage
from ...web.csrf import FORM_FIELD, HEADER_NAME, verify_token
from ...web.forms import FormError, parse
from ...web.uploads import receive_form
from . import service
from .filetypes import RefusedType, detect_file, sanitise_filename, stored_filename
from .forms import UploadFields

# Streamed: no body limit from Litestar (ours is enforced while streaming), and the CSRF token is
# checked by the handler once the form's text fields are read.
UPLOAD_OPTIONS: dict[str, Any] = {"request_max_body_size": None, "opt": {"exclude_from_csrf": True}}


class UploadRefused(Exception):
    """Every file of an upload is checked before any is kept; this names the first one refused, with the
    status that says why: 400 nothing to upload (or a field that cannot be read), 415 a type we do not
    take, 422 a file we cannot use, 403 an upload link that stopped working, 413 more than the link's
    quota."""

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
        try:
            fields = parse({name: values[0] for name, values in form.fields.items() if values}, UploadFields)
        except FormError as error:
            raise UploadRefused(
                gettext("%(reason)s Nothing was uploaded.") % {"reason": error.detail}, HTTP_400_BAD_REQUEST
            ) from error
        files = [f for f in form.files if f.filename or f.size]  # browsers send an empty part for "no file"
        if not files:
            raise UploadRefused(gettext("Please choose a file to upload."), HTTP_400_BAD_REQUEST)
        if material is not None and len(files) > 1:
            raise UploadRefused(gettext("A new version is one file; choose just one."))
        checked = []
        for received in files:
            name = sanitise_filename(received.filename)
            if received.size == 0:
                raise UploadRefused(
                    gettext("“%(name)s” is empty (0 bytes); nothing was uploaded.") % {"name": name}
                )
            try:
                kind = await anyio.to_thread.run_sync(detect_file, received.path, name)
            except RefusedType as refused:
                raise UploadRefused(
                    gettext("“%(name)s” was not accepted: %(reason)s Nothing was uploaded.")
                    % {"name": name, "reason": refused},
                    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                ) from refused
            checked.append((received, stored_filename(name, kind), kind))
        if invitation_id is not None:
            await _recheck_invitation(db, invitation_id, [received.size for received, _, _ in checked])
        names = []
        for received, name, kind in checked:
            stored = await storage.adopt(received.path, sha256=received.sha256, size=received.size)
            target = material or await service.new_material(
                db, actor, event=event, presentation=presentation, kind=fields.kind, language=fields.language
            )
            await service.add_version(db, storage, actor, material=target, stored=stored, filename=name,
                                      content_type=kind.content_type, invitation_id=invitation_id)  # fmt: skip
            names.append(name)
        return names
    finally:
        form.discard()  # whatever was not adopted into storage


LINK_ENDED = N_(
    "This upload link stopped working while the file was being sent: it was revoked or it expired. "
    "Nothing was uploaded. Please ask the organisers for a new link."
)


async def _recheck_invitation(db: AsyncSession, invitation_id: int, sizes: list[int]) -> None:
    """Once the body is in: the link may have ended meanwhile, or parallel uploads may have used its quota.
    The link's row stays locked until this upload is stored (or refused), so they cannot overrun it."""
    if not await service.lock_live_invitation(db, invitation_id, dt.datetime.now(dt.UTC)):
        raise UploadRefused(gettext(LINK_ENDED), HTTP_403_FORBIDDEN)
    try:
        await service.check_link_quota(db, invitation_id, files=len(sizes), size=sum(sizes))
    except service.OverQuota as over:
        raise UploadRefused(str(over), HTTP_413_REQUEST_ENTITY_TOO_LARGE) from over


def refused_response(request: Request, refused: UploadRefused, back: str) -> Response:
    """The reason with the refusal's status: as text for the upload script, as a page with the way back."""
    if "application/json" in request.headers.get("accept", ""):
        return Response({"error": str(refused)}, status_code=refused.status_code)
    return Template(
        "public/materials/upload_refused.html",
        context={"message": str(refused), "back": back},
        status_code=refused.status_code,
    )


def uploaded_response(request: Request, names: list[str], back: str) -> Response:
    message = ngettext("Uploaded %(names)s.", "Uploaded %(names)s.", len(names)) % {
        "names": ", ".join(f"“{n}”" for n in names)
    }
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
