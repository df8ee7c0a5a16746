"""What an uploaded file really is, judged by its bytes, and a safe form of the name the client gave it.

Neither the client's name nor its declared type is trusted: a deck renamed .pdf is still a deck, and an HTML
page renamed .pdf is still a page a browser could run. Only a bounded sample is read (uploads reach 1 GiB).
"""

from __future__ import annotations

import codecs
import csv
import io
import mimetypes
import pathlib
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import olefile

from ...i18n import N_, gettext

SAMPLE_BYTES = 64 * 1024  # every signature and enough text to judge; never the whole file
ACCEPTED = N_("PDF, PowerPoint, Word, Excel, OpenDocument, text, CSV, images, audio and video")


@dataclass(frozen=True)
class FileType:
    content_type: str  # the canonical MIME type we store and serve
    label: str  # for people
    extension: str  # canonical, without the dot
    aliases: tuple[str, ...] = ()  # other extensions that name this type, kept when a client uses them

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)


class RefusedType(Exception):
    """The content is not a kind of file we accept."""

    def __init__(self, found: str) -> None:
        self.found = found  # a text marked with N_, translated when the refusal is read
        super().__init__(found)

    def __str__(self) -> str:
        return gettext("This file is %(found)s; accepted are %(accepted)s.") % {
            "found": gettext(self.found),
            "accepted": gettext(ACCEPTED),
        }


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
PDF = FileType("application/pdf", "PDF", "pdf")
PPT = FileType("application/vnd.ms-powerpoint", "PowerPoint", "ppt")
PPTX = FileType(_OOXML + "presentationml.presentation", "PowerPoint", "pptx")
DOC = FileType("application/msword", "Word", "doc")
DOCX = FileType(_OOXML + "wordprocessingml.document", "Word", "docx")
XLS = FileType("application/vnd.ms-excel", "Excel", "xls")
XLSX = FileType(_OOXML + "spreadsheetml.sheet", "Excel", "xlsx")
ODP = FileType(_ODF + "presentation", "OpenDocument presentation", "odp")
ODT = FileType(_ODF + "text", "OpenDocument text", "odt")
ODS = FileType(_ODF + "spreadsheet", "OpenDocument spreadsheet", "ods")
# A table with ragged rows is plain text: it keeps its .csv; a text named .html or .bat does not keep that.
TEXT = FileType("text/plain", "plain text", "txt", ("text", "md", "log", "csv", "tsv"))
CSV = FileType("text/csv", "CSV", "csv")
TSV = FileType("text/tab-separated-values", "TSV", "tsv")
_TABLES = {".csv": (CSV, ",;\t"), ".tsv": (TSV, "\t")}  # Excel writes ";" where "," is the decimal mark
MP4 = FileType("video/mp4", "MP4 video", "mp4", ("m4v",))
MP3 = FileType("audio/mpeg", "MP3 audio", "mp3")

# Legacy Office files are OLE2 compound files; the application is told by the main stream's name.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = (("PowerPoint Document", PPT), ("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS))
_ODF_MIMETYPES = {t.content_type.encode(): t for t in (ODP, ODT, ODS)}
_OOXML_PARTS = {"ppt/presentation.xml": PPTX, "word/document.xml": DOCX, "xl/workbook.xml": XLSX}
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)  # a damaged archive
_ZIP_ERRORS += (NotImplementedError, RuntimeError)  # an unknown compression method, an encrypted entry

