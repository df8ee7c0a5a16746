"""Speakers upload their own slides through an upload link, without an account (/upload/{token})."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.response import Template

from ...audit import Actor
from ...web.deps import Db, SettingsDep, StorageDep
from ...web.urls import url
from . import queries
from .deps import FILE_IN_REACH, UPLOAD_LINK, MaterialDep, UploadLinkDep
from .uploads import UPLOAD_OPTIONS, upload_and_answer

BY_INVITATION = Actor(label="by invitation")


class UploadLinkPages(Controller):
    path = "/upload/{token:str}"
    dependencies = {**UPLOAD_LINK, **FILE_IN_REACH}
    include_in_schema = False
    opt = {"localized": True}  # a speaker may be sent the French page: /fr/upload/...

    @get("", name="invited_upload")
    async def page(self, link: UploadLinkDep, db: Db) -> Template:
        materials = await queries.materials_in_reach(db, link.invitation, dt.datetime.now(dt.UTC))
        return Template(
            "public/materials/upload_link.html",
            context={
                "invitation": link.invitation,
                "presentation": link.presentation,
                "event": link.event,
                "materials": materials,
                "token": link.token,
            },
        )

    @post("", name="invited_upload_post", **UPLOAD_OPTIONS)
    async def upload(
        self, request: Request, link: UploadLinkDep, db: Db, storage: StorageDep, settings: SettingsDep
    ) -> Response:
        back = url(request, "invited_upload", token=link.token)
        return await upload_and_answer(request, db, storage, settings, BY_INVITATION, back, event=link.event,
                                       presentation=link.presentation, invitation_id=link.invitation.id)  # fmt: skip

    @post("/materials/{material_id:int}", name="invited_replace", **UPLOAD_OPTIONS)
    async def replace(
        self,
        request: Request,
        link: UploadLinkDep,
        material: MaterialDep,
        db: Db,
        storage: StorageDep,
        settings: SettingsDep,
    ) -> Response:
        back = url(request, "invited_upload", token=link.token)
        return await upload_and_answer(request, db, storage, settings, BY_INVITATION, back, event=link.event,
                                       presentation=link.presentation, material=material,
                                       invitation_id=link.invitation.id)  # fmt: skip
