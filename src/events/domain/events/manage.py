"""Management of events, their sessions, presentations and speakers (under /manage)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ...audit import Actor
from ...models import (
    EventSession,
    EventStatus,
    LearningEvent,
    Material,
    Organisation,
    Person,
    Presentation,
    SpeakerLink,
    UploadInvitation,
    User,
)
from ...web.deps import Db, SettingsDep
from ...web.forms import Form, form_id, form_text
from ..accounts import service as accounts
from ..accounts.auth import actor_of, current_user, event_access, signed_in
from ..accounts.service import AccountError, set_grant
from ..people import queries as people_queries
from ..people import service as people
from . import service


def _date(
    data: dict[str, Any], name: str, errors: dict[str, str], *, required: bool = False
) -> dt.date | None:
    value = form_text(data, name)
    if value is None:
        if required:
            errors[name] = "Please give a date."
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = "Please give a date as YYYY-MM-DD."
        return None


def _event_fields(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    fields = {
        "title": form_text(data, "title"),
        "start_date": _date(data, "start_date", errors, required=True),
        "end_date": _date(data, "end_date", errors),
        "description": form_text(data, "description"),
        "venue": form_text(data, "venue"),
        "city": form_text(data, "city"),
        "region": form_text(data, "region"),
        "host": form_text(data, "host"),
        "language": form_text(data, "language") or "en",
    }
    if not fields["title"]:
        errors["title"] = "Please give the event a title."
    if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
        errors["end_date"] = "The end date is before the start date."
    return fields, errors


async def load_event(db: AsyncSession, event_id: int) -> LearningEvent:
    event = await db.scalar(
        select(LearningEvent).where(LearningEvent.id == event_id, LearningEvent.deleted_at.is_(None))
    )
    if event is None:
        raise NotFoundException("There is no such event.")
    return event


async def load_in_event(db: AsyncSession, model: type, item_id: int, event_id: int) -> Any:
    item = await db.scalar(select(model).where(model.id == item_id, model.event_id == event_id))
    if item is None:
        raise NotFoundException(f"There is no such {model.__tablename__.replace('_', ' ')} in this event.")
    return item


async def load_speaker_link(
    db: AsyncSession, link_id: int, presentation_id: int, event_id: int
) -> SpeakerLink:
    """A speaker of a presentation of this event (with the person), or 404."""
    await load_in_event(db, Presentation, presentation_id, event_id)
    link = await db.scalar(
        select(SpeakerLink)
        .where(SpeakerLink.id == link_id, SpeakerLink.presentation_id == presentation_id)
        .options(selectinload(SpeakerLink.person))
    )
    if link is None:
        raise NotFoundException("There is no such speaker in this presentation.")
    return link


async def checklist(db: AsyncSession, event: LearningEvent) -> dict[str, list[str]]:
    """What still needs doing before (or after) publishing."""
    presentations = list(
        await db.scalars(
            select(Presentation)
            .where(Presentation.event_id == event.id, Presentation.deleted_at.is_(None))
            .options(
                selectinload(Presentation.materials),
                selectinload(Presentation.speaker_links).selectinload(SpeakerLink.person),
            )
            .order_by(Presentation.position)
        )
    )
    return {
        "no_slides": [p.title for p in presentations if not [m for m in p.materials if m.deleted_at is None]],
        "no_speakers": [p.title for p in presentations if not p.speaker_links],
        "no_organisation": sorted(
            {
                link.person.full_name
                for p in presentations
                for link in p.speaker_links
                if link.organisation_id is None
            }
        ),
        "draft": [event.title] if event.status is EventStatus.DRAFT else [],
    }


class EventManagement(Controller):
    path = "/manage"
    guards = [signed_in]
    include_in_schema = False

    @get("", name="manage_home")
    async def index(self, request: Request, db: Db) -> Template:
        user = current_user(request)
        statement = (
            select(LearningEvent)
            .where(LearningEvent.deleted_at.is_(None))
            .order_by(LearningEvent.start_date.desc())
        )
        if not user.is_staff:
            statement = statement.where(LearningEvent.id.in_(user.event_ids or [-1]))
        events = list(await db.scalars(statement))
        return Template("manage/events.html", context={"events": events})

    @get("/events/new", name="manage_event_new")
    async def new_event(self) -> Template:
        return Template("manage/event_form.html", context={"event": None, "values": {}, "errors": {}})

    @post("/events/new", name="manage_event_create")
    async def create_event(self, request: Request, data: Form, db: Db) -> Template | Redirect:
        fields, errors = _event_fields(data)
        if errors:
            return Template(
                "manage/event_form.html",
                context={"event": None, "values": data, "errors": errors},
                status_code=400,
            )
        actor = actor_of(request)
        event = await service.create_event(db, actor, **fields)
        user = current_user(request)
        if not user.is_staff:  # whoever sets an event up organises it
            user_row = await db.get_one(User, user.id)
            await set_grant(db, actor, user_row, event, granted=True)
        flash(
            request,
            f"Created the draft event “{event.title}”. Add its sessions and presentations below.",
            category="success",
        )
        return Redirect(f"/manage/events/{event.id}")

    @get("/events/{event_id:int}", name="manage_event", guards=[event_access])
    async def event(self, event_id: FromPath[int], db: Db) -> Template:
        event = await load_event(db, event_id)
        sessions = list(
            await db.scalars(
                select(EventSession)
                .where(EventSession.event_id == event_id)
                .order_by(EventSession.position, EventSession.id)
            )
        )
        presentations = list(
            await db.scalars(
                select(Presentation)
                .where(Presentation.event_id == event_id)
                .options(
                    selectinload(Presentation.speaker_links).selectinload(SpeakerLink.person),
                    selectinload(Presentation.materials).selectinload(Material.current_version),
                )
                .order_by(Presentation.position, Presentation.id)
            )
        )
        event_materials = list(
            await db.scalars(
                select(Material)
                .where(Material.event_id == event_id, Material.presentation_id.is_(None))
                .options(selectinload(Material.current_version))
                .order_by(Material.position)
            )
        )
        return Template(
            "manage/event.html",
            context={
                "event": event,
                "sessions": sessions,
                "presentations": presentations,
                "event_materials": event_materials,
                "checklist": await checklist(db, event),
            },
        )

    @get("/events/{event_id:int}/edit", name="manage_event_edit", guards=[event_access])
    async def edit_event(self, event_id: FromPath[int], db: Db) -> Template:
        event = await load_event(db, event_id)
        values = {name: getattr(event, name) for name in service.EDITABLE_EVENT_FIELDS}
        return Template("manage/event_form.html", context={"event": event, "values": values, "errors": {}})

    @post("/events/{event_id:int}/edit", name="manage_event_update", guards=[event_access])
    async def update_event(
        self, request: Request, event_id: FromPath[int], data: Form, db: Db
    ) -> Template | Redirect:
        event = await load_event(db, event_id)
        fields, errors = _event_fields(data)
        if errors:
            return Template(
                "manage/event_form.html",
                context={"event": event, "values": data, "errors": errors},
                status_code=400,
            )
        await service.update_event(db, actor_of(request), event, **fields)
        flash(request, "Saved the event.", category="success")
        return Redirect(f"/manage/events/{event.id}")

    @post("/events/{event_id:int}/status", name="manage_event_status", guards=[event_access])
    async def set_status(self, request: Request, event_id: FromPath[int], data: Form, db: Db) -> Redirect:
        event = await load_event(db, event_id)
        try:
            status = EventStatus(data.get("status", ""))
        except ValueError as error:
            raise NotFoundException("No such status.") from error
        if status is not event.status:
            await service.set_event_status(db, actor_of(request), event, status)
            done = {
                "published": "Published: the event page is public now.",
                "draft": "Unpublished: the event is a draft again, hidden from the public.",
                "archived": "Archived: the event stays public, marked as archived.",
            }
            flash(request, done[status.value], category="success")
        return Redirect(f"/manage/events/{event.id}")

    # --- sessions --------------------------------------------------------------------------------

    @post("/events/{event_id:int}/sessions", name="manage_session_create", guards=[event_access])
    async def create_session(self, request: Request, event_id: FromPath[int], data: Form, db: Db) -> Redirect:
        event = await load_event(db, event_id)
        title = form_text(data, "title")
        if not title:
            flash(request, "A session needs a title.", category="error")
            return Redirect(f"/manage/events/{event.id}#sessions")
        host = await self._organisation(db, form_text(data, "host_organisation"), actor_of(request))
        await service.add_session(
            db,
            actor_of(request),
            event,
            title=title,
            host_organisation=host,
            description=form_text(data, "description"),
        )
        flash(request, f"Added the session “{title}”.", category="success")
        return Redirect(f"/manage/events/{event.id}#sessions")

    @get(
        "/events/{event_id:int}/sessions/{session_id:int}/edit",
        name="manage_session_edit",
        guards=[event_access],
    )
    async def edit_session(self, event_id: FromPath[int], session_id: FromPath[int], db: Db) -> Template:
        event = await load_event(db, event_id)
        item = await load_in_event(db, EventSession, session_id, event_id)
        host = await db.get(Organisation, item.host_organisation_id) if item.host_organisation_id else None
        return Template("manage/session_form.html", context={"event": event, "item": item, "host": host})

    @post(
        "/events/{event_id:int}/sessions/{session_id:int}/edit",
        name="manage_session_update",
        guards=[event_access],
    )
    async def update_session(
        self,
        request: Request,
        event_id: FromPath[int],
        session_id: FromPath[int],
        data: Form,
        db: Db,
    ) -> Redirect:
        item = await load_in_event(db, EventSession, session_id, event_id)
        title = form_text(data, "title") or item.title
        host = await self._organisation(db, form_text(data, "host_organisation"), actor_of(request))
        await service.update_fields(
            db,
            actor_of(request),
            item,
            event_id=event_id,
            title=title,
            description=form_text(data, "description"),
            host_organisation_id=host.id if host else None,
        )
        flash(request, "Saved the session.", category="success")
        return Redirect(f"/manage/events/{event_id}#sessions")

    @post(
        "/events/{event_id:int}/sessions/{session_id:int}/move",
        name="manage_session_move",
        guards=[event_access],
    )
    async def move_session(
        self,
        request: Request,
        event_id: FromPath[int],
        session_id: FromPath[int],
        data: Form,
        db: Db,
    ) -> Redirect:
        return await self._move(request, db, EventSession, session_id, event_id, data)

    @get(
        "/events/{event_id:int}/sessions/{session_id:int}/delete",
        name="manage_session_confirm",
        guards=[event_access],
    )
    async def confirm_delete_session(
        self, event_id: FromPath[int], session_id: FromPath[int], db: Db
    ) -> Template:
        event = await load_event(db, event_id)
        item = await load_in_event(db, EventSession, session_id, event_id)
        count = await db.scalar(
            select(func.count()).where(Presentation.session_id == item.id, Presentation.deleted_at.is_(None))
        )
        return Template(
            "manage/confirm_delete.html",
            context={
                "event": event,
                "what": "session",
                "item": item,
                "action": f"/manage/events/{event_id}/sessions/{session_id}/delete",
                "consequence": f"Its {count} presentation(s) stay in the event, listed without a session."
                if count
                else None,
            },
        )

    @post(
        "/events/{event_id:int}/sessions/{session_id:int}/delete",
        name="manage_session_delete",
        guards=[event_access],
    )
    async def delete_session(
        self, request: Request, event_id: FromPath[int], session_id: FromPath[int], db: Db
    ) -> Redirect:
        return await self._set_deleted(request, db, EventSession, session_id, event_id, deleted=True)

    @post(
        "/events/{event_id:int}/sessions/{session_id:int}/restore",
        name="manage_session_restore",
        guards=[event_access],
    )
    async def restore_session(
        self, request: Request, event_id: FromPath[int], session_id: FromPath[int], db: Db
    ) -> Redirect:
        return await self._set_deleted(request, db, EventSession, session_id, event_id, deleted=False)

    # --- presentations ---------------------------------------------------------------------------

    @post("/events/{event_id:int}/presentations", name="manage_presentation_create", guards=[event_access])
    async def create_presentation(
        self, request: Request, event_id: FromPath[int], data: Form, db: Db
    ) -> Redirect:
        event = await load_event(db, event_id)
        title = form_text(data, "title")
        if not title:
            flash(request, "A presentation needs a title.", category="error")
            return Redirect(f"/manage/events/{event.id}#presentations")
        event_session = None
        if (session_id := form_id(data, "session_id")) is not None:
            event_session = await load_in_event(db, EventSession, session_id, event_id)
        presentation = await service.add_presentation(
            db,
            actor_of(request),
            event,
            title=title,
            event_session=event_session,
            abstract=form_text(data, "abstract"),
        )
        flash(request, f"Added “{title}”. Now add its speakers and slides.", category="success")
        return Redirect(f"/manage/events/{event.id}/presentations/{presentation.id}")

    @get(
        "/events/{event_id:int}/presentations/{presentation_id:int}",
        name="manage_presentation",
        guards=[event_access],
    )
    async def presentation(
        self,
        event_id: FromPath[int],
        presentation_id: FromPath[int],
        db: Db,
        q: FromQuery[str | None] = None,
    ) -> Template:
        event = await load_event(db, event_id)
        item = await db.scalar(
            select(Presentation)
            .where(Presentation.id == presentation_id, Presentation.event_id == event_id)
            .options(
                selectinload(Presentation.speaker_links).selectinload(SpeakerLink.person),
                selectinload(Presentation.speaker_links).selectinload(SpeakerLink.organisation),
                selectinload(Presentation.materials).selectinload(Material.current_version),
            )
        )
        if item is None:
            raise NotFoundException("There is no such presentation in this event.")
        sessions = list(
            await db.scalars(
                select(EventSession)
                .where(EventSession.event_id == event_id, EventSession.deleted_at.is_(None))
                .order_by(EventSession.position)
            )
        )
        matches = await people_queries.search_people(db, q) if q else []
        invitations = list(
            await db.scalars(
                select(UploadInvitation)
                .where(UploadInvitation.presentation_id == item.id)
                .options(selectinload(UploadInvitation.person))
                .order_by(UploadInvitation.created_at.desc())
            )
        )
        return Template(
            "manage/presentation.html",
            context={"event": event, "item": item, "sessions": sessions, "q": q or "", "matches": matches,
                     "invitations": invitations, "now": dt.datetime.now(dt.UTC),
                     "default_expiry": (dt.date.today() + dt.timedelta(days=30)).isoformat()},
        )  # fmt: skip

    @post("/events/{event_id:int}/presentations/{presentation_id:int}/invitations", name="manage_invitation_create",
          guards=[event_access], status_code=200)  # fmt: skip
    async def create_invitation(
        self,
        request: Request,
        event_id: FromPath[int],
        presentation_id: FromPath[int],
        data: Form,
        db: Db,
        settings: SettingsDep,
    ) -> Template | Redirect:
        event = await load_event(db, event_id)
        item = await load_in_event(db, Presentation, presentation_id, event_id)
        person = None
        if (person_id := form_id(data, "person_id")) is not None:
            person = await db.scalar(
                select(Person).join(SpeakerLink, SpeakerLink.person_id == Person.id)
                .where(SpeakerLink.presentation_id == item.id, Person.id == person_id)
            )  # fmt: skip
        errors: dict[str, str] = {}
        until = _date(data, "expires_on", errors, required=True)
        back = f"/manage/events/{event_id}/presentations/{presentation_id}#invitations"
        if errors or until is None:
            flash(request, "Please choose until when the link is valid.", category="error")
            return Redirect(back)
        expires_at = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)
        try:
            invitation, token = await accounts.create_invitation(
                db, actor_of(request), item, expires_at=expires_at, person=person
            )
        except AccountError as error:
            flash(request, str(error), category="error")
            return Redirect(back)
        # The link is shown once, here; only a hash of its token is kept.
        return Template(
            "manage/invitation_created.html",
            context={
                "event": event,
                "item": item,
                "person": person,
                "invitation": invitation,
                "link": f"{settings.public_url}/upload/{token}",
            },
        )

    @post("/events/{event_id:int}/presentations/{presentation_id:int}/invitations/{invitation_id:int}/revoke",
          name="manage_invitation_revoke", guards=[event_access])  # fmt: skip
    async def revoke_invitation(
        self,
        request: Request,
        event_id: FromPath[int],
        presentation_id: FromPath[int],
        invitation_id: FromPath[int],
        db: Db,
    ) -> Redirect:
        await load_in_event(db, Presentation, presentation_id, event_id)
        invitation = await db.scalar(
            select(UploadInvitation).where(
                UploadInvitation.id == invitation_id, UploadInvitation.presentation_id == presentation_id
            )
        )
        if invitation is None:
            raise NotFoundException("There is no such upload link.")
        await accounts.revoke_invitation(db, actor_of(request), invitation, event_id=event_id)
        flash(request, "Revoked the upload link: it no longer works.", category="success")
        return Redirect(f"/manage/events/{event_id}/presentations/{presentation_id}#invitations")

    @post(
        "/events/{event_id:int}/presentations/{presentation_id:int}/edit",
        name="manage_presentation_update",
        guards=[event_access],
    )
    async def update_presentation(
        self,
        request: Request,
        event_id: FromPath[int],
        presentation_id: FromPath[int],
        data: Form,
        db: Db,
    ) -> Redirect:
        item = await load_in_event(db, Presentation, presentation_id, event_id)
        session_id = form_id(data, "session_id")
        if session_id is not None:
            await load_in_event(db, EventSession, session_id, event_id)
        await service.update_fields(
            db,
            actor_of(request),
            item,
            event_id=event_id,
            title=form_text(data, "title") or item.title,
            abstract=form_text(data, "abstract"),
            session_id=session_id,
        )
        flash(request, "Saved the presentation.", category="success")
        return Redirect(f"/manage/events/{event_id}/presentations/{presentation_id}")

    @post(
        "/events/{event_id:int}/presentations/{presentation_id:int}/move",
        name="manage_presentation_move",
        guards=[event_access],
    )
    async def move_presentation(
        self,
        request: Request,
        event_id: FromPath[int],
        presentation_id: FromPath[int],
        data: Form,
        db: Db,
    ) -> Redirect:
        return await self._move(request, db, Presentation, presentation_id, event_id, data)

    @get(
        "/events/{event_id:int}/presentations/{presentation_id:int}/delete",
        name="manage_presentation_confirm",
        guards=[event_access],
    )
    async def confirm_delete_presentation(
        self, event_id: FromPath[int], presentation_id: FromPath[int], db: Db
    ) -> Template:
        event = await load_event(db, event_id)
        item = await load_in_event(db, Presentation, presentation_id, event_id)
        return Template(
            "manage/confirm_delete.html",
            context={
                "event": event,
                "what": "presentation",
                "item": item,
                "action": f"/manage/events/{event_id}/presentations/{presentation_id}/delete",
                "consequence": "Its slides leave the public page with it.",
            },
        )

    @post(
        "/events/{event_id:int}/presentations/{presentation_id:int}/delete",
        name="manage_presentation_delete",
        guards=[event_access],
    )
    async def delete_presentation(
        self, request: Request, event_id: FromPath[int], presentation_id: FromPath[int], db: Db
    ) -> Redirect:
        return await self._set_deleted(request, db, Presentation, presentation_id, event_id, deleted=True)

    @post(
        "/events/{event_id:int}/presentations/{presentation_id:int}/restore",
        name="manage_presentation_restore",
        guards=[event_access],
    )
    async def restore_presentation(
        self, request: Request, event_id: FromPath[int], presentation_id: FromPath[int], db: Db
    ) -> Redirect:
        return await self._set_deleted(request, db, Presentation, presentation_id, event_id, deleted=False)

    # --- speakers --------------------------------------------------------------------------------

    @post(
        "/events/{event_id:int}/presentations/{presentation_id:int}/speakers",
        name="manage_speaker_add",
        guards=[event_access],
    )
    async def add_speaker(
        self,
        request: Request,
        event_id: FromPath[int],
        presentation_id: FromPath[int],
        data: Form,
        db: Db,
    ) -> Redirect:
        item = await load_in_event(db, Presentation, presentation_id, event_id)
        back = f"/manage/events/{event_id}/presentations/{presentation_id}"
        actor = actor_of(request)
        if (person_id := form_id(data, "person_id")) is not None:
            person = await db.get(Person, person_id)
            if person is None or person.merged_into_id is not None:
                raise NotFoundException("There is no such person in the directory.")
        else:
            given, family = form_text(data, "given_name"), form_text(data, "family_name")
            if not given or not family:
                flash(request, "A new person needs a given name and a family name.", category="error")
                return Redirect(back + "#speakers")
            # A new person's title and organisation are also their current ones in the directory.
            person = await people.create_person(
                db, actor, given_name=given, family_name=family, job_title=form_text(data, "job_title"),
                organisation=await self._organisation(db, form_text(data, "organisation"), actor_of(request)),
            )  # fmt: skip
        if await db.scalar(
            select(SpeakerLink.id).where(
                SpeakerLink.presentation_id == item.id, SpeakerLink.person_id == person.id
            )
        ):
            flash(request, f"{person.full_name} already speaks in this presentation.", category="error")
            return Redirect(back + "#speakers")
        # Title and organisation at the event: as typed here, else the person's current ones.
        organisation = await self._organisation(db, form_text(data, "organisation"), actor_of(request))
        await service.add_speaker(
            db, actor, item, person, job_title=form_text(data, "job_title"), organisation=organisation
        )
        flash(request, f"Added {person.full_name}.", category="success")
        return Redirect(back + "#speakers")

    @post(
        "/events/{event_id:int}/presentations/{presentation_id:int}/speakers/{link_id:int}/edit",
        name="manage_speaker_update",
        guards=[event_access],
    )
    async def update_speaker(
        self,
        request: Request,
        event_id: FromPath[int],
        presentation_id: FromPath[int],
        link_id: FromPath[int],
        data: Form,
        db: Db,
    ) -> Redirect:
        link = await load_speaker_link(db, link_id, presentation_id, event_id)
        organisation = await self._organisation(db, form_text(data, "organisation"), actor_of(request))
        await service.update_fields(
            db,
            actor_of(request),
            link,
            event_id=event_id,
            job_title=form_text(data, "job_title"),
            organisation_id=organisation.id if organisation else None,
        )
        flash(
            request, "Saved the speaker's title and organisation for this presentation.", category="success"
        )
        return Redirect(f"/manage/events/{event_id}/presentations/{presentation_id}#speakers")

    @post(
        "/events/{event_id:int}/presentations/{presentation_id:int}/speakers/{link_id:int}/remove",
        name="manage_speaker_remove",
        guards=[event_access],
    )
    async def remove_speaker(
        self,
        request: Request,
        event_id: FromPath[int],
        presentation_id: FromPath[int],
        link_id: FromPath[int],
        db: Db,
    ) -> Redirect:
        link = await load_speaker_link(db, link_id, presentation_id, event_id)
        await service.remove_speaker(
            db, actor_of(request), link, event_id=event_id, name=link.person.full_name
        )
        flash(request, f"Removed {link.person.full_name} from this presentation.", category="success")
        return Redirect(f"/manage/events/{event_id}/presentations/{presentation_id}#speakers")

    async def _move(
        self, request: Request, db: AsyncSession, model: type, item_id: int, event_id: int, data: dict
    ) -> Redirect:
        item = await load_in_event(db, model, item_id, event_id)
        await service.move(
            db, actor_of(request), item, event_id=event_id, step=-1 if data.get("direction") == "up" else 1
        )
        return Redirect(f"/manage/events/{event_id}#{_anchor(item)}")

    async def _set_deleted(
        self, request: Request, db: AsyncSession, model: type, item_id: int, event_id: int, *, deleted: bool
    ) -> Redirect:
        """Soft delete or restore a session or presentation; either can be undone from the event's page."""
        item = await load_in_event(db, model, item_id, event_id)
        await service.set_deleted(db, actor_of(request), item, event_id=event_id, deleted=deleted)
        if deleted:
            flash(request, f"Deleted “{item.title}”. You can restore it below.", category="success")
            return Redirect(f"/manage/events/{event_id}#deleted")
        flash(request, f"Restored “{item.title}”.", category="success")
        return Redirect(f"/manage/events/{event_id}#{_anchor(item)}")

    async def _organisation(self, db: AsyncSession, value: str | None, actor: Actor) -> Organisation | None:
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


def _anchor(item: EventSession | Presentation) -> str:
    return f"{'session' if isinstance(item, EventSession) else 'presentation'}-{item.id}"