# ISO media files (ftyp box) say what they hold in their major brand.
_M4A = FileType("audio/mp4", "M4A audio", "m4a", ("m4b",))
_FTYP_BRANDS = {b"M4A ": _M4A, b"M4B ": _M4A, b"qt  ": FileType("video/quicktime", "QuickTime video", "mov")}
_MP4_BRANDS = {*b"isom iso2 iso4 iso5 iso6 mp41 mp42 avc1 dash MSNV".split(), b"M4V "}
_FTYP_BRANDS |= dict.fromkeys(_MP4_BRANDS, MP4)
_OPUS = FileType("audio/ogg", "Opus audio", "opus", ("ogg", "oga"))
_OGG = FileType("audio/ogg", "Ogg audio", "ogg", ("oga",))
_WEBM = FileType("video/webm", "WebM video", "webm")
_MATROSKA = FileType("video/x-matroska", "Matroska video", "mkv")
_RIFF_FORMS = {
    b"WAVE": FileType("audio/wav", "WAV audio", "wav"),
    b"AVI ": FileType("video/x-msvideo", "AVI video", "avi"),
    b"WEBP": FileType("image/webp", "WebP image", "webp"),
}
_PREFIXES = (  # plain signatures at offset 0 (one, or a tuple of alternatives)
    (b"\x89PNG\r\n\x1a\n", FileType("image/png", "PNG image", "png")),
    (b"\xff\xd8\xff", FileType("image/jpeg", "JPEG image", "jpg", ("jpeg",))),
    ((b"GIF87a", b"GIF89a"), FileType("image/gif", "GIF image", "gif")),
    ((b"II*\x00", b"MM\x00*"), FileType("image/tiff", "TIFF image", "tif", ("tiff",))),
    (b"ID3", MP3),
    (b"fLaC", FileType("audio/flac", "FLAC audio", "flac")),
)
# Mach-O, 32 and 64 bit, either byte order
_MACHO = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
_PROGRAMS = (
    (b"\x7fELF", N_("a Linux program (ELF)")),
    (_MACHO, N_("a macOS program (Mach-O)")),
    (b"\xca\xfe\xba\xbe", N_("a program")),  # a universal Mach-O binary or a Java class: same magic
)


def detect_file(path: pathlib.Path, filename: str | None = None) -> FileType:
    """The type of the file at path, judged by its content; raises RefusedType otherwise.

    `filename` (already sanitised) only breaks ties the content cannot (text vs CSV), never decides acceptance.
    """
    with path.open("rb") as file:
        sample = file.read(SAMPLE_BYTES)
        complete = not file.read(1)
    if not sample:
        raise RefusedType(N_("an empty file"))
    if sample.startswith(_OLE_MAGIC):
        return _ole_type(path)
    if sample.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a zip, or an empty one
        return _zip_type(path)
    if found := _program(sample):
        raise RefusedType(found)
    if media := _media_type(sample):
        return media
    # Readers forgive junk before the header, but then an HTML page in front would pass as a PDF.
    if sample.startswith(b"%PDF-"):
        return PDF
    text = _decode_text(sample, complete)
    if text is None:
        raise RefusedType(N_("unknown binary data"))
    if found := _active_content(text):
        raise RefusedType(found)
    return _table_type(text, complete, filename) or TEXT


def _ole_type(path: pathlib.Path) -> FileType:
    try:
        with path.open("rb") as file, olefile.OleFileIO(file) as ole:  # reads header, FAT and directory only
            streams = {entry[0] for entry in ole.listdir() if len(entry) == 1}  # those at the root
    except Exception as exc:  # olefile raises many kinds of error on a damaged file
        raise RefusedType(N_("a damaged OLE2 compound file")) from exc
    for stream, kind in _OLE_STREAMS:
        if stream in streams:
            return kind
    if "EncryptedPackage" in streams:  # Office wraps a password-protected .pptx/.docx/.xlsx in OLE2
        raise RefusedType(N_("a password-protected Office file"))
    raise RefusedType(N_("an OLE2 compound file that is not a PowerPoint, Word or Excel file"))


def _zip_type(path: pathlib.Path) -> FileType:
    # Only the central directory and the tiny `mimetype` entry are read: nothing is extracted (zip bombs).
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                with archive.open("mimetype") as entry:
                    if kind := _ODF_MIMETYPES.get(entry.read(100).strip()):
                        return kind
            if "[Content_Types].xml" in names:
                if any(name.endswith("vbaProject.bin") for name in names):
                    # a .pptm/.docm/.xlsm: not the type we would serve it as, and macros run code
                    raise RefusedType(N_("an Office file with macros"))
                for part, kind in _OOXML_PARTS.items():
                    if part in names:
                        return kind
    except _ZIP_ERRORS as exc:
        raise RefusedType(N_("a damaged or encrypted ZIP archive")) from exc
    raise RefusedType(N_("a ZIP archive that is not an office document"))


