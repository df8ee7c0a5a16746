"""What the materials handlers load from their path, 404 inside.

Each loader depends on the one before it (presentation and material on event, version on material):
Litestar resolves the dependencies of one level concurrently, and one database session runs one
statement at a time (two loaders that each depend only on `db` answer a 500 when a handler asks for
both: "concurrent operations are not permitted").
The event loaders come from events/deps.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from ...i18n import N_, gettext
from ...models import LearningEvent, Material, MaterialVersion, Presentation, UploadInvitation
from ...web.deps import Db
from ..events.deps import load_event, load_in_event
from . import queries

EventDep = NamedDependency[LearningEvent]
PresentationDep = NamedDependency[Presentation]
MaterialDep = NamedDependency[Material]
VersionDep = NamedDependency[MaterialVersion]

NOT_VALID = N_(
    "This upload link is not valid: it may have expired or been revoked. Please ask the organisers for a new one."
)


async def provide_event(event_id: FromPath[int], db: Db) -> LearningEvent:
    return await load_event(db, event_id)


async def load_presentation(db: AsyncSession, event: LearningEvent, presentation_id: int) -> Presentation:
    """A presentation of the event, or 404 (for an id that a form names rather than the path)."""
    return await load_in_event(db, Presentation, presentation_id, event.id)


async def provide_presentation(event: EventDep, presentation_id: FromPath[int], db: Db) -> Presentation:
    return await load_presentation(db, event, presentation_id)


async def provide_material(event: EventDep, material_id: FromPath[int], db: Db) -> Material:
    return await load_in_event(db, Material, material_id, event.id)


async def provide_version(material: MaterialDep, version_id: FromPath[int], db: Db) -> MaterialVersion:
    version = await queries.version_of(db, material.id, version_id)
    if version is None:
        raise NotFoundException(gettext("There is no such version."))
    return version


@dataclass(frozen=True)
class UploadLink:
    """A live upload link, from its token: the invitation, its talk and the talk's event."""

    token: str
    invitation: UploadInvitation
    presentation: Presentation
    event: LearningEvent


UploadLinkDep = NamedDependency[UploadLink]


async def provide_upload_link(token: FromPath[str], db: Db) -> UploadLink:
    invitation = await queries.valid_invitation(db, token, dt.datetime.now(dt.UTC))
    if invitation is None:
        raise NotFoundException(gettext(NOT_VALID))
    event = await db.get_one(LearningEvent, invitation.presentation.event_id)
    return UploadLink(token, invitation, invitation.presentation, event)


async def provide_file_in_reach(link: UploadLinkDep, material_id: FromPath[int], db: Db) -> Material:
    """A file the link may replace (queries.within_reach), or 404."""
    material = await queries.file_in_reach(db, link.invitation, material_id, dt.datetime.now(dt.UTC))
    if material is None:
        raise NotFoundException(gettext("This link does not reach that file."))
    return material


EVENT = {"event": Provide(provide_event)}
PRESENTATION = {"presentation": Provide(provide_presentation)}
MATERIAL = {"material": Provide(provide_material)}
VERSION = {"version": Provide(provide_version)}
UPLOAD_LINK = {"link": Provide(provide_upload_link)}
FILE_IN_REACH = {"material": Provide(provide_file_in_reach)}
