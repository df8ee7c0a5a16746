"""/manage/directory: the directory as CSV files, exported and imported (with a preview to confirm)."""

from __future__ import annotations

import datetime as dt
import secrets

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT

from ....i18n import N_, gettext
from ....web.csrf import FORM_FIELD, HEADER_NAME, cookie_token, verify_token
from ....web.deps import Db, SettingsDep, StorageDep
from ....web.forms import Form
from ....web.uploads import MIB, BadUpload, UploadTooLarge, receive_form
from ....web.urls import url
from ...accounts.auth import actor_of, current_user, staff_only
from ..csv import staging
from ..csv.apply import apply_plan
from ..csv.format import (
    COLUMNS,
    CREATE,
    MAX_IMPORT_BYTES,
    REJECT,
    SAME,
    UPDATE,
    ImportRefused,
    export_organisations,
    export_people,
)
from ..csv.plan import Plan, build_plan
from ..rules import DirectoryError

SHOWN_PER_GROUP = 200
GROUPS = [
    (
        REJECT,
        N_("Rejected rows"),
        N_("They are skipped whole; correct them in the file and import it again."),
    ),
    (
        CREATE,
        N_("New records"),
        N_(
            "New records keep the web address (slug) of the file when it is free, else get one from their name."
        ),
    ),
    (
        UPDATE,
        N_("Records that will change"),
        N_("Matched to a record of the directory; the fields shown change."),
    ),
    (SAME, N_("Records already up to date"), N_("Matched to a record that already holds the same values.")),
]


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _attachment(data: bytes, what: str) -> Response:
    filename = f"{what}-{dt.date.today().isoformat()}.csv"
    return Response(
        data,
        media_type="text/csv",  # Litestar adds "; charset=utf-8"
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # private e-mail addresses
            "X-Content-Type-Options": "nosniff",
        },
    )


def _form_token(request: Request) -> str | None:
    """The upload route is outside the CSRF middleware, which gives every other page its forms' token:
    the pages it answers with carry the one the middleware would give, the cookie's own value."""
    return cookie_token(request)


def _form(message: str | None = None, status: int = HTTP_200_OK, form_token: str | None = None) -> Template:
    return Template(
        "manage/people/directory_import.html",
        context={
            "error": message,
            "limit_mb": MAX_IMPORT_BYTES // MIB,
            "columns": COLUMNS,
            "form_token": form_token,
        },
        status_code=status,
    )


def _refused(request: Request, message: str, status: int) -> Response:
    if _wants_json(request):  # the upload script shows it under the progress bar
        return Response({"error": message}, status_code=status)
    return _form(message, status, _form_token(request))


def _preview(
    plan: Plan,
    token: str,
    *,
    notice: str | None = None,
    status: int = HTTP_200_OK,
    form_token: str | None = None,
) -> Template:
    return Template(
        "manage/people/directory_preview.html",
        context={
            "plan": plan,
            "token": token,
            "notice": notice,
            "shown": SHOWN_PER_GROUP,
            "groups": [(action, title, hint, plan.rows(action)) for action, title, hint in GROUPS],
            "form_token": form_token,
        },
        status_code=status,
    )


def _gone(request: Request, status: int) -> Redirect:
    flash(
        request,
        gettext("That import is no longer waiting: it was applied, cancelled or has expired."),
        category="error",
    )
    return Redirect(url(request, "manage_directory_import"), status_code=status)


