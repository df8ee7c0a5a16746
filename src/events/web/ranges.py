"""HTTP byte ranges (RFC 9110, section 14), which Litestar's File response does not answer."""

from __future__ import annotations

import re

# ASCII digits only ("²".isdigit() is true, and int("²") fails), and no more than any file could need:
# a longer number is ignored like any malformed header (int() refuses past 4,300 digits anyway).
_DIGITS = re.compile(r"[0-9]{0,18}")


class UnsatisfiableRange(Exception):
    """The Range header asks for bytes the representation does not have: answer 416."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte positions of a single-range request, or None for the whole body.

    Malformed headers and multi-range requests are ignored (the whole body is sent), as the RFC allows.
    """
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = (part.strip() for part in spec.strip().partition("-"))
    if not dash or not (_DIGITS.fullmatch(first_text) and _DIGITS.fullmatch(last_text)):
        return None
    if not (first_text or last_text):
        return None
    if not first_text:  # suffix range: the last N bytes
        length = int(last_text)
        if length == 0 or size == 0:
            raise UnsatisfiableRange
        return max(size - length, 0), size - 1
    first = int(first_text)
    if first >= size:
        raise UnsatisfiableRange
    last = int(last_text) if last_text else size - 1
    if last < first:
        return None
    return first, min(last, size - 1)
