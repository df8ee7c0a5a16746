"""Rendered public pages, kept per worker and validated by the site revision on every request.

A write anywhere bumps the revision in its own transaction (see ``events.db``), so a page is never
stale; an unchanged page costs one small query. The same revision is the pages' ETag.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable

from litestar import Request, Response, route
from litestar.enums import HttpMethod, MediaType
from litestar.status_codes import HTTP_304_NOT_MODIFIED
from sqlalchemy.orm import Session

from ..db import PublicReads
from .conditional import none_match

# Reads what a page shows and renders it: synchronous, run by PublicReads (see events.db).
Render = Callable[[Session], str | Response]


def public_page(path: str, **options):  # noqa: ANN003, ANN201
    """Route decorator for a cached public page: GET and HEAD (link checkers use HEAD), in English at
    `path` and in French at /fr`path` (see web/locale.py)."""
    return route(
        path,
        http_method=[HttpMethod.GET, HttpMethod.HEAD],
        include_in_schema=False,
        opt={"localized": True},
        **options,
    )


class PageCache:
    def __init__(self, database: PublicReads, *, enabled: bool = True, max_entries: int = 512) -> None:
        self._database = database
        self.enabled = enabled
        self.max_entries = max_entries
        self._pages: OrderedDict[str, tuple[str, bytes]] = OrderedDict()  # path -> (etag, page)

    async def respond(self, request: Request, render: Render) -> Response:
        """The page from the cache if it is current, else ``render(session)``'s (kept for next time)."""
        revision = await self._database.revision()
        # Pages may say "upcoming" or "past": they are also renewed when the (UTC) day changes.
        today = dt.datetime.now(dt.UTC).date().isoformat()
        etag = f'W/"r{revision}-{today}"'
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if none_match(request.headers.get("if-none-match"), etag):
            return Response(content=b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
        key = request.url.path + ("?" + request.url.query if request.url.query else "")
        cached = self._pages.get(key) if self.enabled else None
        if cached is not None and cached[0] == etag:
            self._pages.move_to_end(key)
            body = cached[1]
        else:
            rendered = await self._database.run(render)  # a session is opened only here, on a miss
            if isinstance(rendered, Response):  # a redirect, say: passed on, never cached
                return rendered
            body = rendered.encode()
            if self.enabled:
                self._pages[key] = (etag, body)
                self._pages.move_to_end(key)
                while len(self._pages) > self.max_entries:
                    self._pages.popitem(last=False)
        if request.method == HttpMethod.HEAD:
            headers["Content-Length"] = str(len(body))
            return Response(content=b"", media_type=MediaType.HTML, headers=headers)
        return Response(content=body, media_type=MediaType.HTML, headers=headers)

    def close(self) -> None:
        self._database.close()
