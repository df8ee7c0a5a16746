"""The ceiling: a bare Litestar app answering every GET with the same HTML bytes as a constant.

Served by event_page.py with the same uvicorn command as the real app; the bytes are read once,
at start-up, from the file named by BENCH_CEILING_HTML (and, for paths under /fr/, from the one named
by BENCH_CEILING_HTML_FR when it is set: the French page's own bytes).
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, Response, get


def create_app() -> Litestar:
    page = Path(os.environ["BENCH_CEILING_HTML"]).read_bytes()
    french = os.environ.get("BENCH_CEILING_HTML_FR")
    french_page = Path(french).read_bytes() if french else page

    @get("/{path:path}", sync_to_thread=False)
    def constant(path: str) -> Response:
        return Response(content=french_page if path.startswith("/fr/") else page, media_type="text/html")

    return Litestar(route_handlers=[constant])
