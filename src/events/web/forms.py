"""What every management form handler reads its body with."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.params import Body

from ..models.validation import as_id

# A URL-encoded form as a plain dict (fields whose name repeats arrive as lists).
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def form_text(data: dict[str, Any], name: str) -> str | None:
    """The field's text with surrounding blanks removed, or None when it is empty or absent."""
    value = data.get(name)
    value = value.strip() if isinstance(value, str) else None
    return value or None


# Listings are paged 25 to 50 at a time: past this a page number is a mistake (and too large an OFFSET).
MAX_PAGE = 10_000


def form_id(data: dict[str, Any], name: str) -> int | None:
    """The id in field ``name`` (None when it is empty); a value that cannot be an id answers 400."""
    value = form_text(data, name)
    if value is None:
        return None
    found = as_id(value)
    if found is None:
        raise ValidationException(f"The field “{name}” is not a valid id: {value[:40]!r}.")
    return found


def page_number(value: str | None) -> int:
    """A page number from a query string: 1 unless it is a whole number from 1 to MAX_PAGE."""
    return min(as_id(value) or 1, MAX_PAGE)
