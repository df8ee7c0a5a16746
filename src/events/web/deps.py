"""Dependencies that handlers ask for by name, declared explicitly as Litestar wants."""

from __future__ import annotations

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from ..storage import Storage
from .page_cache import PageCache

DbSession = NamedDependency[AsyncSession]
PageCacheDep = NamedDependency[PageCache]
StorageDep = NamedDependency[Storage]
