"""Speakers upload their own slides through an invitation link, without an account (/upload/{token})."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import selectinload

from ...audit import Actor
from ...models import LearningEvent, Material, MaterialVersion, UploadInvitation
from ...web.deps import Db, SettingsDep, StorageDep
from ..accounts.service import valid_invitation
from .manage import UPLOAD_OPTIONS, upload_and_answer

NOT_VALID = "This upload link is not valid: it may have expired or been revoked. Please ask the organisers for a new one."


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


class InvitedUpload(Controller):
    path = "/upload/{token:str}"
    include_in_schema = False

    async def _context(self, db: Db, token: str):  # noqa: ANN202
        invitation = await valid_invitation(db, token, dt.datetime.now(dt.UTC))
        if invitation is None:
            raise NotFoundException(NOT_VALID)
        event = await db.get_one(LearningEvent, invitation.presentation.event_id)
        return invitation, event

    @get("", name="invited_upload")
    async def page(self, token: FromPath[str], db: Db) -> Template:
        invitation, event = await self._context(db, token)
        materials = list(
            await db.scalars(
                select(Material)
                .where(*within_reach(invitation, dt.datetime.now(dt.UTC)))
                .options(selectinload(Material.current_version))
                .order_by(Material.position)
            )
        )
        return Template(
            "invited_upload.html",
            context={
                "invitation": invitation,
                "presentation": invitation.presentation,
                "event": event,
                "materials": materials,
                "token": token,
            },
        )

    @post("", name="invited_upload_post", **UPLOAD_OPTIONS)
    async def upload(
        self, request: Request, token: FromPath[str], db: Db, storage: StorageDep, settings: SettingsDep
    ) -> Response:
        invitation, event = await self._context(db, token)
        actor = Actor(label="by invitation")
        return await upload_and_answer(request, db, storage, settings, actor, f"/upload/{token}",
                                       event=event, presentation=invitation.presentation, invitation_id=invitation.id)  # fmt: skip

    @post("/materials/{material_id:int}", name="invited_replace", **UPLOAD_OPTIONS)
    async def replace(
        self,
        request: Request,
        token: FromPath[str],
        material_id: FromPath[int],
        db: Db,
        storage: StorageDep,
        settings: SettingsDep,
    ) -> Response:
        invitation, event = await self._context(db, token)
        material = await db.scalar(
            select(Material).where(
                Material.id == material_id,
                Material.external_url.is_(None),  # a link is not replaced by a file
                *within_reach(invitation, dt.datetime.now(dt.UTC)),
            )
        )
        if material is None:
            raise NotFoundException("This link does not reach that file.")
        return await upload_and_answer(request, db, storage, settings, Actor(label="by invitation"), f"/upload/{token}",
                                       event=event, presentation=invitation.presentation, material=material, invitation_id=invitation.id)  # fmt: skip
