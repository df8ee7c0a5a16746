"""Writing a plan through the people service's bulk import, and the summary the importer reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ....audit import Actor
from ....i18n import gettext, ngettext
from .. import bulk, service
from ..rules import DirectoryError
from .format import CREATE, PEOPLE, REJECT, SAME, UPDATE, Row
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
        message = (
            gettext("Line %(line)d of the people file: %(reason)s")
            if error.source.kind == PEOPLE
            else gettext("Line %(line)d of the organisations file: %(reason)s")
        )
        raise DirectoryError(message % {"line": error.source.line, "reason": error}) from error
    return summary(plan)


def summary(plan: Plan) -> str:
    people = sum(r.action == CREATE for r in plan.people)
    organisations = sum(r.action == CREATE for r in plan.organisations)
    rejected = len(plan.rows(REJECT))
    counted = {
        "people": ngettext("%(num)d person", "%(num)d people", people) % {"num": people},
        "organisations": ngettext("%(num)d organisation", "%(num)d organisations", organisations)
        % {"num": organisations},
    }
    if people and organisations:
        created = gettext("%(people)s and %(organisations)s") % counted
    elif people or organisations:
        created = counted["people" if people else "organisations"]
    else:
        created = gettext("nothing")
    numbers = {
        "created": created,
        "updated": len(plan.rows(UPDATE)),
        "same": len(plan.rows(SAME)),
        "skipped": ngettext("%(num)d rejected row", "%(num)d rejected rows", rejected) % {"num": rejected},
    }
    if numbers["same"]:
        return (
            gettext("Created %(created)s, updated %(updated)d, left %(same)d unchanged, skipped %(skipped)s.")
            % numbers
        )
    return gettext("Created %(created)s, updated %(updated)d, skipped %(skipped)s.") % numbers
