"""Dependencies that handlers ask for by name, declared explicitly as Litestar wants."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextvars import ContextVar

from litestar import Response
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from ..config import Settings
from ..storage import Storage
from .page_cache import PageCache

DbSession = NamedDependency[AsyncSession]
PageCacheDep = NamedDependency[PageCache]
StorageDep = NamedDependency[Storage]
SettingsDep = NamedDependency[Settings]


# The status of the response the handler returned, read by provide_transaction's clean-up: Litestar
# runs after_request hooks before generator dependencies finish, in the same task.
_answered_status: ContextVar[int] = ContextVar("answered_status", default=200)


async def remember_status(response: Response) -> Response:
    """after_request hook: note the status so that an error page never commits a half-done write."""
    _answered_status.set(response.status_code or 200)  # a file answer leaves it unset until sent
    return response


async def provide_transaction(db_session: DbSession) -> AsyncGenerator[AsyncSession, None]:
    """The request's session, committed as soon as the handler returns a success, rolled back if it
    raised or answered an error (a handler that caught a service error and rendered the form again).

    advanced-alchemy's own handler commits when the response is sent, after the session middleware
    has written the sign-in session; on SQLite, which allows one writer at a time, those two writes
    would wait for each other. Committing here orders them.
    """
    _answered_status.set(200)
    try:
        yield db_session
    except Exception:
        await db_session.rollback()
        raise
    if _answered_status.get() >= 400:
        await db_session.rollback()
    else:
        await db_session.commit()


Db = NamedDependency[AsyncSession]  # ``db``: the request's transaction (see provide_transaction)
