"""Who is signed in, and what they may do: Litestar's session auth with sessions kept in the database,
and the guards every management route carries."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from advanced_alchemy.extensions.litestar.session import SQLAlchemyAsyncSessionBackend
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.security.session_auth import SessionAuth
from litestar.stores.base import Store
from litestar.types import Empty
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from ...audit import Actor
from ...config import Settings
from ...i18n import gettext
from ...models import Role, User, UserSession
from ...web.csrf import UNGUARDED_PATHS, cookie_name, restored_cookie
from ...web.errors import is_busy
from .queries import granted_event_ids

# Everything outside /manage is public, and so is the sign-in page itself. Sessions are not even
# loaded outside /manage and /upload: public pages are the same for everyone, and cached.
PUBLIC_PATHS = [r"^(?!/manage)", r"^/manage/login"]
SESSIONLESS_PATHS = UNGUARDED_PATHS


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user as guards and pages need it (loaded once per request)."""

    id: int
    email: str
    display_name: str | None
    role: Role
    event_ids: frozenset[int] = field(default_factory=frozenset)
    language: str | None = None  # the pages' language they chose ("en", "fr"); None follows the browser

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """Staff and admins keep the shared directory and may act on every event."""
        return self.role in (Role.ADMIN, Role.STAFF)

    def may_manage(self, event_id: int) -> bool:
        return self.is_staff or event_id in self.event_ids

    @property
    def name(self) -> str:
        return self.display_name or self.email


# Scope keys: the id of the session row this request loaded (an id the store knows), and its data.
_LOADED_ID = "events.session_id"
_LOADED_DATA = "events.session_data"
# A session's expiry is pushed back when a request finds it this much older than new: not on every
# request, which would make every management page a write (and SQLite has one writer at a time).
RENEW_AFTER = dt.timedelta(minutes=10)
logger = logging.getLogger("events")


def loaded_session_id(connection: ASGIConnection) -> str | None:
    """The id of the stored session this request came with, if any."""
    return connection.scope.get(_LOADED_ID)


class DatabaseSessionBackend(SQLAlchemyAsyncSessionBackend):
    """advanced-alchemy's sessions in the database, with ids that only the server gives out.

    Litestar keeps whatever id the cookie names, even after ``clear_session()``: an id planted in a
    browser before sign-in would become the signed-in session's. Here a cookie's id is kept only if its
    row exists; a cleared session (sign-in, sign-out) loses its row, and what is stored after it goes
    under a new id, in a row that records its user. Anonymous visitors get no session at all. The
    session's CSRF cookie goes with it (web/csrf.py).
    """

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        data = await self._read(session_id) if session_id and len(session_id) <= 255 else None
        if data is None:
            return {}
        connection.scope[_LOADED_ID] = session_id
        connection.scope[_LOADED_DATA] = data
        return self.deserialize_data(data)

    async def _read(self, session_id: str) -> bytes | None:
        """The session's data if it exists and has not expired; its expiry renewed now and then."""
        now = dt.datetime.now(dt.UTC)
        async with self.alchemy.get_session() as db:
            row = (
                await db.execute(
                    select(UserSession.data, UserSession.expires_at).where(
                        UserSession.session_id == session_id
                    )
                )
            ).one_or_none()
            if row is None or row.expires_at <= now:
                return None
            if row.expires_at < self._expiry() - RENEW_AFTER:
                try:
                    await db.execute(
                        update(UserSession)
                        .where(UserSession.session_id == session_id)
                        .values(expires_at=self._expiry())
                    )
                    await db.commit()
                except DBAPIError as error:  # busy: renewed by a later request instead
                    if not is_busy(error):
                        raise
            return row.data

    def get_session_id(self, connection: ASGIConnection) -> str:
        return connection.scope.get(_LOADED_ID) or self.generate_session_id()

    async def store_in_message(self, scope_session, message, connection) -> None:  # noqa: ANN001
        loaded = connection.scope.get(_LOADED_ID)
        session_id = connection.get_session_id()  # None once clear_session() ran
        empty = scope_session is Empty or not scope_session
        if loaded and (empty or session_id != loaded):
            await self._written(self.delete(loaded, store=self._store(connection)), connection)
        headers = MutableScopeHeaders.from_message(message)
        if empty:
            if self.config.key in connection.cookies:
                headers.add("Set-Cookie", self._cookie("null", max_age=0))
            return
        data = self.serialize_data(scope_session, connection.scope)
        if session_id and session_id == loaded:
            if data != connection.scope.get(_LOADED_DATA):  # most requests change nothing: no write
                await self._written(self._update(session_id, data), connection)
        else:
            session_id = session_id or self.generate_session_id()
            await self._written(self._insert(session_id, data, scope_session.get("user_id")), connection)
        headers.add("Set-Cookie", self._cookie(session_id))
        if csrf_cookie := restored_cookie(connection, scope_session):
            headers.add("Set-Cookie", csrf_cookie)

    async def _written(self, write: Any, connection: ASGIConnection) -> None:
        """Run a session write. It happens as the response starts, too late to answer 503 instead: a
        database still busy after the wait loses this write (a notice, a sign-in to repeat), never the
        response. Sign-out deletes its row in the request's own transaction (see manage.py)."""
        try:
            await write
        except DBAPIError as error:
            if not is_busy(error):
                raise
            logger.warning("session not saved on %s: the database is busy", connection.scope["path"])

    async def _update(self, session_id: str, data: bytes) -> None:
        # An UPDATE, not Litestar's upsert: a row deleted meanwhile (its user's role changed) stays gone.
        async with self.alchemy.get_session() as db:
            await db.execute(
                update(UserSession)
                .where(UserSession.session_id == session_id)
                .values(data=data, expires_at=self._expiry())
            )
            await db.commit()

    async def _insert(self, session_id: str, data: bytes, user_id: Any) -> None:
        async with self.alchemy.get_session() as db:
            owner = user_id if isinstance(user_id, int) else None
            db.add(UserSession(session_id=session_id, data=data, expires_at=self._expiry(), user_id=owner))
            await db.commit()

    def _expiry(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.config.max_age)

    def _store(self, connection: ASGIConnection) -> Store:  # unused by this backend, but its API
        return self.config.get_store_from_app(connection.scope["app"])

    def _cookie(self, value: str, **changes: Any) -> str:
        config = self.config
        cookie = Cookie(key=config.key, value=value, max_age=config.max_age, path=config.path,
                        domain=config.domain, secure=config.secure, httponly=config.httponly,
                        samesite=config.samesite)  # fmt: skip
        return replace(cookie, **changes).to_header(header="")


