"""Suggested duplicates in the directory, and what staff decided about each pair."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase, DateTimeUTC, JsonB, enum_column


class DuplicateKind(enum.StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class DuplicateStatus(enum.StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"  # "not the same": the pair is never suggested again
    MERGED = "merged"


class DuplicateSuggestion(BigIntAuditBase):
    """Two records that look like one (``first_id < second_id``), with the reasons they look alike."""

    __tablename__ = "duplicate_suggestion"
    __table_args__ = (UniqueConstraint("kind", "first_id", "second_id"),)
    affects_public_pages = False

    kind: Mapped[DuplicateKind] = enum_column(DuplicateKind)
    first_id: Mapped[int] = mapped_column(BigInteger, index=True)
    second_id: Mapped[int] = mapped_column(BigInteger, index=True)
    reasons: Mapped[list[str]] = mapped_column(JsonB, default=list)
    status: Mapped[DuplicateStatus] = enum_column(DuplicateStatus, default=DuplicateStatus.OPEN, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
