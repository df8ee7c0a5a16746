"""The database as public pages read it: the site revision, and synchronous page reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..models import SiteState
from .revision import bump_revision_statement

_READ_REVISION = select(SiteState.revision, SiteState.next_release_at)
T = TypeVar("T")


class PublicReads:
    """The database as public pages read it: the site revision on every request, and page reads.

    Page reads are plain synchronous SQLAlchemy (``work(session)``). On SQLite they run right on the
    event loop with the sqlite3 driver: reading a page's rows from a local file takes a few
    milliseconds of CPU, and handing that to another thread (aiosqlite hops threads several times per
    statement; a worker thread fights the loop for the GIL) cost more than the reading itself,
    measured with bench/event_page.py. Elsewhere they run through the async session's ``run_sync``.
    Either way the CPU-bound part, like rendering, runs on the loop.
    """

    def __init__(self, config: SQLAlchemyAsyncConfig, *, wait_seconds: float = 15.0) -> None:
        self._engine = config.get_engine()
        self._sessions = config.create_session_maker()
        self._sqlite: Engine | None = None
        if self._engine.dialect.name == "sqlite":
            self._sqlite = create_engine(
                self._engine.url.set(drivername="sqlite"), connect_args={"timeout": wait_seconds}
            )
        # No BEGIN/ROLLBACK around the single SELECT of the revision.
        self._autocommit = self._engine.execution_options(isolation_level="AUTOCOMMIT")

    async def revision(self) -> int:
        """The current revision: one query, plus a bump when an embargo has just lapsed."""
        if self._sqlite is not None:  # one row, well under a tenth of a millisecond: no thread needed
            with self._sqlite.connect() as connection:
                revision, next_release_at = connection.execute(_READ_REVISION).one()
        else:
            async with self._autocommit.connect() as connection:
                revision, next_release_at = (await connection.execute(_READ_REVISION)).one()
        now = dt.datetime.now(dt.UTC)
        if next_release_at is not None and next_release_at <= now:
            async with self._engine.begin() as connection:
                await connection.execute(bump_revision_statement(now).where(SiteState.revision == revision))
                revision = (await connection.execute(select(SiteState.revision))).scalar_one()
        return revision

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run read-only ``work(session)`` and return its result."""
        if self._sqlite is not None:
            return self._run_on_sqlite(work)
        async with self._sessions() as session:
            return await session.run_sync(work)

    def _run_on_sqlite(self, work: Callable[[Session], T]) -> T:
        with Session(self._sqlite) as session:
            return work(session)

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.dispose()
