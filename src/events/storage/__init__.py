"""Where material bytes live. Keys are opaque and never derived from a client's file name."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

CHUNK_SIZE = 256 * 1024


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str


@runtime_checkable
class Storage(Protocol):
    async def save(self, chunks: AsyncIterable[bytes]) -> StoredObject:
        """Store the chunks under a new key, hashing while writing; leave nothing behind on failure."""

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Yield bytes start..end (inclusive; None for the end of the object) in bounded chunks."""

    async def delete(self, key: str) -> None: ...

    async def exists(self, key: str) -> bool: ...


def create_storage(settings) -> Storage:  # noqa: ANN001
    from .local import LocalStorage

    return LocalStorage(settings.storage_dir)


__all__ = ["CHUNK_SIZE", "Storage", "StoredObject", "create_storage"]
