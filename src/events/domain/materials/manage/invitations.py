"""Upload links for a presentation's speakers: create one, revoke one
(/manage/events/{event_id}/presentations/{presentation_id}/invitations)."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy import select

from ....i18n import gettext
from ....models import Person, SpeakerLink, UploadInvitation
from ....web.deps import Db, SettingsDep
from ....web.forms import Form, parse, read_date
from ....web.urls import url
from ...accounts.auth import actor_of, event_access, signed_in
from ...events.deps import EVENT_DEPENDENCIES, EventDep, PresentationDep
from .. import service
from ..forms import InvitationForm


class InvitationManagement(Controller):
    path = "/manage/events/{event_id:int}/presentations/{presentation_id:int}/invitations"
    guards = [signed_in, event_access]
    dependencies = EVENT_DEPENDENCIES
    include_in_schema = False

    @post("", name="manage_invitation_create", status_code=200)
    async def create_invitation(
        self,
        request: Request,
        event: EventDep,
        presentation: PresentationDep,
        data: Form,
        db: Db,
        settings: SettingsDep,
    ) -> Template | Redirect:
        form = parse(data, InvitationForm)
        person = None
        if form.person_id is not None:
            person = await db.scalar(
                select(Person).join(SpeakerLink, SpeakerLink.person_id == Person.id)
                .where(SpeakerLink.presentation_id == presentation.id, Person.id == form.person_id)
            )  # fmt: skip
        errors: dict[str, str] = {}
        until = read_date(form.expires_on, "expires_on", errors, required=True)
        back = url(request, "manage_presentation", event_id=event.id, presentation_id=presentation.id)
        back += "#invitations"
        if errors or until is None:
            flash(request, gettext("Please choose until when the link is valid."), category="error")
            return Redirect(back)
        expires_at = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)
        try:
            invitation, token = await service.create_invitation(
                db, actor_of(request), presentation, expires_at=expires_at, person=person
            )
        except service.InvitationError as error:
            flash(request, str(error), category="error")
            return Redirect(back)
        # The link is shown once, here; only a hash of its token is kept.
        return Template(
            "manage/materials/invitation_created.html",
            context={
                "event": event,
                "item": presentation,
                "person": person,
                "invitation": invitation,
                "link": settings.public_url + url(request, "invited_upload", token=token),
            },
        )

    @post("/{invitation_id:int}/revoke", name="manage_invitation_revoke")
    async def revoke_invitation(
        self, request: Request, presentation: PresentationDep, invitation_id: FromPath[int], db: Db
    ) -> Redirect:
        invitation = await db.scalar(
            select(UploadInvitation).where(
                UploadInvitation.id == invitation_id, UploadInvitation.presentation_id == presentation.id
            )
        )
        if invitation is None:
            raise NotFoundException(gettext("There is no such upload link."))
        event_id = presentation.event_id
        await service.revoke_invitation(db, actor_of(request), invitation, event_id=event_id)
        flash(request, gettext("Revoked the upload link: it no longer works."), category="success")
        path = url(request, "manage_presentation", event_id=event_id, presentation_id=presentation.id)
        return Redirect(path + "#invitations")
