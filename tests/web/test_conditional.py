"""Entity tags compared as RFC 9110 says (weak comparison for GET, lists, "*"), on pages and downloads."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from events.web.conditional import none_match, not_modified, range_applies

EVENT_URL = "/events/2003-fredericton-learning-event"
MODIFIED = dt.datetime(2003, 9, 22, 12, 0, 0, tzinfo=dt.UTC)
DATE = "Mon, 22 Sep 2003 12:00:00 GMT"


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('W/"r5"', True),
        ('"r5"', True),  # weak comparison ignores W/ on either side
        ('"r4", W/"r5"', True),
        ('"r4" , "r5"', True),
        ("*", True),
        (" * ", True),
        ('"r4"', False),
        ('W/"r55"', False),  # not a substring match
        ('"r"', False),
        ("r5", False),  # unquoted: not an entity tag
        ("", False),
        (None, False),
    ],
)
def test_if_none_match_uses_weak_comparison(header, matches):
    assert none_match(header, 'W/"r5"') is matches


def test_if_none_match_wins_over_if_modified_since():
    assert not_modified(None, DATE, '"a"', MODIFIED)
    assert not not_modified('"b"', DATE, '"a"', MODIFIED)
    assert not not_modified(None, "not a date", '"a"', MODIFIED)
    assert not not_modified(None, "Mon, 22 Sep 2003 11:59:59 GMT", '"a"', MODIFIED)


@pytest.mark.parametrize(
    ("if_range", "applies"),
    [
        (None, True),
        ('"a"', True),
        ('W/"a"', False),  # If-Range needs strong comparison
        ('"b"', False),
        (DATE, True),
        ("Mon, 22 Sep 2003 11:00:00 GMT", False),
        ("garbage", False),
    ],
)
def test_if_range_uses_strong_comparison_or_the_exact_date(if_range, applies):
    assert range_applies(if_range, '"a"', MODIFIED) is applies


def test_a_weak_page_tag_never_satisfies_if_range():
    assert not range_applies('W/"r5"', 'W/"r5"', MODIFIED)


@pytest.mark.parametrize("variant", ["bare", "star", "list"])
def test_pages_answer_304_to_their_tag_in_any_valid_form(demo, client, variant):
    etag = client.get(EVENT_URL).headers["etag"]
    assert etag.startswith('W/"')
    header = {"bare": etag.removeprefix("W/"), "star": "*", "list": f'"other", {etag}'}[variant]
    response = client.get(EVENT_URL, headers={"If-None-Match": header})
    assert response.status_code == 304
    assert response.content == b""
    partial = client.get(EVENT_URL, headers={"If-None-Match": etag[:-3] + '"'})
    assert partial.status_code == 200


def test_downloads_compare_tags_the_same_way(demo, client):
    href = re.search(r'href="(/materials/[^"]+)"', client.get(EVENT_URL).text).group(1)
    full = client.get(href)
    etag, modified = full.headers["etag"], full.headers["last-modified"]
    for header in (etag, f"W/{etag}", "*", f'"x", {etag}'):
        assert client.get(href, headers={"If-None-Match": header}).status_code == 304, header
    assert client.get(href, headers={"If-None-Match": etag[:-5] + '"'}).status_code == 200
    ranged = {"Range": "bytes=0-9"}
    assert client.get(href, headers={**ranged, "If-Range": etag}).status_code == 206
    assert client.get(href, headers={**ranged, "If-Range": modified}).status_code == 206
    weak = client.get(href, headers={**ranged, "If-Range": f"W/{etag}"})
    assert weak.status_code == 200 and weak.content == full.content
