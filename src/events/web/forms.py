"""What every management form handler reads its body with."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

# A URL-encoded form as a plain dict (fields whose name repeats arrive as lists).
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def form_text(data: dict[str, Any], name: str) -> str | None:
    """The field's text with surrounding blanks removed, or None when it is empty or absent."""
    value = data.get(name)
    value = value.strip() if isinstance(value, str) else None
    return value or None
