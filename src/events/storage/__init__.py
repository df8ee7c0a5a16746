"""Where material bytes live: the protocol in base.py, the backends beside it."""

from __future__ import annotations

from ..config import Settings
from .base import CHUNK_SIZE, ObjectInfo, Storage, StoredObject, delete_on_rollback
from .local import LocalStorage


def create_storage(settings: Settings) -> Storage:
    return LocalStorage(settings.storage_dir)


__all__ = ["CHUNK_SIZE", "ObjectInfo", "Storage", "StoredObject", "create_storage", "delete_on_rollback"]
