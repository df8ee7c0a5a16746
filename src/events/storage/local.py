"""Storage in a local folder: files written to a temporary name, then renamed into place."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from pathlib import Path

import anyio

from .base import CHUNK_SIZE, ObjectInfo, StoredObject
from .staging import Referenced, StagingArea, Swept

_KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{32}")


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.holding_dir = self.root / ".incoming"
        self.staging = StagingArea(self.holding_dir)

    @property
    def staging_dir(self) -> Path:
        return self.staging.folder

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def _place(self, source: Path, key: str) -> None:
        """Rename a finished file to its key, journalled first so that a crash leaves it to the sweep."""
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        self.staging.created(key)
        try:
            os.replace(source, final)
        except BaseException:
            self.staging.settled(key)
            raise

    async def _write_hashed(self, chunks: AsyncIterable[bytes]) -> tuple[Path, int, str]:
        """The chunks written to a new file in this process's staging folder: its path, size and SHA-256
        (nothing is left behind if the writing fails)."""
        temporary = self.staging_dir / uuid.uuid4().hex
        digest = hashlib.sha256()
        size = 0
        try:
            async with await anyio.open_file(temporary, "wb") as handle:
                async for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    await handle.write(chunk)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return temporary, size, digest.hexdigest()

    async def save(self, chunks: AsyncIterable[bytes]) -> StoredObject:
        temporary, size, sha256 = await self._write_hashed(chunks)
        key = f"{temporary.name[:2]}/{temporary.name}"
        try:
            self._place(temporary, key)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return StoredObject(key=key, size=size, sha256=sha256)

    async def adopt(self, path: Path, *, sha256: str, size: int) -> StoredObject:
        # A rename, not a copy: the staging folder is inside the root. Across filesystems os.replace
        # fails (EXDEV) rather than silently copying hundreds of MB.
        actual = path.stat().st_size
        if actual != size:
            raise ValueError(f"{path} has {actual} bytes, not {size}")
        name = uuid.uuid4().hex
        self._place(path, f"{name[:2]}/{name}")
        return StoredObject(key=f"{name[:2]}/{name}", size=size, sha256=sha256)

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> StoredObject:
        final = self._path(key)
        if final.exists():
            raise FileExistsError(f"an object is already stored under {key}")
        temporary, size, sha256 = await self._write_hashed(chunks)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)
        finally:
            temporary.unlink(missing_ok=True)
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
        self.staging.settled(key)

    def settled(self, key: str) -> None:
        self.staging.settled(key)

    async def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def objects(self) -> Iterator[ObjectInfo]:
        for path in sorted(self.root.glob("??/*")):
            key = f"{path.parent.name}/{path.name}"
            if _KEY.fullmatch(key) and path.is_file():
                stat = path.stat()
                yield ObjectInfo(key=key, size=stat.st_size, modified=stat.st_mtime)

    async def sweep_staging(self, referenced: Referenced) -> Swept:
        return await self.staging.sweep(self.discard, referenced)

    def close(self) -> None:
        self.staging.close()