@dataclass
class DatabaseSessionConfig(ServerSideSessionConfig):
    """Server-side sessions stored through advanced-alchemy's backend, shared by every worker."""

    database: SQLAlchemyAsyncConfig | None = None

    def _backend_class(self, config: ServerSideSessionConfig) -> SQLAlchemyAsyncSessionBackend:  # type: ignore[override]
        return DatabaseSessionBackend(config=config, alchemy_config=self.database, model=UserSession)


def session_auth(settings: Settings, database: SQLAlchemyAsyncConfig) -> SessionAuth:
    async def retrieve_user(session: dict[str, Any], _connection: ASGIConnection) -> SignedIn | None:
        user_id = session.get("user_id")
        if not isinstance(user_id, int):
            return None
        async with database.get_session() as db:
            user = await db.scalar(select(User).where(User.id == user_id, User.is_active.is_(True)))
            if user is None:
                return None
            return SignedIn(
                user.id,
                user.email,
                user.display_name,
                user.role,
                await granted_event_ids(db, user.id),
                language=user.language,
            )

    return SessionAuth[SignedIn, SQLAlchemyAsyncSessionBackend](
        retrieve_user_handler=retrieve_user,
        session_backend_config=DatabaseSessionConfig(
            database=database,
            key=cookie_name("events_session", settings),
            max_age=12 * 3600,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            exclude=SESSIONLESS_PATHS,
        ),
        exclude=PUBLIC_PATHS,
        exclude_opt_key="public",
    )


def actor_of(connection: ASGIConnection) -> Actor:
    """The signed-in user as the author of a change, for the audit log."""
    return Actor(user_id=current_user(connection).id)


def current_user(connection: ASGIConnection) -> SignedIn:
    user = connection.scope.get("user")
    if not isinstance(user, SignedIn):
        raise NotAuthorizedException(gettext("Please sign in."))
    return user


# --- guards -----------------------------------------------------------------------------------------


def signed_in(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    current_user(connection)


def staff_only(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    if not current_user(connection).is_staff:
        raise PermissionDeniedException(gettext("Only council staff and administrators may do this."))


def admin_only(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    if not current_user(connection).is_admin:
        raise PermissionDeniedException(gettext("Only administrators may do this."))


def event_access(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Organisers reach only the events they are granted; staff and admins reach all."""
    user = current_user(connection)
    event_id = connection.path_params.get("event_id")
    if event_id is None or not user.may_manage(int(event_id)):
        raise PermissionDeniedException(gettext("You are not an organiser of this event."))
