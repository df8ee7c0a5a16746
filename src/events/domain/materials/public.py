"""Downloads: the current version's bytes, with validators and byte ranges, streamed in chunks."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from urllib.parse import quote

from litestar import Request, Response, route
from litestar.enums import HttpMethod
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Stream
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_206_PARTIAL_CONTENT,
    HTTP_304_NOT_MODIFIED,
    HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
)

from ...i18n import _
from ...models import MaterialVersion
from ...web.conditional import not_modified, range_applies
from ...web.deps import DbSession, StorageDep
from ...web.ranges import UnsatisfiableRange, parse_range
from .public_queries import public_download

# Shown in the browser; anything else (HTML, SVG, scripts, office files) is offered as a download.
INLINE_TYPES = {"application/pdf", "text/plain", "image/png", "image/jpeg", "image/gif", "image/webp"}


def _shown_inline(version: MaterialVersion) -> bool:
    return version.content_type in INLINE_TYPES or version.content_type.partition("/")[0] in {
        "audio",
        "video",
    }


def attachment(filename: str, kind: str = "attachment") -> str:
    """A Content-Disposition value: an ASCII fallback name, and the real one per RFC 6266."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace('"', "'").replace("?", "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _disposition(version: MaterialVersion) -> str:
    return attachment(version.filename, "inline" if _shown_inline(version) else "attachment")


@route(
    "/materials/{material_id:int}/{filename:str}",
    http_method=[HttpMethod.GET, HttpMethod.HEAD],
    name="download",
    include_in_schema=False,
)
async def download(
    request: Request,
    material_id: FromPath[int],
    filename: FromPath[str],
    db_session: DbSession,
    storage: StorageDep,
) -> Response:
    # The file name in the URL is for people; the material id alone decides what is served, so the
    # URL keeps working when a new version arrives under another name.
    found = await public_download(db_session, material_id, dt.datetime.now(dt.UTC))
    if found is None:
        raise NotFoundException(_("This material does not exist or is not public."))
    material, version = found
    if material.external_url:
        return Redirect(material.external_url)
    if version is None:
        raise NotFoundException(_("This material has no file yet."))

    etag = f'"{version.sha256}"'
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(version.created_at.astimezone(dt.UTC), usegmt=True),
        "Accept-Ranges": "bytes",
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": _disposition(version),
    }
    if not _shown_inline(version):
        # Should a browser render it anyway, it runs nothing (Chrome's PDF viewer refuses this header).
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    headers_in = request.headers
    if not_modified(
        headers_in.get("if-none-match"), headers_in.get("if-modified-since"), etag, version.created_at
    ):
        return Response(content=b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)

    size = version.size
    range_header = headers_in.get("range")
    if not range_applies(headers_in.get("if-range"), etag, version.created_at):
        range_header = None  # the client's copy is out of date: send the whole new file
    try:
        byte_range = parse_range(range_header, size)
    except UnsatisfiableRange:
        headers["Content-Range"] = f"bytes */{size}"
        return Response(content=b"", status_code=HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE, headers=headers)

    status, first, last = HTTP_200_OK, 0, size - 1
    if byte_range is not None:
        status, (first, last) = HTTP_206_PARTIAL_CONTENT, byte_range
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(last - first + 1 if size else 0)
    if request.method == HttpMethod.HEAD:
        return Response(content=b"", status_code=status, headers=headers, media_type=version.content_type)
    return Stream(
        storage.read(version.storage_key, first, last if size else None),
        status_code=status,
        headers=headers,
        media_type=version.content_type,
    )