def _program(head: bytes) -> str | None:
    # Real EXE headers are full of NULs; a text that happens to start with "MZ" has none.
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return N_("a Windows program (EXE)")
    return next((found for magic, found in _PROGRAMS if head.startswith(magic)), None)


def _media_type(head: bytes) -> FileType | None:
    for magic, kind in _PREFIXES:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12])
    if head.startswith(b"RIFF"):
        return _RIFF_FORMS.get(head[8:12])
    if head.startswith(b"OggS"):
        return _OPUS if head[28:36] == b"OpusHead" else _OGG  # the first packet names the codec
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska, of which WebM is a profile
        return _WEBM if b"webm" in head[:64] else _MATROSKA
    if _is_bmp(head):
        return FileType("image/bmp", "BMP image", "bmp")
    if _is_mp3_frame(head):
        return MP3
    return None


def _is_bmp(head: bytes) -> bool:
    # "BM" alone would match text; also require zero reserved bytes and a known DIB header size.
    dib_size = int.from_bytes(head[14:18], "little")
    return head[:2] == b"BM" and head[6:10] == b"\x00" * 4 and dib_size in (12, 40, 52, 56, 64, 108, 124)


def _is_mp3_frame(head: bytes) -> bool:
    # 11 sync bits, then a version, layer III, a bitrate and a sample rate that are not reserved values.
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def _decode_text(sample: bytes, complete: bool) -> str | None:
    """The sample as text, or None if it is not text."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            # incremental, so that a multi-byte character cut by the end of the sample is not an error
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if c not in "\t\n\r\f" and unicodedata.category(c) == "Cc")
        if "\x00" not in text and controls <= len(text) // 100:  # mostly printable
            return text
    return None


_LEADING_COMMENTS = re.compile(r"\s*(?:<!--.*?-->\s*)*", re.S)
# Tags that make a browser sniff a resource as HTML (WHATWG MIME Sniffing), followed by a tag end.
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|html|head|body|script|iframe|title|style|table|div|font|h1|a|b|p|br)[\s/>]", re.I
)
_JS_COMMENTS = re.compile(r"(?:\s*(?://[^\n]*|/\*.*?\*/))*\s*", re.S)
_JAVASCRIPT = re.compile(
    r"""["']use strict["']|!?\(?\s*function\s*[\w$]*\s*\(|\(\s*(?:async\s*)?\(\s*\)\s*=>"""
    r"""|(?:var|let|const)\s+[\w$]+\s*=|import\s+[^\n]+\s+from\s*["']|export\s+(?:default|function|class|const)\b"""
    r"""|module\.exports\b"""
)


def _active_content(text: str) -> str | None:
    """What in this text a browser or a shell could run, for refusing it."""
    start = text.lstrip()
    if start.startswith("#!"):
        interpreter = start[2:].split("\n", 1)[0]
        return N_("a shell script") if re.search(r"\b(?:ba|z|k|da)?sh\b", interpreter) else N_("a script")
    lowered = text.lower()
    if "<svg" in lowered[:1024]:
        return N_("an SVG image")
    rest = lowered[_LEADING_COMMENTS.match(lowered).end() :]
    if _HTML_START.match(rest) or rest.startswith("<!--"):  # an unclosed comment too
        return N_("an HTML page")
    if rest.startswith(("<?xml", "<!doctype")):
        return N_("an SVG image") if "<svg" in lowered else N_("an XML document")
    if _JAVASCRIPT.match(text, _JS_COMMENTS.match(text).end()):
        return N_("a JavaScript file")
    return None


