"""A REFERENCE for upload.py, not the production route: Litestar's own multipart form parsing.

  POST /litestar   Litestar parses the form into an UploadFile (spooled to a temporary file under
                   TMPDIR), then storage.save() copies it into place, hashing as it goes

The production route (POST /manage/events/{id}/materials, events.web.uploads.receive_form) writes each
file once; this is the alternative it replaced, kept to compare throughput and memory. It has no
sign-in, CSRF or content check. The storage root is read from BENCH_UPLOAD_STORAGE at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from litestar import Litestar, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from events.storage import CHUNK_SIZE
from events.storage.local import LocalStorage

GIB = 1024 * 1024 * 1024


def create_app() -> Litestar:
    storage = LocalStorage(Path(os.environ["BENCH_UPLOAD_STORAGE"]))

    @post("/litestar", request_max_body_size=3 * GIB, status_code=200)
    async def litestar_form(
        data: Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> dict:
        async def chunks():
            while chunk := await data.read(CHUNK_SIZE):
                yield chunk

        try:
            stored = await storage.save(chunks())
        finally:
            await data.close()
        return vars(stored)

    return Litestar(route_handlers=[litestar_form])
