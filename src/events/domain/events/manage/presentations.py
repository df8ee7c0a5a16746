"""An event's presentations: add, show, edit, move, delete and restore
(/manage/events/{event_id}/presentations)."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from ....i18n import gettext, record_language_choices
from ....models import EventSession
from ....web.deps import Db
from ....web.forms import Form, parse
from ....web.urls import url
from ...accounts.auth import actor_of, event_access, signed_in
from ...people import queries as people_queries
from .. import queries, service
from ..deps import EVENT_DEPENDENCIES, EventDep, PresentationDep, load_in_event
from ..forms import MoveForm, PresentationForm
from .common import back_to_event, move, set_deleted, title_of

ITEM = "/{presentation_id:int}"


class PresentationManagement(Controller):
    path = "/manage/events/{event_id:int}/presentations"
    guards = [signed_in, event_access]
    dependencies = EVENT_DEPENDENCIES
    include_in_schema = False

    @post("", name="manage_presentation_create")
    async def create_presentation(self, request: Request, event: EventDep, data: Form, db: Db) -> Redirect:
        form = parse(data, PresentationForm)
        if not form.has_title:
            flash(request, gettext("A presentation needs a title."), category="error")
            return back_to_event(request, event.id, "presentations")
        event_session = None
        if form.session_id is not None:
            event_session = await load_in_event(db, EventSession, form.session_id, event.id)
        presentation = await service.add_presentation(
            db,
            actor_of(request),
            event,
            title=form.title or "",
            title_fr=form.title_fr,
            event_session=event_session,
            abstract=form.abstract,
            abstract_fr=form.abstract_fr,
        )
        message = gettext("Added “%(title)s”. Now add its speakers and slides.")
        flash(request, message % {"title": title_of(presentation)}, category="success")
        return Redirect(
            url(request, "manage_presentation", event_id=event.id, presentation_id=presentation.id)
        )

    @get(ITEM, name="manage_presentation")
    async def presentation_page(
        self, event: EventDep, presentation: PresentationDep, db: Db, q: FromQuery[str | None] = None
    ) -> Template:
        item = await queries.with_speakers_and_materials(db, presentation)
        return Template(
            "manage/events/presentation.html",
            context={
                "event": event,
                "item": item,
                "sessions": await queries.live_sessions(db, event),
                "q": q or "",
                "matches": await people_queries.search_people(db, q) if q else [],
                "invitations": await queries.invitations_of(db, item),
                "now": dt.datetime.now(dt.UTC),
                "default_expiry": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
                "languages": record_language_choices(),
            },
        )

    @post(ITEM + "/edit", name="manage_presentation_update")
    async def update_presentation(
        self, request: Request, presentation: PresentationDep, data: Form, db: Db
    ) -> Redirect:
        form = parse(data, PresentationForm)
        event_id = presentation.event_id
        if form.session_id is not None:
            await load_in_event(db, EventSession, form.session_id, event_id)
        # Without any title the presentation keeps its own (a title is never emptied by mistake).
        titles = {"title": form.title or "", "title_fr": form.title_fr} if form.has_title else {}
        await service.update_fields(
            db,
            actor_of(request),
            presentation,
            event_id=event_id,
            **titles,
            abstract=form.abstract,
            abstract_fr=form.abstract_fr,
            session_id=form.session_id,
        )
        flash(request, gettext("Saved the presentation."), category="success")
        return Redirect(
            url(request, "manage_presentation", event_id=event_id, presentation_id=presentation.id)
        )

    @post(ITEM + "/move", name="manage_presentation_move")
    async def move_presentation(
        self, request: Request, presentation: PresentationDep, data: Form, db: Db
    ) -> Redirect:
        return await move(request, db, presentation, parse(data, MoveForm).step)

    @get(ITEM + "/delete", name="manage_presentation_confirm")
    async def confirm_delete_presentation(
        self, request: Request, event: EventDep, presentation: PresentationDep
    ) -> Template:
        return Template(
            "manage/events/confirm_delete.html",
            context={
                "event": event,
                "what": "presentation",
                "item": presentation,
                "action": url(
                    request, "manage_presentation_delete", event_id=event.id, presentation_id=presentation.id
                ),
                "consequence": gettext("Its slides leave the public page with it."),
            },
        )

    @post(ITEM + "/delete", name="manage_presentation_delete")
    async def delete_presentation(self, request: Request, presentation: PresentationDep, db: Db) -> Redirect:
        return await set_deleted(request, db, presentation, deleted=True)

    @post(ITEM + "/restore", name="manage_presentation_restore")
    async def restore_presentation(self, request: Request, presentation: PresentationDep, db: Db) -> Redirect:
        return await set_deleted(request, db, presentation, deleted=False)
