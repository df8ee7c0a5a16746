"""Organisers add files and links to an event or one of its presentations (under /manage/events/{id})."""

from __future__ import annotations

from litestar import Controller, Request, Response, post
from litestar.plugins.flash import flash
from litestar.response import Redirect

from ....i18n import gettext
from ....models import LearningEvent, MaterialKind, Presentation
from ....web.deps import Db, SettingsDep, StorageDep
from ....web.forms import Form, parse
from ....web.urls import url
from ...accounts.auth import actor_of, event_access, signed_in
from .. import service
from ..deps import EVENT, PRESENTATION, EventDep, PresentationDep, load_presentation
from ..forms import LinkForm
from ..uploads import UPLOAD_OPTIONS, upload_and_answer


def _back(request: Request, event: LearningEvent, presentation: Presentation | None) -> str:
    """Where an upload leads back to: the presentation's files, or the event's documents."""
    if presentation is not None:
        return (
            url(request, "manage_presentation", event_id=event.id, presentation_id=presentation.id)
            + "#materials"
        )
    return url(request, "manage_event", event_id=event.id) + "#documents"


class MaterialUploads(Controller):
    path = "/manage/events/{event_id:int}"
    guards = [signed_in, event_access]
    dependencies = {**EVENT, **PRESENTATION}
    include_in_schema = False

    @post("/presentations/{presentation_id:int}/materials", name="manage_upload", **UPLOAD_OPTIONS)
    async def upload_to_presentation(
        self,
        request: Request,
        event: EventDep,
        presentation: PresentationDep,
        db: Db,
        storage: StorageDep,
        settings: SettingsDep,
    ) -> Response:
        back = _back(request, event, presentation)
        return await upload_and_answer(request, db, storage, settings, actor_of(request), back,
                                       event=event, presentation=presentation)  # fmt: skip

    @post("/materials", name="manage_upload_event", **UPLOAD_OPTIONS)
    async def upload_to_event(
        self, request: Request, event: EventDep, db: Db, storage: StorageDep, settings: SettingsDep
    ) -> Response:
        back = _back(request, event, None)
        return await upload_and_answer(request, db, storage, settings, actor_of(request), back,
                                       event=event, presentation=None)  # fmt: skip

    @post("/materials/link", name="manage_link")
    async def add_link(self, request: Request, event: EventDep, data: Form, db: Db) -> Redirect:
        form = parse(data, LinkForm)
        presentation = None
        if form.presentation_id is not None:
            presentation = await load_presentation(db, event, form.presentation_id)
        back = _back(request, event, presentation)
        if not form.url.startswith(("https://", "http://")):
            flash(request, gettext("A link must start with https:// or http://."), category="error")
            return Redirect(back, status_code=303)
        await service.new_material(db, actor_of(request), event=event, presentation=presentation,
                                   kind=MaterialKind.LINK, title=form.title, external_url=form.url)  # fmt: skip
        flash(request, gettext("Added the link."), category="success")
        return Redirect(back, status_code=303)
