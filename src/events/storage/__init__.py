"""Where material bytes live. Keys are opaque and never derived from a client's file name."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

CHUNK_SIZE = 256 * 1024


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str


@runtime_checkable
class Storage(Protocol):
    staging_dir: Path
    """Where uploads are written before ``adopt``: on the same filesystem, so adopting is a rename."""

    async def save(self, chunks: AsyncIterable[bytes]) -> StoredObject:
        """Store the chunks under a new key, hashing while writing; leave nothing behind on failure."""

    async def adopt(self, path: Path, *, sha256: str, size: int) -> StoredObject:
        """Move a finished file from ``staging_dir`` under a new key without copying it."""

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Yield bytes start..end (inclusive; None for the end of the object) in bounded chunks."""

    async def delete(self, key: str) -> None: ...

    def discard(self, key: str) -> None:
        """Remove an object from synchronous code (the rollback hook below); missing is fine."""

    async def exists(self, key: str) -> bool: ...


_PENDING = "events.stored_keys"


def delete_on_rollback(session: AsyncSession, storage: Storage, key: str) -> None:
    """Tie a stored object to the session's transaction: if it rolls back, the object goes too."""
    session.sync_session.info.setdefault(_PENDING, []).append((storage, key))


@event.listens_for(Session, "after_commit")
def _keep_stored_objects(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_soft_rollback")
def _discard_stored_objects(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing of it survives
        for storage, key in session.info.pop(_PENDING, []):
            storage.discard(key)


def create_storage(settings) -> Storage:  # noqa: ANN001
    from .local import LocalStorage

    return LocalStorage(settings.storage_dir)


__all__ = ["CHUNK_SIZE", "Storage", "StoredObject", "create_storage", "delete_on_rollback"]
