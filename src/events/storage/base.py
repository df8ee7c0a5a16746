"""What every storage backend is: the Storage protocol, stored-object records, and undoing a stored
object when its transaction rolls back. Keys are opaque and never derived from a client's file name."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

if TYPE_CHECKING:
    from .staging import Referenced, StagingArea, Swept

CHUNK_SIZE = 256 * 1024


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: float  # seconds since the epoch


@runtime_checkable
class Storage(Protocol):
    staging: StagingArea
    staging_dir: Path
    """Where this process writes uploads before ``adopt``: its own folder (see staging.py), on the
    same filesystem, so adopting is a rename."""
    holding_dir: Path
    """For uploads kept across requests (a directory import awaiting confirmation): subfolders here
    are left alone by the sweep; their owner removes them."""

    async def save(self, chunks: AsyncIterable[bytes]) -> StoredObject:
        """Store the chunks under a new key, hashing while writing; leave nothing behind on failure."""

    async def adopt(self, path: Path, *, sha256: str, size: int) -> StoredObject:
        """Move a finished file from ``staging_dir`` under a new key without copying it."""

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Yield bytes start..end (inclusive; None for the end of the object) in bounded chunks."""

    async def delete(self, key: str) -> None: ...

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> StoredObject:
        """Store bytes under a given key (restoring a backup); an existing object is never replaced."""

    def discard(self, key: str) -> None:
        """Remove an object from synchronous code (the rollback hook below); missing is fine."""

    def settled(self, key: str) -> None:
        """The transaction that refers to a new object committed: the sweep no longer asks about it."""

    async def exists(self, key: str) -> bool: ...

    def objects(self) -> Iterator[ObjectInfo]:
        """Every stored object (not what is staged)."""

    async def sweep_staging(self, referenced: Referenced) -> Swept:
        """Remove what processes that are gone left in staging (see staging.py)."""

    def close(self) -> None:
        """Release this process's staging folder."""


_PENDING = "events.stored_keys"


def delete_on_rollback(session: AsyncSession, storage: Storage, key: str) -> None:
    """Tie a stored object to the session's transaction: if it rolls back, the object goes too; once
    it commits, the object is settled (the start-up sweep no longer asks the database about it)."""
    session.sync_session.info.setdefault(_PENDING, []).append((storage, key))


@event.listens_for(Session, "after_commit")
def _keep_stored_objects(session: Session) -> None:
    for storage, key in session.info.pop(_PENDING, []):
        storage.settled(key)


@event.listens_for(Session, "after_soft_rollback")
def _discard_stored_objects(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing of it survives
        for storage, key in session.info.pop(_PENDING, []):
            storage.discard(key)
