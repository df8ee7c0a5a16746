"""The site revision: every write bumps it in its own transaction, so cached public pages never outlive
the data they show."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from ..models import REVISION_NEUTRAL_TABLES, Material, SiteState


def bump_revision_statement(now: dt.datetime):  # noqa: ANN201
    """Raise the site revision and remember when the next embargoed material is released."""
    next_release = (
        select(func.min(Material.release_at))
        .where(Material.release_at > now, Material.deleted_at.is_(None))
        .scalar_subquery()
    )
    return update(SiteState).values(revision=SiteState.revision + 1, next_release_at=next_release)


# Every write through a session, whoever makes it, bumps the revision in its own transaction, so
# cached public pages can never outlive the data they show: ORM flushes and bulk UPDATE/DELETE/INSERT.
# Writes to tables no public page shows (sign-in sessions, the audit log, ...) leave it alone.
@event.listens_for(Session, "after_flush")
def _bump_revision_on_flush(session: Session, _flush_context) -> None:  # noqa: ANN001
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(type(obj).__table__.name not in REVISION_NEUTRAL_TABLES for obj in changed):
        session.connection().execute(bump_revision_statement(dt.datetime.now(dt.UTC)))


@event.listens_for(Session, "do_orm_execute")
def _bump_revision_on_bulk_write(state: ORMExecuteState):  # noqa: ANN201
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    result = state.invoke_statement()  # first the write, so the next release time is read after it
    if table is None or table.name not in REVISION_NEUTRAL_TABLES:
        state.session.connection().execute(bump_revision_statement(dt.datetime.now(dt.UTC)))
    return result