class DirectoryFiles(Controller):
    path = "/manage/directory"
    guards = [staff_only]
    include_in_schema = False

    @get("/people.csv", name="manage_directory_people_csv")
    async def people_csv(self, db: Db) -> Response:
        return _attachment(await export_people(db), "people")

    @get("/organisations.csv", name="manage_directory_organisations_csv")
    async def organisations_csv(self, db: Db) -> Response:
        return _attachment(await export_organisations(db), "organisations")

    @get("/import", name="manage_directory_import")
    async def import_form(self) -> Template:
        return _form()

    # Streamed into the staging folder: Litestar's body limit is off (ours applies while streaming) and
    # the CSRF token is checked here once the form's text fields are read (see web/uploads.py). Reading
    # the files (up to 20 MB of CSV) and every other touch of the disk run in a worker thread.
    @post(
        "/import",
        name="manage_directory_upload",
        status_code=HTTP_200_OK,
        request_max_body_size=None,
        opt={"exclude_from_csrf": True},
    )
    async def upload(self, request: Request, db: Db, storage: StorageDep, settings: SettingsDep) -> Response:
        header_token = request.headers.get(HEADER_NAME)
        if header_token:  # the script sends it in a header: refuse a forgery before reading the body
            verify_token(request, header_token, settings.secret_key)
        limit = min(settings.max_upload_bytes, MAX_IMPORT_BYTES)
        try:
            form = await receive_form(request, storage.staging_dir, max_bytes=limit, max_files=2)
        except (BadUpload, UploadTooLarge) as error:
            return _refused(request, error.detail, error.status_code)
        try:
            verify_token(
                request, header_token or (form.fields.get(FORM_FIELD) or [None])[0], settings.secret_key
            )
            files = [
                f for f in form.files if f.filename or f.size
            ]  # browsers send an empty part for "no file"
            tables = await to_thread.run_sync(staging.read_uploads, [(f.filename, f.path) for f in files])
            token = secrets.token_hex(16)
            folder = staging.folder_of(storage, current_user(request).id, token)
            await to_thread.run_sync(staging.stage, folder, [f.path for f in files], tables)
        except ImportRefused as refused:
            return _refused(request, str(refused), HTTP_400_BAD_REQUEST)
        finally:
            await to_thread.run_sync(form.discard)  # whatever was not moved into the import's folder
        await to_thread.run_sync(staging.forget_old_imports, storage)
        if _wants_json(request):
            return Response(
                {"next": url(request, "manage_directory_preview", token=token)}, status_code=HTTP_200_OK
            )
        return _preview(await build_plan(db, tables), token, form_token=_form_token(request))

    @get("/import/{token:str}", name="manage_directory_preview")
    async def preview(self, request: Request, token: FromPath[str], db: Db, storage: StorageDep) -> Response:
        folder = staging.folder_of(storage, current_user(request).id, token)
        if not await to_thread.run_sync(staging.is_staged, folder):
            return _gone(request, 302)
        tables = await to_thread.run_sync(staging.staged_tables, folder)
        return _preview(await build_plan(db, tables), token)

    @post("/import/{token:str}", name="manage_directory_confirm")
    async def confirm(
        self, request: Request, token: FromPath[str], data: Form, db: Db, storage: StorageDep
    ) -> Response:
        folder = staging.folder_of(storage, current_user(request).id, token)
        claimed = folder and await to_thread.run_sync(staging.claim, folder)
        if not claimed:
            return _gone(request, 303)
        try:
            plan = await build_plan(db, await to_thread.run_sync(staging.staged_tables, claimed))
            if plan.digest != data.get("digest"):
                staging.release(claimed)
                notice = gettext(
                    "The directory changed since this preview was made: here it is again. Check it and confirm."
                )
                return _preview(plan, token, notice=notice, status=HTTP_409_CONFLICT)
            message = await apply_plan(db, actor_of(request), plan)
            await db.commit()  # the file is deleted only once the import is written for good
        except DirectoryError as error:
            await db.rollback()  # nothing of the import is kept
            staging.release(claimed)
            flash(request, gettext("Nothing was imported. %(reason)s") % {"reason": error}, category="error")
            return Redirect(url(request, "manage_directory_preview", token=token), status_code=303)
        except BaseException:
            staging.release(claimed)  # the transaction rolls back: the import can be tried again
            raise
        await to_thread.run_sync(staging.remove, claimed)
        flash(request, message, category="success")
        return Redirect(url(request, "manage_directory_import"), status_code=303)

    @post("/import/{token:str}/cancel", name="manage_directory_cancel")
    async def cancel(self, request: Request, token: FromPath[str], storage: StorageDep) -> Redirect:
        folder = staging.folder_of(storage, current_user(request).id, token)
        if not await to_thread.run_sync(staging.is_staged, folder):
            return _gone(request, 303)
        await to_thread.run_sync(staging.remove, folder)
        flash(request, gettext("Import cancelled; the uploaded file is deleted."), category="success")
        return Redirect(url(request, "manage_directory_import"), status_code=303)
