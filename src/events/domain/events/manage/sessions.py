"""An event's sessions: add, edit, move, delete and restore (/manage/events/{event_id}/sessions)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from ....i18n import gettext, ngettext
from ....web.deps import Db
from ....web.forms import Form, parse
from ....web.urls import url
from ...accounts.auth import actor_of, event_access, signed_in
from .. import queries, service
from ..deps import EVENT_DEPENDENCIES, EventDep, EventSessionDep
from ..forms import MoveForm, SessionForm
from .common import back_to_event, move, organisation_named, set_deleted, title_of

ITEM = "/{session_id:int}"


class SessionManagement(Controller):
    path = "/manage/events/{event_id:int}/sessions"
    guards = [signed_in, event_access]
    dependencies = EVENT_DEPENDENCIES
    include_in_schema = False

    @post("", name="manage_session_create")
    async def create_session(self, request: Request, event: EventDep, data: Form, db: Db) -> Redirect:
        form = parse(data, SessionForm)
        if not form.has_title:
            flash(request, gettext("A session needs a title."), category="error")
            return back_to_event(request, event.id, "sessions")
        actor = actor_of(request)
        host = await organisation_named(db, form.host_organisation, actor)
        added = await service.add_session(
            db, actor, event, title=form.title or "", title_fr=form.title_fr, host_organisation=host,
            description=form.description, description_fr=form.description_fr,
        )  # fmt: skip
        message = gettext("Added the session “%(title)s”.") % {"title": title_of(added)}
        flash(request, message, category="success")
        return back_to_event(request, event.id, "sessions")

    @get(ITEM + "/edit", name="manage_session_edit")
    async def edit_session(self, event: EventDep, event_session: EventSessionDep, db: Db) -> Template:
        host = await queries.host_of(db, event_session)
        return Template(
            "manage/events/session_form.html", context={"event": event, "item": event_session, "host": host}
        )

    @post(ITEM + "/edit", name="manage_session_update")
    async def update_session(
        self, request: Request, event_session: EventSessionDep, data: Form, db: Db
    ) -> Redirect:
        form = parse(data, SessionForm)
        actor = actor_of(request)
        host = await organisation_named(db, form.host_organisation, actor)
        # Without any title the session keeps its own (a title is never emptied by mistake).
        titles = {"title": form.title or "", "title_fr": form.title_fr} if form.has_title else {}
        await service.update_fields(
            db,
            actor,
            event_session,
            event_id=event_session.event_id,
            **titles,
            description=form.description,
            description_fr=form.description_fr,
            host_organisation_id=host.id if host else None,
        )
        flash(request, gettext("Saved the session."), category="success")
        return back_to_event(request, event_session.event_id, "sessions")

    @post(ITEM + "/move", name="manage_session_move")
    async def move_session(
        self, request: Request, event_session: EventSessionDep, data: Form, db: Db
    ) -> Redirect:
        return await move(request, db, event_session, parse(data, MoveForm).step)

    @get(ITEM + "/delete", name="manage_session_confirm")
    async def confirm_delete_session(
        self, request: Request, event: EventDep, event_session: EventSessionDep, db: Db
    ) -> Template:
        count = await queries.live_presentation_count(db, event_session)
        return Template(
            "manage/events/confirm_delete.html",
            context={
                "event": event,
                "what": "session",
                "item": event_session,
                "action": url(
                    request, "manage_session_delete", event_id=event.id, session_id=event_session.id
                ),
                "consequence": ngettext(
                    "Its presentation stays in the event, listed without a session.",
                    "Its %(num)d presentations stay in the event, listed without a session.",
                    count,
                )
                % {"num": count}
                if count
                else None,
            },
        )

    @post(ITEM + "/delete", name="manage_session_delete")
    async def delete_session(self, request: Request, event_session: EventSessionDep, db: Db) -> Redirect:
        return await set_deleted(request, db, event_session, deleted=True)

    @post(ITEM + "/restore", name="manage_session_restore")
    async def restore_session(self, request: Request, event_session: EventSessionDep, db: Db) -> Redirect:
        return await set_deleted(request, db, event_session, deleted=False)
