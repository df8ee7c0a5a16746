"""Upload types are judged by content, on real LibreOffice files and on a few hand-built headers."""

from __future__ import annotations

import shutil
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest

from events.domain.materials.filetypes import SAMPLE_BYTES, RefusedType, detect_file, sanitise_filename

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
EXPECTED = {
    "single-window.ppt": ("application/vnd.ms-powerpoint", "PowerPoint", "ppt"),
    "single-window.pptx": (OOXML + "presentationml.presentation", "PowerPoint", "pptx"),
    "single-window.odp": (ODF + "presentation", "OpenDocument presentation", "odp"),
    "single-window.pdf": ("application/pdf", "PDF", "pdf"),
    "common-business-number.doc": ("application/msword", "Word", "doc"),
    "common-business-number.docx": (OOXML + "wordprocessingml.document", "Word", "docx"),
    "common-business-number.odt": (ODF + "text", "OpenDocument text", "odt"),
    "common-business-number.pdf": ("application/pdf", "PDF", "pdf"),
    "attendance.xls": ("application/vnd.ms-excel", "Excel", "xls"),
    "attendance.xlsx": (OOXML + "spreadsheetml.sheet", "Excel", "xlsx"),
    "attendance.ods": (ODF + "spreadsheet", "OpenDocument spreadsheet", "ods"),
    "attendance.csv": ("text/csv", "CSV", "csv"),
}
PLAIN_TEXT = ("text/plain", "plain text", "txt")
ACCEPTED = "accepted are PDF, PowerPoint, Word, Excel, OpenDocument, text, CSV, images, audio and video."


def kind(path: Path, filename: str | None = None) -> tuple[str, str, str]:
    found = detect_file(path, filename)
    return found.content_type, found.label, found.extension


