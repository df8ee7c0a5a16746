"""Signing in and out, and (for administrators) the users and their event grants."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_401_UNAUTHORIZED, HTTP_429_TOO_MANY_REQUESTS

from ...web.csrf import bind_to_session
from ...web.deps import Db
from .auth import loaded_session_id
from .service import end_session, sign_in

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never send someone to another site after signing in.

    Browsers drop tabs and line breaks inside an address and read a backslash as a slash, so
    `/\t/evil.example` and `/\\evil.example` lead off-site: refuse any of them outright.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(" " < char != "\x7f" for char in target)
    ):
        return target
    return "/manage"


class SignInPages(Controller):
    path = "/manage"
    include_in_schema = False

    @get("/login", name="login")
    async def login_page(
        self,
        request: Request,
        next: FromQuery[str | None] = None,
        signed_out: FromQuery[bool] = False,  # noqa: A002
    ) -> Template | Redirect:
        if (request.scope.get("session") or {}).get("user_id"):  # already signed in
            return Redirect(_safe_next(next))
        return Template(
            "manage/login.html",
            context={"next": _safe_next(next), "email": "", "error": None, "signed_out": signed_out},
        )

    @post("/login", name="login_post")
    async def login(self, request: Request, data: Form, db: Db) -> Response:
        email, target = data.get("email", ""), _safe_next(data.get("next"))
        address = request.client.host if request.client else "unknown"
        result = await sign_in(
            db,
            email=email,
            password=data.get("password", ""),
            address=address,
            now=dt.datetime.now(dt.UTC),
        )
        if result.user is None:
            status = HTTP_429_TOO_MANY_REQUESTS if result.wait else HTTP_401_UNAUTHORIZED
            headers = {"Retry-After": str(int(result.wait.total_seconds()))} if result.wait else None
            return Template(
                "manage/login.html",
                context={"next": target, "email": email, "error": result.message},
                status_code=status,
                headers=headers,
            )
        request.clear_session()  # the session before this one ends: its id is never signed in
        request.set_session({"user_id": result.user.id})
        bind_to_session(request)
        flash(request, f"Signed in as {result.user.email}.", category="success")
        return Redirect(target)

    @post("/logout", name="logout")
    async def logout(self, request: Request, db: Db) -> Redirect:
        # Deleted in the request's transaction: should the database be busy, the answer is 503 and the
        # person is still signed in, knowingly, rather than told "signed out" with a live session.
        await end_session(db, loaded_session_id(request))
        request.clear_session()
        return Redirect("/manage/login?signed_out=1")
