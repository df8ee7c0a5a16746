"""Storage in a local folder: files written to a temporary name, then renamed into place."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path

import anyio

from . import CHUNK_SIZE, StoredObject

_KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{32}")


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._incoming = self.root / ".incoming"

    @property
    def staging_dir(self) -> Path:
        return self._incoming

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    async def save(self, chunks: AsyncIterable[bytes]) -> StoredObject:
        self._incoming.mkdir(parents=True, exist_ok=True)
        name = uuid.uuid4().hex
        key = f"{name[:2]}/{name}"
        temporary = self._incoming / name
        digest = hashlib.sha256()
        size = 0
        try:
            async with await anyio.open_file(temporary, "wb") as handle:
                async for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    await handle.write(chunk)
            final = self._path(key)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    async def adopt(self, path: Path, *, sha256: str, size: int) -> StoredObject:
        # A rename, not a copy: the staging folder is inside the root. Across filesystems os.replace
        # fails (EXDEV) rather than silently copying hundreds of MB.
        actual = path.stat().st_size
        if actual != size:
            raise ValueError(f"{path} has {actual} bytes, not {size}")
        name = uuid.uuid4().hex
        key = f"{name[:2]}/{name}"
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, final)
        return StoredObject(key=key, size=size, sha256=sha256)

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        async with await anyio.open_file(self._path(key), "rb") as handle:
            await handle.seek(start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                chunk = await handle.read(CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining))
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    async def delete(self, key: str) -> None:
        self.discard(key)

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    async def exists(self, key: str) -> bool:
        return self._path(key).is_file()
