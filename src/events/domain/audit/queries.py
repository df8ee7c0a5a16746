"""The audit log's reads: a page of entries filtered by event, author or record, and the filters' choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...audit import lists_record
from ...models import AuditEntry, LearningEvent, User

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditPage:
    entries: list[Any]  # (AuditEntry, author's e-mail or None), newest first
    has_more: bool
    events: list[Any]  # (id, title) of the events the viewer may filter on
    users: list[Any]  # (id, email) of every user, for staff only


async def audit_page(
    session: AsyncSession,
    *,
    visible_events: frozenset[int] | None,
    event: int | None = None,
    user: int | None = None,
    entity: str | None = None,
    record: int | None = None,
    page: int = 1,
) -> AuditPage:
    """A page of the log. ``visible_events`` None shows everything (staff); otherwise only the entries of
    those events (an organiser's own), and no list of users to filter on."""
    statement = select(AuditEntry, User.email).outerjoin(User, User.id == AuditEntry.actor_user_id)
    events_statement = select(LearningEvent.id, LearningEvent.title).order_by(LearningEvent.start_date.desc())
    if visible_events is not None:  # organisers see the history of their own events
        allowed = visible_events or frozenset({-1})
        statement = statement.where(AuditEntry.event_id.in_(allowed))
        events_statement = events_statement.where(LearningEvent.id.in_(allowed))
    if event is not None:
        statement = statement.where(AuditEntry.event_id == event)
    if user is not None:
        statement = statement.where(AuditEntry.actor_user_id == user)
    if entity and record is not None:  # the history of one record, e.g. a person of the directory
        # with the entries of bulk writes (a CSV import) that list it among many: few, read in full
        bulk = await session.scalars(select(AuditEntry).where(AuditEntry.entity_id.is_(None)))
        listing = [entry.id for entry in bulk if lists_record(entry.changes, entity, record)]
        statement = statement.where(
            or_(
                and_(AuditEntry.entity_type == entity, AuditEntry.entity_id == record),
                AuditEntry.id.in_(listing),
            )
        )
    page = max(page, 1)
    rows = (
        await session.execute(
            statement.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        )
    ).all()
    users = (
        (await session.execute(select(User.id, User.email).order_by(User.email))).all()
        if visible_events is None
        else []
    )
    return AuditPage(
        entries=rows[:PAGE_SIZE],
        has_more=len(rows) > PAGE_SIZE,
        events=list((await session.execute(events_statement)).all()),
        users=list(users),
    )