def _table_type(text: str, complete: bool, filename: str | None) -> FileType | None:
    """CSV or TSV when the name says so and every row has the same number of fields (quotes respected)."""
    kind, delimiters = _TABLES.get(pathlib.PurePosixPath(filename or "").suffix.lower(), (None, ""))
    if not complete:
        text = text[: text.rfind("\n") + 1]  # the last line may be cut short by the sample
    for delimiter in delimiters:
        try:
            rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            widths = {len(row) for row in rows if row}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() > 1:
            return kind
    return None


# Cc: C0, DEL and C1 controls; Cf: bidi overrides and other invisible format characters;
# Cs: lone surrogates, which cannot be encoded; Zl/Zp: line breaks in disguise.
_UNSAFE = {"Cc", "Cf", "Cs", "Zl", "Zp"}
# Zero-width (non-)joiners are format characters too, but needed to spell some Persian, Indic and emoji names.
_JOINERS = {"\u200c", "\u200d"}
# Around the name: whitespace, dots that would hide the file (leading) or vanish on Windows (trailing), quotes
# (a raw CR/LF in a name cuts the quoted header value, and the parser keeps its opening quote), and in front
# drive letters ("C:deck.pptx"), however mixed: " C:x" must not become "C:x", a name sanitised again.
_SURROUNDING = re.compile(r'^(?:[\s."]|[A-Za-z]:)+|[\s."]+$')


def sanitise_filename(name: str, *, max_bytes: int = 200) -> str:
    """The client's name, safe to show and to put in Content-Disposition; "file" if nothing is left."""
    # Unsafe characters go first, so that none can hide a separator or a drive letter from the steps below.
    name = "".join(c for c in name if c in _JOINERS or unicodedata.category(c) not in _UNSAFE)
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]  # the last part of any path
    name = _SURROUNDING.sub("", name)
    return _SURROUNDING.sub("", _shorten(name, max_bytes)) or "file"


def _shorten(name: str, max_bytes: int) -> str:
    if len(name.encode()) <= max_bytes:
        return name
    stem, dot, extension = name.rpartition(".")
    suffix = dot + extension
    if not stem or len(suffix.encode()) > max_bytes // 2:  # no extension, or none worth keeping
        stem, suffix = name, ""
    budget = max_bytes - len(suffix.encode())
    # Cutting the bytes may split a character; "ignore" drops the broken tail, never a whole valid one.
    stem = stem.encode()[:budget].decode("utf-8", "ignore").rstrip(" .")
    return stem + suffix


# Suffixes that are extensions (a wrong one is replaced) rather than part of a name ("report.v2", "St.John"):
# the standard library's own table (not the system's files, which differ between machines), plus the office
# and media formats it lacks, and Windows programs and scripts.
_EXTENSIONS = {suffix.lstrip(".").lower() for table in mimetypes.MimeTypes().types_map for suffix in table}
_EXTENSIONS |= {*"docx pptx xlsx odp odt ods odg m4a m4b m4v ogg oga mkv flac md key pages numbers".split()}
_EXTENSIONS |= {*"cmd com cpl hta jar jse lnk msi php pif ps1 reg scr vbe vbs wsf".split()}


def stored_filename(name: str, kind: FileType, *, max_bytes: int = 200) -> str:
    """A sanitised client name ending in the extension of what the file is, so that a visitor who saves it
    gets that: a PDF sent as "slides.html" or "report.exe" is kept as "slides.pdf" or "report.pdf".

    The right extension is kept as typed ("deck.PPTX"); a name without one gets it ("deck.pptx").
    """
    while True:
        stem, dot, suffix = name.rpartition(".")
        if not (dot and stem):
            break
        if suffix.lower() in kind.extensions:
            return name
        if suffix.lower() not in _EXTENSIONS:
            break
        name = stem  # a wrong extension goes; "slides.pdf.exe" then ends as it should
    return sanitise_filename(f"{name}.{kind.extension}", max_bytes=max_bytes)