def write(tmp_path: Path, data: bytes | str, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def refusal(path: Path, filename: str | None = None) -> RefusedType:
    with pytest.raises(RefusedType) as caught:
        detect_file(path, filename)
    return caught.value


def test_every_shared_fixture_is_in_the_repository_and_expected():
    assert {p.name for p in FIXTURES.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_office_files_are_detected(name):
    assert kind(FIXTURES / name, name) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("disguise", ["x.pdf", "slides.pptx", "notes.txt", "photo.jpg", "noextension"])
def test_the_name_does_not_decide_the_type(tmp_path, name, disguise):
    renamed = tmp_path / disguise
    shutil.copyfile(FIXTURES / name, renamed)
    # Only CSV needs its name, to tell it from plain text; renamed, it is still accepted, as text.
    expected = PLAIN_TEXT if name.endswith(".csv") else EXPECTED[name]
    assert kind(renamed, disguise) == expected
    assert kind(renamed) == expected


@pytest.mark.parametrize(
    ("name", "stream"),
    [
        ("single-window.ppt", "PowerPoint Document"),
        ("common-business-number.doc", "WordDocument"),
        ("attendance.xls", "Workbook"),
    ],
)
def test_legacy_office_files_are_told_by_their_main_stream(tmp_path, name, stream):
    # Rename the stream in the OLE2 directory (UTF-16 names): the same container is no longer that file.
    data = (FIXTURES / name).read_bytes()
    old = stream.encode("utf-16-le")
    assert data.count(old) == 1
    other = write(tmp_path, data.replace(old, (stream[:-1] + "X").encode("utf-16-le")), name)
    assert refusal(other, name).found == "an OLE2 compound file that is not a PowerPoint, Word or Excel file"


def rename_ole_entry(data: bytes, old: str, new: str) -> bytes:
    # A directory entry starts with its name (UTF-16, NUL-padded to 64 bytes), then the name's byte length.
    at = data.index(old.encode("utf-16-le"))
    entry = new.encode("utf-16-le").ljust(64, b"\x00") + ((len(new) + 1) * 2).to_bytes(2, "little")
    return data[:at] + entry + data[at + 66 :]


def test_a_password_protected_office_file_is_refused_as_such(tmp_path):
    # Office wraps an encrypted .pptx in an OLE2 file whose content is the "EncryptedPackage" stream.
    data = rename_ole_entry(
        (FIXTURES / "single-window.ppt").read_bytes(), "PowerPoint Document", "EncryptedPackage"
    )
    assert refusal(write(tmp_path, data, "deck.pptx")).found == "a password-protected Office file"


def test_a_damaged_ole2_file_is_refused(tmp_path):
    path = write(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "deck.ppt")
    assert refusal(path).found == "a damaged OLE2 compound file"


def make_zip(tmp_path: Path, entries: dict[str, bytes], name: str = "upload.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return path


def fixture_entries(name: str) -> dict[str, bytes]:
    with zipfile.ZipFile(FIXTURES / name) as archive:
        return {entry: archive.read(entry) for entry in archive.namelist()}


def test_a_zip_with_just_a_text_file_is_refused(tmp_path):
    path = make_zip(tmp_path, {"readme.txt": b"hello"}, "deck.pptx")
    error = refusal(path, "deck.pptx")
    assert error.found == "a ZIP archive that is not an office document"
    assert str(error) == f"This file is a ZIP archive that is not an office document; {ACCEPTED}"


@pytest.mark.parametrize(
    "entries",
    [
        {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>"},  # no main part
        {"ppt/presentation.xml": b"<p/>"},  # a main part but no [Content_Types].xml
        {"mimetype": b"application/vnd.oasis.opendocument.text-template"},  # not one we accept
        {"mimetype": b"application/epub+zip", "content.xml": b"<x/>"},
    ],
)
def test_a_zip_that_only_resembles_an_office_file_is_refused(tmp_path, entries):
    assert refusal(make_zip(tmp_path, entries)).found == "a ZIP archive that is not an office document"


def test_an_opendocument_is_told_by_its_mimetype_entry_not_its_other_names(tmp_path):
    entries = fixture_entries("single-window.odp")
    entries["mimetype"] = b"application/vnd.oasis.opendocument.text"
    assert kind(make_zip(tmp_path, entries))[2] == "odt"


def test_a_big_mimetype_entry_is_not_read(tmp_path):
    # A zip bomb posing as OpenDocument: its `mimetype` would inflate to 50 MB.
    entries = {"mimetype": b"application/vnd.oasis.opendocument.text" + b" " * 50_000_000}
    path = make_zip(tmp_path, entries)
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        assert refusal(path).found == "a ZIP archive that is not an office document"
        assert tracemalloc.get_traced_memory()[1] < 5_000_000
    finally:
        tracemalloc.stop()


def test_an_office_file_with_macros_is_refused(tmp_path):
    entries = fixture_entries("single-window.pptx") | {"ppt/vbaProject.bin": b"\x01\x02"}
    assert refusal(make_zip(tmp_path, entries, "deck.pptx")).found == "an Office file with macros"


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_a_corrupt_zip_is_refused(tmp_path, damage):
    data = (FIXTURES / "single-window.pptx").read_bytes()
    data = data[: len(data) // 2] if damage == "truncated" else b"PK\x03\x04" + b"\xff" * 2000
    assert refusal(write(tmp_path, data, "deck.pptx")).found == "a damaged or encrypted ZIP archive"


def test_html_renamed_pdf_is_refused_naming_html(tmp_path):
    path = write(tmp_path, "<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>", "x.pdf")
    error = refusal(path, "x.pdf")
    assert error.found == "an HTML page"
    assert str(error) == f"This file is an HTML page; {ACCEPTED}"


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff  <!-- exported -->\n<HTML lang=fr><p>Bonjour</p>",
        "<head><title>x</title></head>",
        "\n\n<Script>alert(document.cookie)</Script>",
        "<iframe src='https://example.org'></iframe>",
        "<body onload=alert(1)>",
        "<!-- a comment that never ends <script>",
    ],
)
def test_html_is_refused_after_whitespace_bom_and_comments(tmp_path, text):
    assert refusal(write(tmp_path, text, "notes.txt"), "notes.txt").found == "an HTML page"


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        '<?xml version="1.0"?>\n<!--' + "x" * 5000 + '-->\n<svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_svg_is_refused_naming_svg(tmp_path, text):
    error = refusal(write(tmp_path, text, "logo.png"), "logo.png")
    assert error.found == "an SVG image"
    assert "SVG" in str(error)


def test_other_xml_is_refused(tmp_path):
    path = write(tmp_path, '<?xml version="1.0" encoding="UTF-8"?>\n<note>hi</note>\n', "note.txt")
    assert refusal(path).found == "an XML document"


@pytest.mark.parametrize(
    ("script", "found"),
    [
        ("#!/bin/sh\nrm -rf ~\n", "a shell script"),
        ("#!/usr/bin/env bash\necho hi\n", "a shell script"),
        ("#!/usr/bin/env python3\nprint('hi')\n", "a script"),
        ("'use strict';\nconst a = 1;\n", "a JavaScript file"),
        ("/* licence */\n// more\n(function () { alert(1); })();\n", "a JavaScript file"),
        ("!function(e,t){}(window);", "a JavaScript file"),
        ("import x from './x.js';\n", "a JavaScript file"),
    ],
)
def test_scripts_are_refused(tmp_path, script, found):
    assert refusal(write(tmp_path, script, "notes.txt"), "notes.txt").found == found


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56, "a Linux program (ELF)"),
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48,
            "a Windows program (EXE)",
        ),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 24, "a macOS program (Mach-O)"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x41" + b"\x00" * 24, "a program"),
        (b"", "an empty file"),
        (bytes(range(256)) * 8, "unknown binary data"),
        (b"text" * 500 + b"\x00" + b"text" * 500, "unknown binary data"),  # a single NUL is enough
        (b"\x89PNX\r\n" + bytes(range(1, 32)) * 20, "unknown binary data"),
    ],
)
def test_programs_empty_and_unknown_files_are_refused(tmp_path, data, found):
    assert refusal(write(tmp_path, data, "report.pdf"), "report.pdf").found == found


