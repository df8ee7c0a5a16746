"""Dependencies that handlers ask for by name, declared explicitly as Litestar wants."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from ..config import Settings
from ..storage import Storage
from .page_cache import PageCache

DbSession = NamedDependency[AsyncSession]
PageCacheDep = NamedDependency[PageCache]
StorageDep = NamedDependency[Storage]
SettingsDep = NamedDependency[Settings]


async def provide_transaction(db_session: DbSession) -> AsyncGenerator[AsyncSession, None]:
    """The request's session, committed as soon as the handler returns, rolled back if it raised.

    advanced-alchemy's own handler commits when the response is sent, after the session middleware
    has written the sign-in session; on SQLite, which allows one writer at a time, those two writes
    would wait for each other. Committing here orders them.
    """
    try:
        yield db_session
    except Exception:
        await db_session.rollback()
        raise
    await db_session.commit()


Db = NamedDependency[AsyncSession]  # ``db``: the request's transaction (see provide_transaction)
