"""Stored file names: safe whatever the client sent, and ending in the extension of what the file really is."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from events.domain.materials.filetypes import (
    CSV,
    PDF,
    PPTX,
    TEXT,
    FileType,
    RefusedType,
    detect_file,
    sanitise_filename,
    stored_filename,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
JOINERS = {"\u200c", "\u200d"}  # zero-width (non-)joiners spell some names and are kept


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("slides.html", PDF, "slides.pdf"),
        ("report.exe", PDF, "report.pdf"),
        ("REPORT.EXE", PDF, "REPORT.pdf"),
        ("slides.pdf.exe", PDF, "slides.pdf"),  # no "slides.pdf.pdf"
        ("deck.PPTX", PPTX, "deck.PPTX"),  # the right extension in capitals is kept as it is
        ("deck", PPTX, "deck.pptx"),  # a name without extension gets one
        ("file", PDF, "file.pdf"),  # what the sanitiser leaves of an empty name
        ("report.v2", PDF, "report.v2.pdf"),  # not an extension: kept as part of the name
        ("St.John", PDF, "St.John.pdf"),
        ("notes.md", TEXT, "notes.md"),  # text keeps the text extensions it came with
        ("data.csv", TEXT, "data.csv"),  # a CSV with ragged rows is served as plain text
        ("page.html", TEXT, "page.txt"),
        ("run.bat", TEXT, "run.txt"),
        ("attendance.csv", CSV, "attendance.csv"),
    ],
)
def test_the_stored_extension_follows_the_content(name, kind, expected):
    assert stored_filename(name, kind) == expected


def test_a_long_name_keeps_the_extension_of_its_content():
    name = stored_filename("x" * 198 + ".html", PDF)
    assert name.endswith(".pdf") and len(name.encode()) <= 200


def test_a_pdf_starts_with_its_header(tmp_path):
    """Readers forgive junk before %PDF-, but an HTML page in front would then be served as a PDF."""
    page = tmp_path / "page"
    page.write_bytes(b"<html><body><script>alert(1)</script></body></html>\n%PDF-1.4\n1 0 obj\n")
    with pytest.raises(RefusedType, match="an HTML page"):
        detect_file(page, "page.pdf")
    junk = tmp_path / "junk"
    junk.write_bytes(b"\r\n\xef\xbb\xbf%PDF-1.4\n" + bytes(100))
    assert detect_file_or_none(junk) != PDF
    text = tmp_path / "text"
    text.write_bytes(b"Notes on the %PDF-1.7 format\n")
    assert detect_file(text, "notes.pdf") == TEXT
    for fixture in ("single-window.pdf", "common-business-number.pdf"):
        assert detect_file(FIXTURES / fixture, fixture) == PDF


def detect_file_or_none(path: Path) -> FileType | None:
    try:
        return detect_file(path)
    except RefusedType:
        return None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('"slides', "slides"),  # a raw CR/LF cut the quoted header value: the parser keeps its opening quote
        ('"slides.pdf"\n', "slides.pdf"),  # a line break after the closing quote: both quotes kept
        ('"\r\n"', "file"),
        ('My "best" deck.pdf', 'My "best" deck.pdf'),  # quotes inside a name are the client's own
    ],
)
def test_stray_quotes_around_a_name_are_removed(name, expected):
    assert sanitise_filename(name) == expected


# --- properties --------------------------------------------------------------------------------------

# No deadline: on a loaded machine a slow example is not a wrong one (speed is measured in bench/).
PROPERTY = settings(deadline=None)

AWKWARD = st.sampled_from(
    list("./\\ \t\r\n\"'\x00\x7f\x85:C.é€😀\u202e\u200b\u200c\u2028\ufeff\udcff") + ["e\u0301"]
)
NAMES = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(exclude_categories=())),  # lone surrogates too
    st.lists(st.one_of(AWKWARD, st.text(max_size=3)), max_size=60).map("".join),
    st.text(min_size=150, max_size=400),
)


def _unsafe(char: str) -> bool:
    category = unicodedata.category(char)
    return category in {"Cc", "Cs", "Zl", "Zp"} or (category == "Cf" and char not in JOINERS)


@PROPERTY
@given(NAMES, st.integers(min_value=8, max_value=300))
@example("\udcff" * 3 + ".pdf", 200)
@example("a." + "é" * 200, 20)
@example("A\x1f:", 8)  # found by Hypothesis: the control hid a drive letter, and a second pass removed it
def test_a_sanitised_name_is_always_safe_and_stable(name, max_bytes):
    safe = sanitise_filename(name, max_bytes=max_bytes)
    assert safe
    assert not any(_unsafe(char) for char in safe)
    assert "/" not in safe and "\\" not in safe
    assert not safe.startswith(".")
    assert not safe.startswith('"') and not safe.endswith('"')
    assert len(safe.encode("utf-8")) <= max_bytes
    assert unicodedata.is_normalized("NFC", safe)
    assert sanitise_filename(safe, max_bytes=max_bytes) == safe


PLAIN = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 _()-]{0,60}[A-Za-z0-9]\.(pdf|pptx|docx|txt)", fullmatch=True)
LETTERS = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=45).map(lambda s: s + ".pdf")


@PROPERTY
@given(st.one_of(PLAIN, LETTERS))
def test_a_plain_name_is_kept_as_it_is(name):
    if not unicodedata.is_normalized("NFC", name):
        name = unicodedata.normalize("NFC", name)  # a few letters have a composed form: that one is plain
    assert sanitise_filename(name) == name


@PROPERTY
@given(NAMES, st.sampled_from([PDF, PPTX, TEXT, CSV]))
def test_a_stored_name_ends_as_its_content_and_is_stable(name, kind):
    stored = stored_filename(sanitise_filename(name), kind)
    assert stored.lower().endswith(tuple(f".{extension}" for extension in kind.extensions))
    assert sanitise_filename(stored) == stored
    assert stored_filename(stored, kind) == stored
