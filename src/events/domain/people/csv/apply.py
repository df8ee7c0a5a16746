"""Writing a plan through the people service's bulk import, and the summary the importer reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ....audit import Actor
from .. import bulk, service
from ..rules import DirectoryError
from .format import CREATE, REJECT, SAME, UPDATE, Row
from .matching import node
from .plan import Plan


def _changes(plan: Plan) -> tuple[list[bulk.Change], list[bulk.Change]]:
    """The plan as the people service's bulk import takes it: what to create, and what changes."""
    rows = [row for row in [*plan.organisations, *plan.people] if row.action in (CREATE, UPDATE)]
    changes = {row: bulk.Change({}, record=row.target, source=row) for row in rows}

    def reference(value: Any) -> Any:  # an organisation cell: an id, None, or a new organisation's Change
        found = node(value)
        return changes[found] if isinstance(found, Row) else found

    for row, change in changes.items():
        change.fields = {k: reference(v) if k.endswith("_id") else v for k, v in row.fields.items()}
        if row.action == CREATE:
            change.fields["slug"] = row.values.get("slug") or None
    return (
        [changes[row] for row in plan.organisations if row in changes],
        [changes[row] for row in plan.people if row in changes],
    )


async def apply_plan(session: AsyncSession, actor: Actor, plan: Plan) -> str:
    """Write the plan through the people service, in bulk; returns the summary for the person importing.

    Raises DirectoryError (naming the line) if the service refuses a row after all: the caller then
    rolls the whole import back.
    """
    try:
        with bulk.paused_gc():
            organisations, people = _changes(plan)
            await service.import_directory(session, actor, organisations=organisations, people=people)
    except bulk.RecordRefused as error:
        raise DirectoryError(f"Line {error.source.line} of the {error.source.kind} file: {error}") from error
    return summary(plan)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def summary(plan: Plan) -> str:
    created = [
        _count(count, one, many)
        for count, one, many in (
            (sum(r.action == CREATE for r in plan.people), "person", "people"),
            (sum(r.action == CREATE for r in plan.organisations), "organisation", "organisations"),
        )
        if count
    ]
    message = f"Created {' and '.join(created) or 'nothing'}, updated {len(plan.rows(UPDATE))}"
    if plan.rows(SAME):
        message += f", left {len(plan.rows(SAME))} unchanged"
    return message + f", skipped {_count(len(plan.rows(REJECT)), 'rejected row', 'rejected rows')}."
