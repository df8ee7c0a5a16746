"""Properties of the small parsers every request goes through, checked on generated input."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from events.models.base import name_key
from events.text import fold, searchable, slugify
from events.web.ranges import UnsatisfiableRange, parse_range

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
sizes = st.integers(min_value=0, max_value=10**12)
range_headers = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda first, last, unit: f"{unit}={first}-{last}",
        st.one_of(st.just(""), st.integers(min_value=0, max_value=10**20).map(str), st.text(max_size=5)),
        st.one_of(st.just(""), st.integers(min_value=0, max_value=10**20).map(str), st.text(max_size=5)),
        st.sampled_from(["bytes", "BYTES", " bytes ", "pages", ""]),
    ),
)


@given(range_headers, sizes)
@example("bytes=²-", 1000)
@example("bytes=-²", 1000)
@example("bytes=0-" + "9" * 5000, 1000)
@example("bytes=١-٢", 1000)  # Arabic-Indic digits
def test_a_range_is_inside_the_file_or_refused_cleanly(header, size):
    try:
        found = parse_range(header, size)
    except UnsatisfiableRange:
        return
    if found is not None:
        first, last = found
        assert 0 <= first <= last < size


@given(st.integers(min_value=1, max_value=10**12), st.data())
def test_every_well_formed_range_inside_the_file_is_honoured(size, data):
    first = data.draw(st.integers(min_value=0, max_value=size - 1))
    last = data.draw(st.integers(min_value=first, max_value=size - 1))
    assert parse_range(f"bytes={first}-{last}", size) == (first, last)
    assert parse_range(f"bytes={first}-", size) == (first, size - 1)
    assert parse_range(f"bytes=-{size - first}", size) == (first, size - 1)


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_slugs_are_plain_ascii_words_within_the_limit_and_stable(text, max_length):
    slug = slugify(text, max_length)
    assert SLUG.fullmatch(slug) and len(slug) <= max_length
    assert slugify(slug, max_length) == slug


@given(st.text())
@example("Société d'État")
@example("ǅ ﬁ Ⅻ ß İ")
def test_folding_is_idempotent_lower_case_and_without_accents_or_punctuation(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.lower()
    assert not re.search(r"[^\w ]", folded)
    assert "  " not in folded and folded == folded.strip()
    assert name_key(text) == folded.replace(" ", "")


@given(st.text())
def test_a_name_is_found_by_each_of_its_folded_words(text):
    assert set(fold(text).split()) <= set(searchable(text).split())
