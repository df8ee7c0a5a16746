"""The audit log: who did what to which record, and when, with before and after values (/manage/audit)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from ...i18n import N_
from ...web.deps import Db
from ...web.forms import MAX_PAGE
from ..accounts.auth import current_user, signed_in
from .queries import audit_page

# The kinds of record the log names (translated where shown); another shows its table's name.
RECORD_KINDS = {
    "duplicate_suggestion": N_("duplicate suggestion"),
    "user_account": N_("user account"),
    "event_grant": N_("event grant"),
    "upload_invitation": N_("upload invitation"),
    "organisation": N_("organisation"),
    "person": N_("person"),
    "material": N_("material"),
    "material_version": N_("material version"),
    "topic": N_("topic"),
    "learning_event": N_("learning event"),
    "event_session": N_("session"),
    "presentation": N_("presentation"),
    "speaker_link": N_("speaker"),
}


class AuditLog(Controller):
    path = "/manage/audit"
    guards = [signed_in]
    include_in_schema = False

    @get("", name="manage_audit")
    async def index(
        self,
        request: Request,
        db: Db,
        event: FromQuery[int | None] = None,
        user: FromQuery[int | None] = None,
        entity: FromQuery[str | None] = None,
        record: FromQuery[int | None] = None,
        page: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 1,
    ) -> Template:
        viewer = current_user(request)
        found = await audit_page(
            db,
            visible_events=None if viewer.is_staff else viewer.event_ids,
            event=event,
            user=user,
            entity=entity,
            record=record,
            page=page,
        )
        selected_record = (entity, record) if entity and record is not None else None
        filters = {"event": event, "user": user}
        if selected_record:
            filters |= {"entity": entity, "record": record}
        return Template(
            "manage/audit/log.html",
            context={
                "entries": found.entries,
                "has_more": found.has_more,
                "page": page,
                "filters": filters,
                "events": found.events,
                "users": found.users,
                "selected_event": event,
                "selected_user": user,
                "selected_record": selected_record,
                "record_kinds": RECORD_KINDS,
            },
        )
