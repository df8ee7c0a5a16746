"""One material of an event, for its organisers: its page, settings, versions and deletion
(/manage/events/{event_id}/materials/{material_id})."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Stream, Template

from ....i18n import gettext, record_language_choices
from ....models import Material, MaterialKind
from ....web.deps import Db, SettingsDep, StorageDep
from ....web.forms import Form, parse
from ....web.urls import url
from ...accounts.auth import actor_of, event_access, signed_in
from .. import queries, service
from ..deps import EVENT, MATERIAL, VERSION, EventDep, MaterialDep, VersionDep
from ..forms import DeleteForm, MaterialSettingsForm
from ..public import attachment
from ..uploads import UPLOAD_OPTIONS, upload_and_answer


def _page(request: Request, material: Material) -> str:
    return url(request, "manage_material", event_id=material.event_id, material_id=material.id)


def _release_time(typed: str) -> dt.datetime:
    """The form's time is UTC; one typed with its own offset is converted, never re-labelled."""
    release_at = dt.datetime.fromisoformat(typed)
    if release_at.tzinfo is None:
        release_at = release_at.replace(tzinfo=dt.UTC)
    return release_at.astimezone(dt.UTC)


class MaterialPages(Controller):
    path = "/manage/events/{event_id:int}/materials/{material_id:int}"
    guards = [signed_in, event_access]
    dependencies = {**EVENT, **MATERIAL, **VERSION}
    include_in_schema = False

    @get("", name="manage_material")
    async def material(self, event: EventDep, material: MaterialDep, db: Db) -> Template:
        material = await queries.material_with_versions(db, material)
        return Template(
            "manage/materials/material.html",
            context={
                "event": event,
                "material": material,
                "kinds": list(MaterialKind),
                "languages": record_language_choices(),
            },
        )

    @post("/versions", name="manage_material_replace", **UPLOAD_OPTIONS)
    async def replace(
        self,
        request: Request,
        event: EventDep,
        material: MaterialDep,
        db: Db,
        storage: StorageDep,
        settings: SettingsDep,
    ) -> Response:
        return await upload_and_answer(request, db, storage, settings, actor_of(request), _page(request, material),
                                       event=event, presentation=None, material=material)  # fmt: skip

    @post("/versions/{version_id:int}/restore", name="manage_version_restore")
    async def restore_version(
        self, request: Request, material: MaterialDep, version: VersionDep, db: Db
    ) -> Redirect:
        await service.restore_version(db, actor_of(request), material, version)
        message = gettext("Version %(number)d (%(filename)s) is current again.")
        flash(request, message % {"number": version.number, "filename": version.filename}, category="success")
        return Redirect(_page(request, material), status_code=303)

    @get("/versions/{version_id:int}/file", name="manage_version_file")
    async def version_file(self, version: VersionDep, storage: StorageDep) -> Stream:
        """Any version, public or not, for the event's organisers."""
        return Stream(
            storage.read(version.storage_key),
            media_type=version.content_type,
            headers={
                "Content-Length": str(version.size),
                "X-Content-Type-Options": "nosniff",
                "Content-Disposition": attachment(version.filename),
            },
        )

    @post("/settings", name="manage_material_settings")
    async def update_settings(self, request: Request, material: MaterialDep, data: Form, db: Db) -> Redirect:
        form = parse(data, MaterialSettingsForm)
        release_at = None
        if form.release_at:
            try:
                release_at = _release_time(form.release_at)
            except (ValueError, OverflowError):
                message = gettext("Please give the release time as YYYY-MM-DDTHH:MM (UTC).")
                flash(request, message, category="error")
                return Redirect(_page(request, material), status_code=303)
        await service.update_material(db, actor_of(request), material, title=form.title,
                                      kind=form.kind or material.kind, visibility=form.visibility,
                                      release_at=release_at, language=form.language)  # fmt: skip
        flash(request, gettext("Saved."), category="success")
        return Redirect(_page(request, material), status_code=303)

    @post("/delete", name="manage_material_delete")
    async def delete(self, request: Request, material: MaterialDep, data: Form, db: Db) -> Redirect:
        restore = parse(data, DeleteForm).restore
        await service.set_material_deleted(db, actor_of(request), material, deleted=not restore)
        flash(
            request,
            gettext("Restored.")
            if restore
            else gettext("Deleted; the file is kept and can be restored from this page."),
            category="success",
        )
        return Redirect(_page(request, material), status_code=303)
