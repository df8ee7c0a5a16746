"""Conditional requests (RFC 9110, section 13): entity tags compared as the RFC says, for pages and files."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, in a comma-separated list
_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)')


def _entity_tags(header: str) -> list[tuple[bool, str]]:
    """(weak, opaque-tag) for each well-formed tag of a list; malformed parts are skipped."""
    return [(bool(weak), opaque) for weak, opaque in _ENTITY_TAG.findall(header)]


def _opaque(etag: str) -> str:
    return etag.removeprefix("W/").strip('"')


def none_match(if_none_match: str | None, etag: str) -> bool:
    """True when If-None-Match holds ``etag`` by weak comparison (W/ ignored on both sides), or is "*"."""
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(opaque == _opaque(etag) for _weak, opaque in _entity_tags(if_none_match))


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, modified: dt.datetime
) -> bool:
    """Whether a GET can be answered 304; If-Modified-Since counts only without If-None-Match."""
    if if_none_match is not None:
        return none_match(if_none_match, etag)
    if not if_modified_since:
        return False
    try:
        return modified.replace(microsecond=0) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False


def range_applies(if_range: str | None, etag: str, modified: dt.datetime) -> bool:
    """Whether a Range may be honoured under If-Range: a strong tag equal to ours, or our exact date."""
    if if_range is None:
        return True
    if_range = if_range.strip()
    if if_range.startswith(('"', "W/")):
        tags = _entity_tags(if_range)
        return not etag.startswith("W/") and tags == [(False, _opaque(etag))]
    try:
        return modified.replace(microsecond=0) == parsedate_to_datetime(if_range)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
