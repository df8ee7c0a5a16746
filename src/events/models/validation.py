"""What any stored text may hold, checked for every row written, whichever path wrote it.

PostgreSQL refuses a NUL byte and text longer than its column (SQLite stores both as given), and
neither database has an opinion about control characters or bidirectional overrides, which can make
a name display as something else. Checking here, before each flush, means no form, import or command
can store such text, and the refusal names the field instead of surfacing as a database error.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import JSON, String, Text, event, inspect
from sqlalchemy.orm import Session

from ..i18n import format_number, gettext

# Ids are BIGINT: anything past this cannot be one (and would overflow the driver).
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")

# Characters no stored text may hold: C0 controls but tab and line breaks, DEL and C1 controls,
# bidirectional embeddings, overrides and isolates, lone surrogates and the two non-characters
# U+FFFE and U+FFFF. Line breaks are refused too in single-line (VARCHAR) fields.
_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_FORBIDDEN_IN_A_LINE = re.compile(_FORBIDDEN.pattern[:-1] + r"\r\n]")
MAX_LIST_ITEMS = 50  # aliases and other lists of names


class InvalidText(ValueError):
    """A text a field cannot hold; the message (a whole sentence) names the field and says why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def forbidden_character(text: str, *, multiline: bool = True) -> str | None:
    """The first character ``text`` may not hold, described as "U+0000 (NULL)", or None."""
    found = (_FORBIDDEN if multiline else _FORBIDDEN_IN_A_LINE).search(text)
    if found is None:
        return None
    character = found.group()
    if character in "\r\n":
        name = "a line break"
    elif unicodedata.category(character) == "Cc":
        name = "a control character"
    else:
        name = unicodedata.name(character, "").lower() or "not a character"
    return f"U+{ord(character):04X} ({name})"


def printable(text: str) -> str:
    """``text`` with each forbidden character replaced by U+FFFD, for pages that show what was refused."""
    return _FORBIDDEN.sub("\ufffd", text)


def check_text(field: str, text: str, max_length: int | None, *, multiline: bool = True) -> None:
    """Raise InvalidText unless ``text`` fits ``max_length`` and holds only allowed characters."""
    if max_length is not None and len(text) > max_length:
        message = gettext("The %(field)s is too long: at most %(most)s characters, not %(length)s.")
        raise InvalidText(
            field,
            message % {"field": field, "most": format_number(max_length), "length": format_number(len(text))},
        )
    character = forbidden_character(text, multiline=multiline)
    if character:
        message = gettext("The %(field)s holds a character that is not allowed: %(character)s.")
        raise InvalidText(field, message % {"field": field, "character": character})


def as_id(value: object) -> int | None:
    """An id typed or sent as text ("42"), or None if it cannot be one (letters, "²", 2**63, 0)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value.strip()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def field_label(column) -> str:  # noqa: ANN001
    return column.info.get("label") or column.name.replace("_", " ")


def check_value(column, value: object) -> None:  # noqa: ANN001
    """Raise InvalidText unless ``value`` fits the column: its length, its characters, its entries."""
    kind, label = column.type, field_label(column)
    if isinstance(value, str) and isinstance(kind, String | Text):
        limit = getattr(kind, "length", None) or column.info.get("max_length")
        check_text(label, value, limit, multiline=column.info.get("multiline", isinstance(kind, Text)))
    elif isinstance(value, list) and "max_length" in column.info:  # lists of names (aliases)
        if len(value) > MAX_LIST_ITEMS:
            message = gettext("The %(field)s has more than %(most)s entries.")
            raise InvalidText(label, message % {"field": label, "most": MAX_LIST_ITEMS})
        for item in value:
            check_text(label, str(item), column.info["max_length"], multiline=False)


def check_values(table, values: dict[str, object]) -> None:  # noqa: ANN001
    """The same checks for rows written in bulk (Core statements do not flush, so nothing else checks)."""
    for name, value in values.items():
        if name in table.c:
            check_value(table.c[name], value)


def _check_row(row: object) -> None:
    state = inspect(row)
    for attribute in state.mapper.column_attrs:
        column = attribute.columns[0]
        if not isinstance(column.type, String | Text | JSON):
            continue
        if state.persistent and not state.attrs[attribute.key].history.added:
            continue  # unchanged since it was loaded: checked when it was written
        check_value(column, getattr(row, attribute.key))


@event.listens_for(Session, "before_flush")
def _check_texts(session: Session, _flush_context, _instances) -> None:  # noqa: ANN001
    for row in (*session.new, *session.dirty):
        _check_row(row)
