"""Directory files as CSV: the columns, reading an uploaded file into rows, and writing an export.

Cells that a spreadsheet would run as a formula are neutralised on export and restored on import.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from ....i18n import N_, gettext
from ....models import Organisation, Person
from ....models.validation import forbidden_character
from ....web.uploads import MIB
from .. import bulk

PEOPLE, ORGANISATIONS = "people", "organisations"
COLUMNS = {
    PEOPLE: ("slug", "honorific", "given_name", "family_name", "job_title", "organisation", "email", "aliases", "biography"),
    ORGANISATIONS: ("slug", "name", "acronym", "name_fr", "acronym_fr", "kind", "jurisdiction", "website", "parent", "successor", "aliases"),
}  # fmt: skip
REQUIRED = {PEOPLE: ("given_name", "family_name"), ORGANISATIONS: ("name",)}
# Columns only one kind of file has: the header row tells which kind a file is.
MARKERS = {kind: set(columns) - {"slug", "aliases"} for kind, columns in COLUMNS.items()}
ALIAS_SEPARATOR = " | "
# A directory file is text: 20 MB holds some 100,000 people with short biographies.
MAX_IMPORT_BYTES = 20 * MIB
FIX_ENCODING = N_(
    "In Excel choose File › Save As and the type “CSV UTF-8 (Comma delimited)”; in LibreOffice tick "
    "“Edit filter settings” when saving and choose the character set “Unicode (UTF-8)”."
)

CREATE, UPDATE, SAME, REJECT = "create", "update", "same", "reject"
# The fields as the pages name them (translated by ``label``).
LABELS = {
    "slug": N_("slug"),
    "honorific": N_("honorific"),
    "given_name": N_("given name"),
    "family_name": N_("family name"),
    "job_title": N_("job title"),
    "organisation": N_("organisation"),
    "organisation_id": N_("organisation"),
    "email": N_("e-mail"),
    "aliases": N_("other names"),
    "biography": N_("biography"),
    "name": N_("name"),
    "acronym": N_("acronym"),
    "name_fr": N_("name (French)"),
    "acronym_fr": N_("acronym (French)"),
    "kind": N_("kind"),
    "jurisdiction": N_("jurisdiction"),
    "website": N_("website"),
    "parent": N_("part of"),
    "parent_id": N_("part of"),
    "successor": N_("succeeded by"),
    "successor_id": N_("succeeded by"),
}


# --- cells ------------------------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection"). Leading
# apostrophes are part of the pattern so that `restore` is the exact inverse of `neutralise`: a value
# that really starts with "'=" is exported as "''=" and imported back as "'=".
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralise(value: str) -> str:
    return "'" + value if _FORMULA.match(value) else value


def restore(value: str) -> str:
    return value[1:] if value.startswith("'") and _FORMULA.match(value, 1) else value


def write_csv(columns: tuple[str, ...], rows: Any) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise("" if value is None else str(value)) for value in row])
    # With the byte order mark Excel reads the file as UTF-8 (without it, accents come out garbled).
    return buffer.getvalue().encode("utf-8-sig")


# --- export -----------------------------------------------------------------------------------------


async def export_people(session: AsyncSession) -> bytes:
    rows = await session.execute(
        select(
            Person.slug,
            Person.honorific,
            Person.given_name,
            Person.family_name,
            Person.job_title,
            Organisation.slug,
            Person.email,
            Person.aliases,
            Person.biography,
        )
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.merged_into_id.is_(None))
        .order_by(Person.id)  # creation order: an import into an empty directory gives the same slugs
    )
    return write_csv(
        COLUMNS[PEOPLE], ((*row[:7], ALIAS_SEPARATOR.join(row[7] or []), row[8]) for row in rows)
    )


async def export_organisations(session: AsyncSession) -> bytes:
    parent, successor = aliased(Organisation), aliased(Organisation)
    rows = await session.execute(
        select(
            Organisation.slug,
            Organisation.name,
            Organisation.acronym,
            Organisation.name_fr,
            Organisation.acronym_fr,
            Organisation.kind,
            Organisation.jurisdiction,
            Organisation.website,
            parent.slug,
            successor.slug,
            Organisation.aliases,
        )
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .outerjoin(successor, successor.id == Organisation.successor_id)
        .where(Organisation.merged_into_id.is_(None))
        .order_by(Organisation.id)
    )
    return write_csv(
        COLUMNS[ORGANISATIONS],
        (
            (*row[:5], row[5].value if row[5] else None, *row[6:10], ALIAS_SEPARATOR.join(row[10] or []))
            for row in rows
        ),
    )


# --- reading a file ---------------------------------------------------------------------------------


class ImportRefused(Exception):
    """A file that cannot be imported at all; the message says why and how to fix it."""


@dataclass(eq=False)
class Row:
    """One line of a file, and what the import will do with it."""

    kind: str
    line: int
    values: dict[str, str]
    action: str = CREATE
    reason: str = ""  # why it matches a record, or why it is rejected
    target: Any = None  # the existing record it matches
    fields: dict[str, Any] = field(default_factory=dict)  # service arguments, or the changed fields
    refs: dict[str, Any] = field(default_factory=dict)  # organisation columns: an Organisation, a Row or None
    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (what, before, after) for the page

    @property
    def label(self) -> str:
        if self.kind == ORGANISATIONS:
            return self.values.get("name") or "(no name)"
        return (
            " ".join(filter(None, (self.values.get("given_name"), self.values.get("family_name"))))
            or "(no name)"
        )

    def reject(self, message: str) -> None:
        self.action, self.reason, self.fields, self.refs, self.shown = REJECT, message, {}, {}, []


@dataclass
class Table:
    filename: str
    kind: str
    columns: list[str]
    ignored: list[str]
    rows: list[Row]


def _column(name: str) -> str:
    name = "_".join(name.strip().lower().replace("-", " ").split())
    return {"e_mail": "email", "organization": "organisation"}.get(name, name)


def read_table(filename: str, data: bytes) -> Table:
    """Parse one uploaded file; raises ImportRefused for a file that cannot be imported at all."""
    with bulk.paused_gc():
        return _read_table(filename, data)


def _read_table(filename: str, data: bytes) -> Table:
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise ImportRefused(gettext("“%(file)s” is empty.") % {"file": filename})
    try:
        text = data.decode("utf-8-sig")  # with or without the byte order mark
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = gettext(
            "“%(file)s” is not saved as UTF-8 text (line %(line)d holds a character in another encoding)."
        )
        raise ImportRefused(
            message % {"file": filename, "line": line} + " " + gettext(FIX_ENCODING)
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # Excel in French saves with semicolons
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_column(name) for name in next(reader)]
        duplicated = sorted({name for name in header if name and header.count(name) > 1})
        if duplicated:
            raise ImportRefused(
                gettext("“%(file)s” has the column %(columns)s more than once.")
                % {"file": filename, "columns": ", ".join(duplicated)}
            )
        kind = _kind_of(filename, header)
        rows, start = [], reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                name: (cell if name == "biography" else cell.strip())
                for name, cell in zip(header, map(restore, cells), strict=False)
                if name in COLUMNS[kind]
            }
            row = Row(kind, line, values)
            if len(cells) > len(header):
                row.reject(
                    gettext("It has %(cells)d cells but the header row has %(columns)d columns.")
                    % {"cells": len(cells), "columns": len(header)}
                )
            elif problem := _forbidden_in(values):
                row.reject(problem)
            rows.append(row)
    except csv.Error as error:
        raise ImportRefused(
            gettext("“%(file)s” could not be read as CSV at line %(line)d: %(error)s.")
            % {"file": filename, "line": reader.line_num, "error": error}
        ) from None
    if not rows:
        raise ImportRefused(
            gettext("“%(file)s” has a header row but no records under it.") % {"file": filename}
        )
    known = [name for name in header if name in COLUMNS[kind]]
    return Table(filename, kind, known, [name for name in header if name and name not in known], rows)


def _kind_of(filename: str, header: list[str]) -> str:
    hits = {kind: len(MARKERS[kind] & set(header)) for kind in MARKERS}
    if not any(hits.values()):
        message = gettext(
            "“%(file)s” does not start with a header row this import knows. A file of people needs the "
            "columns %(people)s; a file of organisations needs %(organisations)s (the required ones: "
            "given_name and family_name, or name). Export the directory to get both, with the right headers."
        )
        raise ImportRefused(
            message
            % {
                "file": filename,
                "people": ", ".join(COLUMNS[PEOPLE]),
                "organisations": ", ".join(COLUMNS[ORGANISATIONS]),
            }
        )
    kind = PEOPLE if hits[PEOPLE] >= hits[ORGANISATIONS] else ORGANISATIONS
    missing = [name for name in REQUIRED[kind] if name not in header]
    if missing:
        message = (
            gettext("“%(file)s” looks like a file of people but lacks the required column(s) %(columns)s.")
            if kind == PEOPLE
            else gettext(
                "“%(file)s” looks like a file of organisations but lacks the required column(s) %(columns)s."
            )
        )
        raise ImportRefused(message % {"file": filename, "columns": ", ".join(missing)})
    return kind


def _forbidden_in(values: dict[str, str]) -> str | None:
    """Why a row's cells cannot be stored as they are (a NUL, a control character, a bidi override)."""
    for name, value in values.items():
        if character := forbidden_character(value, multiline=name == "biography"):
            return gettext("The %(field)s holds a character that is not allowed: %(character)s.") % {
                "field": label(name),
                "character": character,
            }
    return None


def label(name: str) -> str:
    """A column or field as the pages name it."""
    return gettext(LABELS[name]) if name in LABELS else name.replace("_", " ")
