"""The audit log: who did what to which record, and when, with before and after values."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template
from sqlalchemy import and_, or_, select

from ...audit import lists_record
from ...models import AuditEntry, LearningEvent, User
from ...web.deps import Db
from ...web.forms import MAX_PAGE
from ..accounts.auth import current_user, signed_in

PAGE_SIZE = 100


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
        statement = select(AuditEntry, User.email).outerjoin(User, User.id == AuditEntry.actor_user_id)
        events_statement = select(LearningEvent.id, LearningEvent.title).order_by(
            LearningEvent.start_date.desc()
        )
        if not viewer.is_staff:  # organisers see the history of their own events
            allowed = viewer.event_ids or frozenset({-1})
            statement = statement.where(AuditEntry.event_id.in_(allowed))
            events_statement = events_statement.where(LearningEvent.id.in_(allowed))
        if event is not None:
            statement = statement.where(AuditEntry.event_id == event)
        if user is not None:
            statement = statement.where(AuditEntry.actor_user_id == user)
        if entity and record is not None:  # the history of one record, e.g. a person of the directory
            # with the entries of bulk writes (a CSV import) that list it among many: few, read in full
            bulk = await db.scalars(select(AuditEntry).where(AuditEntry.entity_id.is_(None)))
            listing = [entry.id for entry in bulk if lists_record(entry.changes, entity, record)]
            statement = statement.where(
                or_(
                    and_(AuditEntry.entity_type == entity, AuditEntry.entity_id == record),
                    AuditEntry.id.in_(listing),
                )
            )
        page = max(page, 1)
        rows = (
            await db.execute(
                statement.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                .limit(PAGE_SIZE + 1)
                .offset((page - 1) * PAGE_SIZE)
            )
        ).all()
        users = (
            (await db.execute(select(User.id, User.email).order_by(User.email))).all()
            if viewer.is_staff
            else []
        )
        return Template(
            "manage/audit.html",
            context={
                "entries": rows[:PAGE_SIZE],
                "has_more": len(rows) > PAGE_SIZE,
                "page": page,
                "events": (await db.execute(events_statement)).all(),
                "users": users,
                "selected_event": event,
                "selected_user": user,
                "selected_record": (entity, record) if entity and record is not None else None,
            },
        )
