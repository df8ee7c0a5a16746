"""Signing in and out: /manage/login and /manage/logout."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_401_UNAUTHORIZED, HTTP_429_TOO_MANY_REQUESTS

from ....i18n import current_locale, gettext, use_locale
from ....web.csrf import bind_to_session
from ....web.deps import Db
from ....web.forms import Form, parse
from ....web.urls import same_site_path, url
from ..auth import loaded_session_id
from ..forms import SignInForm, password
from ..service import end_session, sign_in

LOGIN_TEMPLATE = "manage/accounts/login.html"


def _safe_next(request: Request, target: str | None) -> str:
    """Never send someone to another site after signing in."""
    return same_site_path(target) or url(request, "manage_home")


class SignInPages(Controller):
    path = "/manage"
    include_in_schema = False

    @get("/login", name="login")
    async def login_page(
        self,
        request: Request,
        next: FromQuery[str | None] = None,  # noqa: A002
        signed_out: FromQuery[bool] = False,
    ) -> Template | Redirect:
        if (request.scope.get("session") or {}).get("user_id"):  # already signed in
            return Redirect(_safe_next(request, next))
        return Template(
            LOGIN_TEMPLATE,
            context={"next": _safe_next(request, next), "email": "", "error": None, "signed_out": signed_out},
        )

    @post("/login", name="login_post")
    async def login(self, request: Request, data: Form, db: Db) -> Response:
        form = parse(data, SignInForm)
        target = _safe_next(request, form.next)
        address = request.client.host if request.client else "unknown"
        result = await sign_in(
            db, email=form.email, password=password(data), address=address, now=dt.datetime.now(dt.UTC)
        )
        if result.user is None:
            status = HTTP_429_TOO_MANY_REQUESTS if result.wait else HTTP_401_UNAUTHORIZED
            headers = {"Retry-After": str(int(result.wait.total_seconds()))} if result.wait else None
            return Template(
                LOGIN_TEMPLATE,
                context={"next": target, "email": form.email, "error": result.message},
                status_code=status,
                headers=headers,
            )
        request.clear_session()  # the session before this one ends: its id is never signed in
        request.set_session({"user_id": result.user.id})
        bind_to_session(request)
        with use_locale(result.user.language or current_locale.get()):  # the next page speaks it
            flash(
                request, gettext("Signed in as %(email)s.") % {"email": result.user.email}, category="success"
            )
        return Redirect(target)

    @post("/logout", name="logout")
    async def logout(self, request: Request, db: Db) -> Redirect:
        # Deleted in the request's transaction: should the database be busy, the answer is 503 and the
        # person is still signed in, knowingly, rather than told "signed out" with a live session.
        await end_session(db, loaded_session_id(request))
        request.clear_session()
        return Redirect(url(request, "login", query={"signed_out": 1}))
