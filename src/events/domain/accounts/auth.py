"""Who is signed in, and what they may do: Litestar's session auth with sessions kept in the database,
and the guards every management route carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from advanced_alchemy.extensions.litestar.session import SQLAlchemyAsyncSessionBackend
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.security.session_auth import SessionAuth
from sqlalchemy import select

from ...config import Settings
from ...models import Role, User, UserSession
from ...web.csrf import UNGUARDED_PATHS
from ..audit import Actor
from .service import granted_event_ids

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


class DatabaseSessionBackend(SQLAlchemyAsyncSessionBackend):
    async def store_in_message(self, scope_session, message, connection) -> None:  # noqa: ANN001
        # Litestar would store an empty session (and set a cookie) for every anonymous visitor.
        if not scope_session and self.config.key not in connection.cookies:
            return
        await super().store_in_message(scope_session, message, connection)


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
                user.id, user.email, user.display_name, user.role, await granted_event_ids(db, user.id)
            )

    return SessionAuth[SignedIn, SQLAlchemyAsyncSessionBackend](
        retrieve_user_handler=retrieve_user,
        session_backend_config=DatabaseSessionConfig(
            database=database,
            key="events_session",
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
        raise NotAuthorizedException("Please sign in.")
    return user


# --- guards -----------------------------------------------------------------------------------------


def signed_in(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    current_user(connection)


def staff_only(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    if not current_user(connection).is_staff:
        raise PermissionDeniedException("Only council staff and administrators may do this.")


def admin_only(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    if not current_user(connection).is_admin:
        raise PermissionDeniedException("Only administrators may do this.")


def event_access(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Organisers reach only the events they are granted; staff and admins reach all."""
    user = current_user(connection)
    event_id = connection.path_params.get("event_id")
    if event_id is None or not user.may_manage(int(event_id)):
        raise PermissionDeniedException("You are not an organiser of this event.")
