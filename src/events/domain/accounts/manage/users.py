"""Administrators manage users: accounts, roles, deactivation and per-event grants (/manage/users)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from ....i18n import gettext
from ....web.deps import Db
from ....web.forms import Form, parse
from ....web.urls import url
from ..auth import actor_of, admin_only
from ..deps import Account, account
from ..forms import ROLE_LABELS, NewUserForm, UserForm, granted_ids, password
from ..queries import grantable_events, granted_event_ids, users_with_grants
from ..service import AccountError, create_user, set_grants, set_language, update_user


async def _users_page(db: AsyncSession, *, values: dict | None = None, error: str | None = None,
                      status_code: int = 200) -> Template:  # fmt: skip
    """The list of users, with the form to add one (filled in again after a refusal)."""
    users, grants = await users_with_grants(db)
    return Template(
        "manage/accounts/users.html",
        context={
            "users": users,
            "grants": grants,
            "roles": ROLE_LABELS,
            "values": values or {},
            "error": error,
        },
        status_code=status_code,
    )


class UserAdministration(Controller):
    path = "/manage/users"
    guards = [admin_only]
    dependencies = {"account": account}
    include_in_schema = False

    @get("", name="manage_users")
    async def index(self, db: Db) -> Template:
        return await _users_page(db)

    @post("", name="manage_users_create")
    async def create(self, request: Request, data: Form, db: Db) -> Template | Redirect:
        form = parse(data, NewUserForm)
        try:
            user = await create_user(db, actor_of(request), email=form.email, password=password(data),
                                     role=form.role, display_name=form.display_name)  # fmt: skip
        except AccountError as error:
            return await _users_page(db, values=data, error=str(error), status_code=400)
        flash(
            request,
            gettext("Created the account %(email)s. Give them their password in person.")
            % {"email": user.email},
            category="success",
        )
        return Redirect(url(request, "manage_user", user_id=user.id))

    @get("/{user_id:int}", name="manage_user")
    async def user(self, account: Account, db: Db) -> Template:
        return Template(
            "manage/accounts/user.html",
            context={
                "user_row": account,
                "granted": await granted_event_ids(db, account.id),
                "events": await grantable_events(db),
                "roles": ROLE_LABELS,
            },
        )

    @post("/{user_id:int}", name="manage_user_update")
    async def update(self, request: Request, account: Account, data: Form, db: Db) -> Redirect:
        form = parse(data, UserForm)
        wanted = granted_ids(data)
        actor = actor_of(request)
        try:
            await update_user(db, actor, account, role=form.role or account.role, is_active=form.is_active,
                              display_name=form.display_name)  # fmt: skip
            if "language" in data:
                await set_language(db, actor, account, form.language)
        except AccountError as error:
            flash(request, str(error), category="error")
            return Redirect(url(request, "manage_user", user_id=account.id))
        await set_grants(db, actor, account, wanted)
        flash(request, gettext("Saved %(email)s.") % {"email": account.email}, category="success")
        return Redirect(url(request, "manage_user", user_id=account.id))