@pytest.mark.parametrize(
    "text",
    [
        "Société d'État – résumé des séances.\nÀ bientôt !\n",
        "MZ Morrison's notes on the intake desk\n",  # starts like an EXE header, but is text
        "BMW fleet report\n",  # starts like a BMP header, but is text
        "let us meet at ten; function of the committee (see annex)\n",
        "x" * 2000 + " %PDF-1.7",  # a PDF header only counts at the very start
    ],
)
def test_text_is_accepted_as_plain_text(tmp_path, text):
    assert kind(write(tmp_path, text, "notes.txt"), "notes.txt") == PLAIN_TEXT


def test_windows_1252_and_bom_text_are_text(tmp_path):
    assert kind(write(tmp_path, "Société d'État, 2004\r\n".encode("cp1252"))) == PLAIN_TEXT
    assert kind(write(tmp_path, "\ufeffSociété d'État\n".encode())) == PLAIN_TEXT


def test_a_character_cut_by_the_end_of_the_sample_is_still_text(tmp_path):
    # "Ł" is C5 81 in UTF-8, and 0x81 is not Windows-1252: only UTF-8 can read this file,
    # and the sample ends between the two bytes of one "Ł".
    data = b"a" + "Ł".encode() * SAMPLE_BYTES
    assert data[SAMPLE_BYTES - 1 : SAMPLE_BYTES + 1] == "Ł".encode()
    assert kind(write(tmp_path, data)) == PLAIN_TEXT
    # Cut at the real end of the file, the same character is not text.
    assert refusal(write(tmp_path, data[:SAMPLE_BYTES])).found == "unknown binary data"


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("a,b\n1,2\n", "x.csv", ("text/csv", "CSV", "csv")),
        ("a;b\n1;2\n3;4", "X.CSV", ("text/csv", "CSV", "csv")),
        ('name,note\n"O\'Brien, Cary","a, b, c"\n', "x.csv", ("text/csv", "CSV", "csv")),
        ("a\tb\n1\t2\n", "x.tsv", ("text/tab-separated-values", "TSV", "tsv")),
        ("a,b\n1,2\n", "x.txt", PLAIN_TEXT),
        ("a,b\n1,2\n", None, PLAIN_TEXT),
        ("a,b\n1,2,3\n", "x.csv", PLAIN_TEXT),  # inconsistent
        ("just one column\nno delimiters\n", "x.csv", PLAIN_TEXT),
    ],
)
def test_csv_needs_both_the_name_and_consistent_rows(tmp_path, text, name, expected):
    assert kind(write(tmp_path, text, "upload"), name) == expected


def test_a_csv_name_does_not_make_html_acceptable(tmp_path):
    assert refusal(write(tmp_path, "<script>alert(1)</script>,x\n"), "x.csv").found == "an HTML page"


