"""Accounts: users, their per-event grants, and upload invitations for speakers without one."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.extensions.litestar.session import SessionModelMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import BigIntAuditBase, DateTimeUTC, enum_column
from .events import LearningEvent, Presentation
from .people import Person


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    ORGANISER = "organiser"


class User(BigIntAuditBase):
    __tablename__ = "user_account"
    affects_public_pages = False

    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200), default=None)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, default=Role.ORGANISER)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # The language of the management pages for this user ("en", "fr"); None follows the browser.
    language: Mapped[str | None] = mapped_column(String(8), default=None)


class EventGrant(BigIntAuditBase):
    """Organisers act only on the events they are granted."""

    __tablename__ = "event_grant"
    affects_public_pages = False
    __table_args__ = (UniqueConstraint("user_id", "event_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("learning_event.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(lazy="raise")
    event: Mapped[LearningEvent] = relationship(lazy="raise")


class UploadInvitation(BigIntAuditBase):
    """An expiring link that lets one speaker upload slides for one presentation, without an account."""

    __tablename__ = "upload_invitation"
    affects_public_pages = False

    presentation_id: Mapped[int] = mapped_column(
        ForeignKey("presentation.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # Only the SHA-256 of the token is kept; the token itself is shown once.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    presentation: Mapped[Presentation] = relationship(lazy="raise")
    person: Mapped[Person | None] = relationship(lazy="raise")


class UserSession(SessionModelMixin):
    """Server-side sessions in the database, so that every worker process sees every sign-in."""

    __tablename__ = "user_session"
    affects_public_pages = False

    # Whose session it is: a change of role or a deactivation ends all of that user's sessions.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True, default=None
    )


class LoginThrottle(BigIntAuditBase):
    """Failed sign-ins counted per account and per address, to slow down password guessing."""

    __tablename__ = "login_throttle"
    affects_public_pages = False

    key: Mapped[str] = mapped_column(String(400), unique=True)  # "account:<email>" or "address:<ip>"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
