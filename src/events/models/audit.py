"""The audit log and the site revision that public page caches are validated against."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase, BigIntBase, DateTimeUTC, JsonB


class AuditEntry(BigIntAuditBase):
    """Who did what to which record, and when; written by every service write."""

    __tablename__ = "audit_entry"
    affects_public_pages = False

    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # How the actor is shown when there is no user: "command line", "by invitation", ...
    actor_label: Mapped[str | None] = mapped_column(String(200), default=None)
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    event_id: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)
    summary: Mapped[str | None] = mapped_column(String(500), default=None)
    changes: Mapped[dict] = mapped_column(JsonB, default=dict)


class SiteState(BigIntBase):
    """One row: a counter that every write bumps in its own transaction, and the next embargo release."""

    __tablename__ = "site_state"
    affects_public_pages = False

    revision: Mapped[int] = mapped_column(Integer, default=1)
    next_release_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
