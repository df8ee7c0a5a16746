"""Two ways to receive an upload into a LocalStorage, served by upload.py with uvicorn.

  POST /streamed   receive_form() writes each file once to the staging folder, then storage.adopt()
                   renames it into place (what the management upload route will do)
  POST /litestar   Litestar parses the form into an UploadFile (spooled to a temporary file), then
                   storage.save() copies it into place, hashing as it goes

The storage root is read from BENCH_UPLOAD_STORAGE at start-up. Both answer with the stored objects.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from litestar import Litestar, Request, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from events.storage import CHUNK_SIZE
from events.storage.local import LocalStorage
from events.web.uploads import receive_form

GIB = 1024 * 1024 * 1024


def create_app() -> Litestar:
    storage = LocalStorage(Path(os.environ["BENCH_UPLOAD_STORAGE"]))

    # request_max_body_size=None: receive_form applies its own limit (request.stream() would apply
    # Litestar's too). The route would also be excluded from CSRF; this app has no CSRF middleware.
    @post("/streamed", request_max_body_size=None, status_code=200)
    async def streamed(request: Request) -> dict:
        form = await receive_form(request, storage.staging_dir, max_bytes=2 * GIB)
        try:
            stored = [await storage.adopt(f.path, sha256=f.sha256, size=f.size) for f in form.files]
        finally:
            form.discard()
        return {"fields": form.fields, "stored": [vars(s) for s in stored]}

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
        return {"stored": [vars(stored)]}

    return Litestar(route_handlers=[streamed, litestar_form])
