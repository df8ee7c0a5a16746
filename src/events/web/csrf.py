"""CSRF settings, the binding of tokens to the signed-in session, and the check for routes that read
their form themselves (streamed uploads).

Litestar's CSRF middleware is a double-submit cookie: it accepts any token that matches the cookie,
so a cookie and token pair made elsewhere and planted in a browser would pass. A signed-in session
therefore keeps a CSRF secret of its own (given at sign-in; the session backend sends the matching
cookie whenever the browser's differs), and every unsafe request of that session must carry it
(``bound_to_session``, an app-wide guard).

The middleware reads the whole form to find the token when it is not in a header, which would buffer
a large upload before the handler streams it; upload routes are excluded from the middleware and call
``verify_token`` once the (small) text fields have been parsed.
"""

from __future__ import annotations

import secrets
from hmac import compare_digest
from typing import Any

from litestar import Request
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.csrf import CSRF_SECRET_BYTES, CSRF_SECRET_LENGTH, generate_csrf_hash

from ..config import Settings

COOKIE_NAME = "events_csrf"
HEADER_NAME = "x-csrftoken"
FORM_FIELD = "_csrf_token"
SESSION_KEY = "csrf_secret"  # the session's own CSRF secret
# Only /manage and /upload have forms; public pages stay cookie-free (and cacheable).
UNGUARDED_PATHS = [r"^(?!/manage|/upload)"]


def cookie_name(name: str, settings: Settings) -> str:
    """Over https a cookie is ``__Host-`` prefixed: browsers then take it only if it is Secure, for the
    whole site (Path=/) and for this host alone (no Domain), so no other host can plant it."""
    return f"__Host-{name}" if settings.secure_cookies else name


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=cookie_name(COOKIE_NAME, settings),
        cookie_secure=settings.secure_cookies,
        cookie_samesite="lax",
        header_name=HEADER_NAME,
        exclude=UNGUARDED_PATHS,
    )


def bind_to_session(request: Request) -> None:
    """Give the request's (new) session a CSRF secret of its own (the session's cookie follows it)."""
    request.session[SESSION_KEY] = secrets.token_hex(CSRF_SECRET_BYTES)


def cookie_token(request: Request) -> str | None:
    """The CSRF cookie's value: the token forms carry (the middleware gives pages the same)."""
    return request.cookies.get(request.app.csrf_config.cookie_name)


def _secret_of(token: str, secret: str) -> str | None:
    if len(token) <= CSRF_SECRET_LENGTH:
        return None
    head, digest = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    return head if compare_digest(digest, generate_csrf_hash(token=head, secret=secret)) else None


def _cookie_secret(connection: ASGIConnection) -> str | None:
    config: CSRFConfig = connection.app.csrf_config
    cookie = connection.cookies.get(config.cookie_name)
    return _secret_of(cookie, config.secret) if cookie else None


def restored_cookie(connection: ASGIConnection, session: dict[str, Any]) -> str | None:
    """The Set-Cookie header that gives the browser its session's CSRF cookie, when the cookie it sent
    is another one (just signed in, or the cookie was lost or planted); its next page's forms then
    carry the session's token."""
    secret = session.get(SESSION_KEY)
    if secret is None or _cookie_secret(connection) == secret:
        return None
    config: CSRFConfig = connection.app.csrf_config
    cookie = Cookie(
        key=config.cookie_name,
        value=secret + generate_csrf_hash(token=secret, secret=config.secret),
        path=config.cookie_path,
        domain=config.cookie_domain,
        secure=config.cookie_secure,
        httponly=config.cookie_httponly,
        samesite=config.cookie_samesite,
    )
    return cookie.to_header(header="")


def _refuse_foreign_cookie(connection: ASGIConnection) -> None:
    """A session that holds a CSRF secret accepts only a cookie carrying that secret."""
    session = connection.scope.get("session")
    expected = session.get(SESSION_KEY) if isinstance(session, dict) else None
    if expected is None:  # no one signed in: the double-submit check alone
        return
    ours = _cookie_secret(connection)
    if ours is None or not compare_digest(ours, expected):
        raise PermissionDeniedException("CSRF token verification failed")


def bound_to_session(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """App-wide guard: an unsafe request of a signed-in session carries that session's CSRF secret.

    Litestar's middleware (on streamed uploads, ``verify_token``) checks that the token matches the
    cookie; this checks that the cookie is the session's, on every route whatever excludes it."""
    scope = connection.scope
    if scope["type"] == "http" and scope["method"] not in connection.app.csrf_config.safe_methods:
        _refuse_foreign_cookie(connection)


def verify_token(request: Request, submitted: str | None, secret: str) -> None:
    """The middleware's check (the submitted token and the cookie's carry one secret), and that this
    secret is the signed-in session's."""
    submitted = request.headers.get(HEADER_NAME) or submitted
    cookie = cookie_token(request)
    ours = _secret_of(cookie, secret) if cookie else None
    theirs = _secret_of(submitted, secret) if submitted else None
    if ours is None or theirs is None or not compare_digest(ours, theirs):
        raise PermissionDeniedException("CSRF token verification failed")
    _refuse_foreign_cookie(request)
