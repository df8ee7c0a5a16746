"""CSRF settings, and the check for routes that read their form themselves (streamed uploads).

Litestar's CSRF middleware reads the whole form to find the token when it is not in a header, which
would buffer a large upload before the handler streams it; upload routes are excluded from the
middleware and call ``verify_token`` once the (small) text fields have been parsed.
"""

from __future__ import annotations

from hmac import compare_digest

from litestar import Request
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash

from ..config import Settings

COOKIE_NAME = "events_csrf"
HEADER_NAME = "x-csrftoken"
FORM_FIELD = "_csrf_token"
# Only /manage and /upload have forms; public pages stay cookie-free (and cacheable).
UNGUARDED_PATHS = [r"^(?!/manage|/upload)"]


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=COOKIE_NAME,
        cookie_secure=settings.secure_cookies,
        cookie_samesite="lax",
        header_name=HEADER_NAME,
        exclude=UNGUARDED_PATHS,
    )


def _secret_of(token: str, secret: str) -> str | None:
    if len(token) <= CSRF_SECRET_LENGTH:
        return None
    head, digest = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    return head if compare_digest(digest, generate_csrf_hash(token=head, secret=secret)) else None


def verify_token(request: Request, submitted: str | None, secret: str) -> None:
    """The same check as Litestar's middleware: the submitted token and the cookie's carry one secret."""
    submitted = request.headers.get(HEADER_NAME) or submitted
    cookie = request.cookies.get(COOKIE_NAME)
    ours = _secret_of(cookie, secret) if cookie else None
    theirs = _secret_of(submitted, secret) if submitted else None
    if ours is None or theirs is None or not compare_digest(ours, theirs):
        raise PermissionDeniedException("CSRF token verification failed")
