"""Security headers on every response (an app-wide ``before_send`` hook, so error pages get them too).

Pages load only our own styles, scripts and images (files are not pages: a policy on a PDF stops
Chrome's viewer from showing it). Management and upload pages can never be framed
(clickjacking) and send no Referer anywhere else (an upload link's token is in its URL); public pages
may be embedded by a council's own site. A response that set its own policy (downloads sandbox
theirs) keeps it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

_PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'"
)
PRIVATE_PREFIXES = ("/manage", "/upload")


def security_headers(*, https: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        private = scope["path"].startswith(PRIVATE_PREFIXES)
        is_page = headers.get("content-type", "").startswith("text/html")
        if is_page and "content-security-policy" not in headers:
            policy = _PAGE_POLICY + ("; frame-ancestors 'none'" if private else "")
            headers["Content-Security-Policy"] = policy
        if private:
            headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin" if private else "strict-origin-when-cross-origin"
        headers["X-Content-Type-Options"] = "nosniff"
        if https:
            headers["Strict-Transport-Security"] = "max-age=31536000"

    return add_headers
