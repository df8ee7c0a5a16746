"""Shared model pieces: the advanced-alchemy base classes and a few column helpers."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.base import BigIntAuditBase, BigIntBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import JSON, Enum
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["BigIntAuditBase", "BigIntBase", "DateTimeUTC", "JsonB", "SoftDelete", "enum_column", "utcnow"]


# advanced-alchemy's JsonB breaks on SQLAlchemy 2.1 (it calls a removed helper); this is the same idea.
JsonB = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def enum_column(enum_class: type[enum.Enum], **kwargs: object) -> Mapped:
    """A portable enum stored as its lower-case value in a VARCHAR with a CHECK constraint."""
    return mapped_column(
        Enum(
            enum_class,
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda members: [member.value for member in members],
            name=f"ck_{enum_class.__name__.lower()}",
        ),
        **kwargs,
    )


class SoftDelete:
    """Rows are hidden, never removed, so that a deletion can be undone (Indico's habit)."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
