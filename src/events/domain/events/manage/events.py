"""The events one manages (/manage), a new event, and an event's page, details and status."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from ....i18n import N_, gettext, record_language_choices
from ....models import EventStatus, User
from ....web.deps import Db
from ....web.forms import Form, parse
from ...accounts.auth import actor_of, current_user, event_access, signed_in
from ...accounts.service import set_grant
from .. import queries, service
from ..deps import EVENT_DEPENDENCIES, EventDep
from ..forms import EventForm, StatusForm
from .common import back_to_event, title_of

FORM = "manage/events/event_form.html"

DONE = {
    "published": N_("Published: the event page is public now."),
    "draft": N_("Unpublished: the event is a draft again, hidden from the public."),
    "archived": N_("Archived: the event stays public, marked as archived."),
}


def _form(event: object, values: dict, errors: dict[str, str], status_code: int = 200) -> Template:
    """The event form (new or edit), with the languages an event may be in."""
    context = {"event": event, "values": values, "errors": errors, "languages": record_language_choices()}
    return Template(FORM, context=context, status_code=status_code)


class EventManagement(Controller):
    path = "/manage"
    guards = [signed_in]
    dependencies = EVENT_DEPENDENCIES
    include_in_schema = False

    @get("", name="manage_home")
    async def index(self, request: Request, db: Db) -> Template:
        events = await queries.events_managed_by(db, current_user(request))
        return Template("manage/events/events.html", context={"events": events})

    @get("/events/new", name="manage_event_new")
    async def new_event(self) -> Template:
        return _form(None, {}, {})

    @post("/events/new", name="manage_event_create")
    async def create_event(self, request: Request, data: Form, db: Db) -> Template | Redirect:
        form = parse(data, EventForm)
        fields, errors = form.fields()
        if errors:
            return _form(None, form.values(), errors, status_code=400)
        actor = actor_of(request)
        event = await service.create_event(db, actor, **fields)
        user = current_user(request)
        if not user.is_staff:  # whoever sets an event up organises it
            user_row = await db.get_one(User, user.id)
            await set_grant(db, actor, user_row, event, granted=True)
        message = gettext("Created the draft event “%(title)s”. Add its sessions and presentations below.")
        flash(request, message % {"title": title_of(event)}, category="success")
        return back_to_event(request, event.id)

    @get("/events/{event_id:int}", name="manage_event", guards=[event_access])
    async def event(self, event: EventDep, db: Db) -> Template:
        overview = await queries.event_overview(db, event)
        return Template(
            "manage/events/event.html",
            context={
                "event": event,
                "sessions": overview.sessions,
                "presentations": overview.presentations,
                "event_materials": overview.event_materials,
                "checklist": overview.checklist,
                "languages": record_language_choices(),
            },
        )

    @get("/events/{event_id:int}/edit", name="manage_event_edit", guards=[event_access])
    async def edit_event(self, event: EventDep) -> Template:
        values = {name: getattr(event, name) for name in service.EDITABLE_EVENT_FIELDS}
        return _form(event, values, {})

    @post("/events/{event_id:int}/edit", name="manage_event_update", guards=[event_access])
    async def update_event(
        self, request: Request, event: EventDep, data: Form, db: Db
    ) -> Template | Redirect:
        form = parse(data, EventForm)
        fields, errors = form.fields()
        if errors:
            return _form(event, form.values(), errors, status_code=400)
        await service.update_event(db, actor_of(request), event, **fields)
        flash(request, gettext("Saved the event."), category="success")
        return back_to_event(request, event.id)

    @post("/events/{event_id:int}/status", name="manage_event_status", guards=[event_access])
    async def set_status(self, request: Request, event: EventDep, data: Form, db: Db) -> Redirect:
        form = parse(data, StatusForm)
        try:
            status = EventStatus(form.status)
        except ValueError as error:
            raise NotFoundException(gettext("No such status.")) from error
        if status is not event.status:
            await service.set_event_status(db, actor_of(request), event, status)
            flash(request, gettext(DONE[status.value]), category="success")
        return back_to_event(request, event.id)
