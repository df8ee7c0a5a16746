"""Audit entries: every service write calls ``record`` in the same transaction as the change.

A floor shared by every area: it knows the models, nothing above them. ACTIONS names every action an
entry may record, with the label the audit page shows.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..i18n import N_, gettext
from ..models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a signed-in user, or a named channel such as the command line."""

    user_id: int | None = None
    label: str | None = None


COMMAND_LINE = Actor(label="command line")

# Every action an audit entry may record, and how the audit page names it (translated where shown).
ACTIONS: dict[str, str] = {
    "create": N_("Created"),
    "update": N_("Edited"),
    "delete": N_("Deleted"),
    "restore": N_("Restored"),
    "status": N_("Changed the status"),
    "move": N_("Moved"),
    "remove": N_("Removed"),
    "upload": N_("Uploaded a new version"),
    "restore version": N_("Restored an earlier version"),
    "invite": N_("Invited to upload"),
    "revoke": N_("Revoked"),
    "grant": N_("Granted access"),
    "sign in": N_("Signed in"),
    "merge": N_("Merged"),
    "merged": N_("Merged into another record"),
    "merge links": N_("Moved the links of a merged record"),
    "dismiss": N_("Dismissed a suggestion"),
    "import": N_("Imported"),
}


class UnknownAction(ValueError):
    """An audit entry for an action ACTIONS does not name: a programming error, caught by the tests."""


def action_label(action: str) -> str:
    """The audit page's name for an action (entries written before an action was renamed keep theirs)."""
    return gettext(ACTIONS[action]) if action in ACTIONS else action


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _shortened(text: str | None, limit: int) -> str | None:
    """Summaries quote titles, which may be long: the log keeps their start."""
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"


def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    entity: Any,
    *,
    event_id: int | None = None,
    summary: str | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry for ``entity`` (flushed first, so that new rows have their id).

    ``entity`` may be a name instead ("directory"), for a change to many records at once.
    """
    if action not in ACTIONS:
        raise UnknownAction(f"{action!r} is not in audit.ACTIONS")
    entry = AuditEntry(
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        entity_type=entity if isinstance(entity, str) else type(entity).__tablename__,
        entity_id=None if isinstance(entity, str) else getattr(entity, "id", None),
        event_id=event_id,
        summary=_shortened(summary, AuditEntry.__table__.c.summary.type.length),
        changes=changes or {},
    )
    session.add(entry)
    return entry


IDS_LISTED = 1000  # ranges of ids kept per list: the entry stays bounded, its count always complete


def listed_ids(entity_type: str, ids: Iterable[int]) -> dict[str, Any]:
    """Many records of one kind in an entry's changes (a bulk write): their count and ranges of consecutive
    ids, which the log shows and a record's history looks in (``lists_record``)."""
    ranges: list[list[int]] = []
    for id_ in sorted(ids):
        if ranges and ranges[-1][1] == id_ - 1:
            ranges[-1][1] = id_
        else:
            ranges.append([id_, id_])
    listed = {"entity": entity_type, "count": sum(last - first + 1 for first, last in ranges)}
    listed["ids"] = ranges[:IDS_LISTED]
    return listed | ({"more": len(ranges) - IDS_LISTED} if len(ranges) > IDS_LISTED else {})


def lists_record(changes: dict[str, Any], entity_type: str, record_id: int) -> bool:
    """Whether an entry's changes list ``record_id`` among many records (``listed_ids``)."""
    return any(
        isinstance(listed, dict)
        and listed.get("entity") == entity_type
        and any(first <= record_id <= last for first, last in listed.get("ids", []))
        for listed in changes.values()
    )


def created_fields(**fields: Any) -> dict[str, Any]:
    """The after-values of a new record, in the audit log's before/after shape."""
    return {
        name: {"before": None, "after": _plain(value)} for name, value in fields.items() if value is not None
    }


def apply_changes(entity: Any, **fields: Any) -> dict[str, Any]:
    """Set the given fields and return what changed, as {field: {"before": ..., "after": ...}}."""
    changes = {}
    for name, value in fields.items():
        before = getattr(entity, name)
        if before != value:
            setattr(entity, name, value)
            changes[name] = {"before": _plain(before), "after": _plain(value)}
    return changes