RIFF = b"RIFF\x24\x00\x00\x00"
HEADERS = {
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02", "image/png"),
    "jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00", "image/jpeg"),
    "gif": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "image/gif"),
    "webp": (RIFF + b"WEBPVP8 ", "image/webp"),
    "tif": (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
    "bmp": (b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00", "image/bmp"),
    "mp3": (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
    "wav": (RIFF + b"WAVEfmt ", "audio/wav"),
    "opus": (b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead\x01\x02", "audio/ogg"),
    "flac": (b"fLaC\x00\x00\x00\x22", "audio/flac"),
    "m4a": (b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isom", "audio/mp4"),
    "mp4": (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "video/mp4"),
    "mov": (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ", "video/quicktime"),
    "webm": (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
    "mkv": (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
    "avi": (RIFF + b"AVI LIST", "video/x-msvideo"),
}


@pytest.mark.parametrize("extension", sorted(HEADERS))
def test_media_headers_are_accepted_whatever_the_name(tmp_path, extension):
    header, content_type = HEADERS[extension]
    found = detect_file(write(tmp_path, header + bytes(64), "slides.pdf"), "slides.pdf")
    assert (found.content_type, found.extension) == (content_type, extension)


def test_an_mp3_without_id3_is_told_by_its_frame_header(tmp_path):
    assert detect_file(write(tmp_path, b"\xff\xfb\x90\x64" + bytes(400))).extension == "mp3"
    # The same sync bits with reserved values (layer bits 00) are not MP3.
    assert refusal(write(tmp_path, b"\xff\xf9\x90\x64" + bytes(400))).found == "unknown binary data"


def test_a_large_file_is_judged_by_its_first_bytes_only(tmp_path):
    path = write(tmp_path, b"%PDF-1.7\n")
    with path.open("r+b") as file:
        file.truncate(1 << 30)  # 1 GiB, sparse
    tracemalloc.start()
    try:
        assert kind(path)[2] == "pdf"
        assert tracemalloc.get_traced_memory()[1] < 1_000_000
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\deck.pptx", "deck.pptx"),
        ("C:deck.pptx", "deck.pptx"),
        ("/var/tmp/", "file"),
        ("dec\x00k\x07\x1b\x7f\x85\u009b.pdf", "deck.pdf"),
        ("line\nbreak\r\tand\u2028more.pdf", "linebreakandmore.pdf"),
        ("\u202efdp.exe", "fdp.exe"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("\u2066x\u200by\ufeffz.pdf", "xyz.pdf"),
        ("deck\udcff.pdf", "deck.pdf"),  # a lone surrogate, which UTF-8 cannot encode
        ("Société d'État – résumé.pdf", "Société d'État – résumé.pdf"),
        ("Socie\u0301te\u0301.pdf", "Soci\u00e9t\u00e9.pdf"),  # NFC
        ("می\u200cخواهم.pdf", "می\u200cخواهم.pdf"),  # the zero-width non-joiner spells Persian
        ("会議資料 2004.pptx", "会議資料 2004.pptx"),
        ("  .bashrc  ", "bashrc"),
        ("deck.pdf. . ", "deck.pdf"),
        ("", "file"),
        ("...", "file"),
        ("\x00\x01", "file"),
    ],
)
def test_sanitise_filename(name, expected):
    assert sanitise_filename(name) == expected
    assert sanitise_filename(expected) == expected  # already safe names are kept as they are


@pytest.mark.parametrize("char", ["a", "é", "€", "😀"])  # 1, 2, 3 and 4 bytes in UTF-8
def test_long_names_are_shortened_keeping_whole_characters_and_the_extension(char):
    name = char * 1000 + ".pdf"
    short = sanitise_filename(name)
    encoded = short.encode()
    assert short.endswith(".pdf") and set(short[:-4]) == {char}
    assert 200 - len(char.encode()) < len(encoded) <= 200  # as long as whole characters allow
    assert unicodedata.is_normalized("NFC", short)


def test_a_shortened_name_without_an_extension_and_a_smaller_limit():
    assert sanitise_filename("x" * 300) == "x" * 200
    assert sanitise_filename("abcdef.pdf", max_bytes=8) == "abcd.pdf"
    assert sanitise_filename("a." + "b" * 300, max_bytes=20) == "a." + "b" * 18  # no extension worth keeping
