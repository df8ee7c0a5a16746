"""Shared model pieces: the advanced-alchemy base classes and a few column helpers."""

from __future__ import annotations

import datetime as dt
import enum

from advanced_alchemy.base import BigIntAuditBase, BigIntBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    delete,
    insert,
)
from sqlalchemy import inspect as inspect_state
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..text import fold

__all__ = [
    "BigIntAuditBase",
    "BigIntBase",
    "DateTimeUTC",
    "JsonB",
    "SoftDelete",
    "enum_column",
    "name_key",
    "name_terms",
    "name_terms_table",
    "utcnow",
    "write_name_terms",
]


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


def name_key(text: str) -> str:
    """A name without accents, case, punctuation or spaces: "Mac Donald, É." -> "macdonalde"."""
    return fold(text).replace(" ", "")


TERM_LENGTH = 60
# Byte order on PostgreSQL, so that a prefix is a range of the index whatever the database's locale.
_TERM = String(TERM_LENGTH).with_variant(String(TERM_LENGTH, collation="C"), "postgresql")


def name_terms_table(name: str, owner: str) -> Table:
    """A table of the folded words of a directory record's names: ``(owner_id, term)``.

    Typing "mck" finds McKendy through the ``(term, owner_id)`` index as the range
    ``"mck" <= term < "mck\uffff"``, which both SQLite and PostgreSQL answer without a scan.
    """
    owner_id = f"{owner}_id"
    return Table(
        name,
        BigIntAuditBase.metadata,
        Column(owner_id, BigInteger, ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
        Column("term", _TERM, primary_key=True),
        Index(f"ix_{name}_term", "term", owner_id),
    )


def name_terms(search_text: str) -> list[str]:
    """The terms a record is found by in its name-terms table: each folded word, cut to TERM_LENGTH."""
    return sorted({word[:TERM_LENGTH] for word in search_text.split()})


def write_name_terms(connection: Connection, table: Table, record: object) -> None:
    """Keep ``table`` in step with ``record.search_text`` (merged records are not searchable)."""
    state = inspect_state(record)
    owner_id = table.c[0]
    if state.has_identity and not (
        state.attrs.search_text.history.has_changes() or state.attrs.merged_into_id.history.has_changes()
    ):
        return
    connection.execute(delete(table).where(owner_id == record.id))
    if record.merged_into_id is None:
        terms = name_terms(record.search_text)
        if terms:
            connection.execute(insert(table), [{owner_id.name: record.id, "term": term} for term in terms])
