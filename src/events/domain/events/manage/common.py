"""What the events area's management controllers share: moving and deleting entries, organisations typed
by name, and where to go back to."""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.plugins.flash import flash
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from ....audit import Actor
from ....i18n import gettext
from ....models import EventSession, Organisation, Presentation
from ....web.templating import in_language
from ....web.urls import url
from ...accounts.auth import actor_of
from ...people import queries as people_queries
from ...people import service as people
from .. import service


def back_to_event(request: Request, event_id: int, anchor: str = "") -> Redirect:
    """To the event's management page, at `anchor` (a section's or entry's id)."""
    return Redirect(url(request, "manage_event", event_id=event_id) + (f"#{anchor}" if anchor else ""))


def title_of(record: object) -> str:
    """A record's title in the language spoken now (else the other one), for a message."""
    return str(in_language(record, "title"))


def anchor(item: EventSession | Presentation) -> str:
    return f"{'session' if isinstance(item, EventSession) else 'presentation'}-{item.id}"


async def move(request: Request, db: AsyncSession, item: EventSession | Presentation, step: int) -> Redirect:
    await service.move(db, actor_of(request), item, event_id=item.event_id, step=step)
    return back_to_event(request, item.event_id, anchor(item))


async def set_deleted(
    request: Request, db: AsyncSession, item: EventSession | Presentation, *, deleted: bool
) -> Redirect:
    """Soft delete or restore a session or presentation; either can be undone from the event's page."""
    await service.set_deleted(db, actor_of(request), item, event_id=item.event_id, deleted=deleted)
    if deleted:
        message = gettext("Deleted “%(title)s”. You can restore it below.")
        flash(request, message % {"title": title_of(item)}, category="success")
        return back_to_event(request, item.event_id, "deleted")
    flash(request, gettext("Restored “%(title)s”.") % {"title": title_of(item)}, category="success")
    return back_to_event(request, item.event_id, anchor(item))


async def organisation_named(db: AsyncSession, value: str | None, actor: Actor) -> Organisation | None:
    """An organisation typed by name or acronym (created if it is new); digits are a name, never an id,
    and a name without a letter is refused (400)."""
    if not value:
        return None
    try:
        return await people_queries.organisation_named(db, value) or await people.create_organisation(
            db, actor, name=value
        )
    except people.DirectoryError as error:
        raise ValidationException(str(error)) from None
