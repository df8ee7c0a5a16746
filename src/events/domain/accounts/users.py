"""Administrators manage users: accounts, roles, deactivation and per-event grants."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ...audit import Actor
from ...models import EventGrant, LearningEvent, Role, User, as_id
from ...web.deps import Db
from ...web.forms import Form
from .auth import admin_only, current_user
from .service import AccountError, create_user, set_grant, update_account


async def _users_page(db: AsyncSession, *, values: dict | None = None, error: str | None = None,
                      status_code: int = 200) -> Template:  # fmt: skip
    """The list of users, with the form to add one (filled in again after a refusal)."""
    users = list(await db.scalars(select(User).order_by(User.email)))
    grants: dict[int, list[str]] = {}
    for user_id, title in await db.execute(
        select(EventGrant.user_id, LearningEvent.title).join(
            LearningEvent, LearningEvent.id == EventGrant.event_id
        )
    ):
        grants.setdefault(user_id, []).append(title)
    return Template(
        "manage/users.html",
        context={
            "users": users,
            "grants": grants,
            "roles": list(Role),
            "values": values or {},
            "error": error,
        },
        status_code=status_code,
    )


class UserAdministration(Controller):
    path = "/manage/users"
    guards = [admin_only]
    include_in_schema = False

    @get("", name="manage_users")
    async def index(self, db: Db) -> Template:
        return await _users_page(db)

    @post("", name="manage_users_create")
    async def create(self, request: Request, data: Form, db: Db) -> Template | Redirect:
        try:
            user = await create_user(
                db, Actor(user_id=current_user(request).id), email=data.get("email", ""), password=data.get("password", ""),
                role=Role(data.get("role", "organiser")), display_name=(data.get("display_name") or "").strip() or None,
            )  # fmt: skip
        except (AccountError, ValueError) as error:
            return await _users_page(db, values=data, error=str(error), status_code=400)
        flash(
            request,
            f"Created the account {user.email}. Give them their password in person.",
            category="success",
        )
        return Redirect(f"/manage/users/{user.id}")

    @get("/{user_id:int}", name="manage_user")
    async def user(self, user_id: FromPath[int], db: Db) -> Template:
        user = await db.get(User, user_id)
        if user is None:
            raise NotFoundException("There is no such user.")
        granted = set(await db.scalars(select(EventGrant.event_id).where(EventGrant.user_id == user.id)))
        events = list(
            await db.scalars(
                select(LearningEvent)
                .where(LearningEvent.deleted_at.is_(None))
                .order_by(LearningEvent.start_date.desc())
            )
        )
        return Template(
            "manage/user.html",
            context={"user_row": user, "granted": granted, "events": events, "roles": list(Role)},
        )

    @post("/{user_id:int}", name="manage_user_update")
    async def update(self, request: Request, user_id: FromPath[int], data: Form, db: Db) -> Redirect:
        user = await db.get(User, user_id)
        if user is None:
            raise NotFoundException("There is no such user.")
        me = current_user(request)
        actor = Actor(user_id=me.id)
        try:
            role = Role(data.get("role", user.role.value))
        except ValueError:
            role = user.role
        active = data.get("is_active") == "1"
        if user.id == me.id and (role is not Role.ADMIN or not active):
            flash(
                request,
                "You cannot take away your own administrator rights or deactivate yourself.",
                category="error",
            )
            return Redirect(f"/manage/users/{user.id}")
        await update_account(
            db, actor, user, role=role, is_active=active,
            display_name=(data.get("display_name") or "").strip() or None,
        )  # fmt: skip
        wanted = {as_id(value) for key, value in data.items() if key.startswith("event_")} - {None}
        for event in await db.scalars(select(LearningEvent).where(LearningEvent.deleted_at.is_(None))):
            await set_grant(db, actor, user, event, granted=event.id in wanted)
        flash(request, f"Saved {user.email}.", category="success")
        return Redirect(f"/manage/users/{user.id}")
