"""The directory as CSV, for council staff: export people and organisations, import them back.

An import is checked in full before anything is written: the upload is kept in the storage's staging
folder under a random token tied to the user and shown as a preview (rows to create, rows matched to
a record with the reason and what would change, rows rejected with the reason). Confirming reads the
file again, checks it again and applies it in the request's one transaction through the people
service, organisations first. A rejected row is never written, not even in part.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import time
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from ...audit import Actor
from ...models import Organisation, OrganisationKind, Person
from ...models.base import name_key
from ...models.validation import forbidden_character
from ...storage import Storage
from ...web.csrf import FORM_FIELD, HEADER_NAME, cookie_token, verify_token
from ...web.deps import Db, SettingsDep, StorageDep
from ...web.uploads import MIB, BadUpload, UploadTooLarge, receive_form
from ..accounts.auth import actor_of, current_user, staff_only
from . import bulk, service
from .service import DirectoryError, clean_aliases, clean_email

PEOPLE, ORGANISATIONS = "people", "organisations"
COLUMNS = {
    PEOPLE: ("slug", "honorific", "given_name", "family_name", "job_title", "organisation", "email", "aliases", "biography"),
    ORGANISATIONS: ("slug", "name", "acronym", "kind", "jurisdiction", "website", "parent", "successor", "aliases"),
}  # fmt: skip
REQUIRED = {PEOPLE: ("given_name", "family_name"), ORGANISATIONS: ("name",)}
# Columns only one kind of file has: the header row tells which kind a file is.
MARKERS = {kind: set(columns) - {"slug", "aliases"} for kind, columns in COLUMNS.items()}
ALIAS_SEPARATOR = " | "
# A directory file is text: 20 MB holds some 100,000 people with short biographies.
MAX_IMPORT_BYTES = 20 * MIB
SHOWN_PER_GROUP = 200
STAGING_FOLDER = "directory-imports"
STAGED_FOR = dt.timedelta(days=1)  # an import neither confirmed nor cancelled is removed after this
TOKEN = re.compile(r"[0-9a-f]{32}")
FIX_ENCODING = (
    "In Excel choose File › Save As and the type “CSV UTF-8 (Comma delimited)”; in LibreOffice tick "
    "“Edit filter settings” when saving and choose the character set “Unicode (UTF-8)”."
)

CREATE, UPDATE, SAME, REJECT = "create", "update", "same", "reject"
LABELS = {
    "given_name": "given name",
    "family_name": "family name",
    "job_title": "job title",
    "organisation_id": "organisation",
    "email": "e-mail",
    "parent_id": "part of",
    "successor_id": "succeeded by",
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


def _csv(columns: tuple[str, ...], rows: Any) -> bytes:
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
    return _csv(COLUMNS[PEOPLE], ((*row[:7], ALIAS_SEPARATOR.join(row[7] or []), row[8]) for row in rows))


async def export_organisations(session: AsyncSession) -> bytes:
    parent, successor = aliased(Organisation), aliased(Organisation)
    rows = await session.execute(
        select(
            Organisation.slug,
            Organisation.name,
            Organisation.acronym,
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
    return _csv(
        COLUMNS[ORGANISATIONS],
        (
            (*row[:3], row[3].value if row[3] else None, *row[4:8], ALIAS_SEPARATOR.join(row[8] or []))
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
        raise ImportRefused(f"“{filename}” is empty.")
    try:
        text = data.decode("utf-8-sig")  # with or without the byte order mark
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            f"“{filename}” is not saved as UTF-8 text (line {line} holds a character in another encoding). "
            + FIX_ENCODING
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # Excel in French saves with semicolons
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_column(name) for name in next(reader)]
        duplicated = sorted({name for name in header if name and header.count(name) > 1})
        if duplicated:
            raise ImportRefused(f"“{filename}” has the column {', '.join(duplicated)} more than once.")
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
                row.reject(f"It has {len(cells)} cells but the header row has {len(header)} columns.")
            elif problem := _forbidden_in(values):
                row.reject(problem)
            rows.append(row)
    except csv.Error as error:
        raise ImportRefused(
            f"“{filename}” could not be read as CSV at line {reader.line_num}: {error}."
        ) from None
    if not rows:
        raise ImportRefused(f"“{filename}” has a header row but no records under it.")
    known = [name for name in header if name in COLUMNS[kind]]
    return Table(filename, kind, known, [name for name in header if name and name not in known], rows)


def _kind_of(filename: str, header: list[str]) -> str:
    hits = {kind: len(MARKERS[kind] & set(header)) for kind in MARKERS}
    if not any(hits.values()):
        raise ImportRefused(
            f"“{filename}” does not start with a header row this import knows. A file of people needs the "
            f"columns {', '.join(COLUMNS[PEOPLE])}; a file of organisations needs "
            f"{', '.join(COLUMNS[ORGANISATIONS])} (the required ones: given_name and family_name, or name). "
            "Export the directory to get both, with the right headers."
        )
    kind = PEOPLE if hits[PEOPLE] >= hits[ORGANISATIONS] else ORGANISATIONS
    missing = [name for name in REQUIRED[kind] if name not in header]
    if missing:
        raise ImportRefused(
            f"“{filename}” looks like a file of {kind} but lacks the required column(s) {', '.join(missing)}."
        )
    return kind


# --- planning ---------------------------------------------------------------------------------------

RELATIONS = {"parent": "parent_id", "successor": "successor_id"}


@dataclass
class Plan:
    tables: list[Table]
    organisations: list[Row]
    people: list[Row]

    def rows(self, action: str) -> list[Row]:
        return [row for row in [*self.organisations, *self.people] if row.action == action]

    @property
    def digest(self) -> str:
        """What the preview showed: confirming applies only a plan that is still the same."""
        seen = [(r.kind, r.line, r.action, r.reason, r.shown) for r in [*self.organisations, *self.people]]
        return hashlib.sha256(repr(seen).encode()).hexdigest()[:32]


@cache
def _limit(model: type, name: str) -> int:
    column = model.__table__.c[name]
    return column.type.length or column.info["max_length"]


def _forbidden_in(values: dict[str, str]) -> str | None:
    """Why a row's cells cannot be stored as they are (a NUL, a control character, a bidi override)."""
    for name, value in values.items():
        if character := forbidden_character(value, multiline=name == "biography"):
            return f"The {LABELS.get(name, name.replace('_', ' '))} holds a character that is not allowed: {character}."
    return None


def _too_long(row: Row, model: type, names: tuple[str, ...]) -> str | None:
    for name in names:
        limit = _limit(model, name)
        if len(row.values.get(name) or "") > limit:
            return f"The {LABELS.get(name, name.replace('_', ' '))} is longer than {limit} characters."
    return None


def _split(aliases: str) -> list[str]:
    return [alias.strip() for alias in aliases.split("|") if alias.strip()]


def _kind(value: str) -> OrganisationKind | None:
    def key(text: str) -> str:
        return " ".join(re.split(r"[\s_-]+", text.strip().lower()))

    if not value:
        return None
    for kind in OrganisationKind:
        if key(value) in (key(kind.value), key(kind.name)):
            return kind
    raise DirectoryError(
        f"Unknown kind “{value}”: use one of {', '.join(k.value for k in OrganisationKind)}."
    )


def _text(value: Any) -> str:
    """A value as the preview shows it."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, OrganisationKind):
        return value.value
    if isinstance(value, Organisation):
        return f"{value.name} ({value.slug})"
    if isinstance(value, Row):
        return f"{value.label} (new, line {value.line})"
    if isinstance(value, list):
        return ALIAS_SEPARATOR.join(value)
    return str(value)


def _live(record: Any, index: dict[int, Any]) -> Any:
    """The record a merged one was folded into: tombstones are never matched themselves."""
    seen = set()
    while record.merged_into_id is not None and record.id not in seen:
        seen.add(record.id)
        record = index[record.merged_into_id]
    return record


def _node(ref: Any) -> Any:
    """An organisation as the rows see it: its id, or the row that will create it."""
    if isinstance(ref, Row):
        return ref.target.id if ref.target is not None else ref
    return ref.id if isinstance(ref, Organisation) else None


def _settle(row: Row, wanted: dict[str, Any], organisations: dict[int, Organisation]) -> None:
    """A new record takes every field; a matched one keeps in ``fields`` only what differs."""
    if row.target is None:
        row.action, row.fields = CREATE, wanted
        row.shown = [(LABELS.get(k, k.replace("_", " ")), "", _text(v)) for k, v in wanted.items() if v]
        return
    row.fields = {}
    for name, value in wanted.items():
        before = getattr(row.target, name)
        if name.endswith("_id"):  # an organisation reference
            if _node(value) == before:
                continue
            before = organisations.get(before)
        elif value == before:
            continue
        row.fields[name] = value
        row.shown.append((LABELS.get(name, name.replace("_", " ")), _text(before), _text(value)))
    row.action = UPDATE if row.fields else SAME


class _Organisations:
    """Finds the organisation a cell names: a row of the file, then the directory (slug, name, alias)."""

    def __init__(self, session: AsyncSession, everything: list[Organisation]) -> None:
        self.session = session
        self.index = {o.id: o for o in everything}
        self.by_slug = {o.slug: o for o in everything}
        self.rows_by_slug: dict[str, Row] = {}
        self.rows_by_name: dict[str, Row] = {}
        self.cache: dict[str, Organisation | None] = {}

    async def find(self, value: str) -> Organisation | Row | None:
        """None for an empty cell; raises DirectoryError for a name nobody has."""
        if not value:
            return None
        row = self.rows_by_slug.get(value) or self.rows_by_name.get(name_key(value))
        if row is not None:
            if row.action == REJECT:
                raise DirectoryError(
                    f"“{value}” is on line {row.line} of the organisations file, which is rejected."
                )
            return row.target if row.target is not None else row
        if value in self.by_slug:
            return _live(self.by_slug[value], self.index)
        if value not in self.cache:
            self.cache[value] = await service.organisation_named(self.session, value)
        if self.cache[value] is None:
            raise DirectoryError(
                f"Unknown organisation “{value}”: no row of the file and no organisation in the directory "
                "has that slug, name or acronym."
            )
        return self.cache[value]


def _reject_a_loop(rows: list[Row], index: dict[int, Organisation]) -> bool:
    """Find one loop of parents (or successors) that the accepted rows would make; reject its last row."""
    for relation in RELATIONS.values():
        rows_at = {_node(row): row for row in rows if row.action != REJECT and relation in row.refs}
        overlay = {node: _node(row.refs[relation]) for node, row in rows_at.items()}
        for start in overlay:
            chain, node = [start], overlay[start]
            while node is not None and node not in chain:
                chain.append(node)
                node = (
                    overlay[node]
                    if node in overlay
                    else (getattr(index[node], relation) if isinstance(node, int) else None)
                )
            if node == start:
                culprit = max((n for n in chain if n in rows_at), key=lambda n: rows_at[n].line)
                at = chain.index(culprit)
                loop = [*chain[at:], *chain[:at], culprit]  # told from the rejected row's point of view
                names = [index[n].name if isinstance(n, int) else n.label for n in loop]
                noun = "parent" if relation == "parent_id" else "successor"
                rows_at[culprit].reject(f"Its {noun} would make a loop: {' → '.join(names)}.")
                return True
    return False


async def _plan_organisations(session: AsyncSession, table: Table | None) -> tuple[list[Row], _Organisations]:
    everything = list(await session.scalars(select(Organisation)))
    finder = _Organisations(session, everything)
    if table is None:
        return [], finder
    named: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in everything:
        if organisation.merged_into_id is None:
            for key in {organisation.name_key, *(name_key(alias) for alias in organisation.aliases)}:
                named[key].append(organisation)
    seen: dict[tuple[str, Any], Row] = {}
    for row in table.rows:
        name, slug = " ".join(row.values.get("name", "").split()), row.values.get("slug", "")
        if row.action == REJECT:
            continue
        if not name:
            row.reject("The name is missing.")
            continue
        try:
            _kind(row.values.get("kind", ""))
            problem = _too_long(row, Organisation, ("slug", "name", "acronym", "jurisdiction", "website"))
        except DirectoryError as error:
            problem = str(error)
        if problem:
            row.reject(problem)
            continue
        if slug in finder.by_slug:
            row.target = _live(finder.by_slug[slug], finder.index)
            merged = f" (“{slug}” was merged into “{row.target.slug}”)" if row.target.slug != slug else ""
            row.reason = f"same slug{merged}"
        elif len(named.get(name_key(name), [])) > 1:
            slugs = ", ".join(o.slug for o in named[name_key(name)])
            row.reject(f"Its name matches several organisations ({slugs}); give the slug of the one meant.")
            continue
        elif named.get(name_key(name)):
            row.target = named[name_key(name)][0]
            alias = row.target.name_key != name_key(name)
            row.reason = f"same name as an alias of “{row.target.name}”" if alias else "same name"
        keys = [("slug", slug), ("name", name_key(name)), ("record", row.target.id if row.target else None)]
        earlier = next(((what, seen[(what, key)]) for what, key in keys if key and (what, key) in seen), None)
        if earlier:
            what, first = earlier
            row.reject(
                f"Line {first.line} already matches “{row.target.name}”."
                if what == "record"
                else f"Duplicate of line {first.line} (same {what})."
            )
            continue
        seen.update({(what, key): row for what, key in keys if key})
    for row in table.rows:  # rejected rows too, so that a reference to one says so; accepted ones first
        for found, key in (
            (finder.rows_by_slug, row.values.get("slug")),
            (finder.rows_by_name, name_key(row.values.get("name", ""))),
        ):
            if key and (key not in found or found[key].action == REJECT):
                found[key] = row
    for row in table.rows:
        for column, relation in RELATIONS.items():
            if column in table.columns and row.action != REJECT:
                try:
                    row.refs[relation] = await finder.find(row.values.get(column, ""))
                except DirectoryError as error:
                    row.reject(f"{column.capitalize()}: {error}")
    # Each round drops a row that closes a loop, or rows pointing at a rejected row, until the rest
    # stands on its own (a rejected row keeps its old links, which may matter to a loop).
    changed = True
    while changed:
        changed = _reject_a_loop(table.rows, finder.index)
        for row in table.rows:
            broken = [ref for ref in row.refs.values() if isinstance(ref, Row) and ref.action == REJECT]
            if row.action != REJECT and broken:
                row.reject(f"It refers to “{broken[0].label}” on line {broken[0].line}, which is rejected.")
                changed = True
    for row in table.rows:
        if row.action == REJECT:
            continue
        values = row.values
        kind = _kind(values.get("kind", ""))  # checked above
        wanted: dict[str, Any] = {"name": " ".join(values["name"].split())}
        for name in ("acronym", "kind", "jurisdiction", "website"):
            if name in table.columns:
                wanted[name] = kind if name == "kind" else values.get(name) or None
        if "aliases" in table.columns:
            acronym = wanted.get("acronym", row.target.acronym if row.target else None)
            wanted["aliases"] = clean_aliases(_split(values.get("aliases", "")), wanted["name"], acronym)
        _settle(row, {**wanted, **row.refs}, finder.index)
    return table.rows, finder


# A person of the directory as the plan (and the preview) sees them: plain rows load far faster than records.
KNOWN_PERSON = (
    Person.id,
    Person.slug,
    *(getattr(Person, name) for name in service.PERSON_FIELDS),
    Person.search_text,
    Person.family_key,
    Person.name_key,
    Person.merged_into_id,
    func.trim(Person.given_name + " " + Person.family_name).label("full_name"),
)


async def _plan_people(session: AsyncSession, table: Table | None, finder: _Organisations) -> list[Row]:
    if table is None:
        return []
    everything = (await session.execute(select(*KNOWN_PERSON))).all()
    index = {person.id: person for person in everything}
    by_slug = {person.slug: person for person in everything}
    by_email: dict[str, list[Person]] = defaultdict(list)
    by_name: dict[str, list[Person]] = defaultdict(list)
    for person in everything:
        if person.merged_into_id is None:
            by_name[person.name_key].append(person)
            if person.email:
                by_email[person.email].append(person)
    columns = table.columns
    seen: dict[tuple[str, Any], Row] = {}
    for row in table.rows:
        values = row.values
        given, family = (
            " ".join(values.get("given_name", "").split()),
            " ".join(values.get("family_name", "").split()),
        )
        if row.action == REJECT:
            continue
        if not family:
            row.reject("The family name is missing.")
            continue
        try:
            problem = _too_long(
                row, Person, ("slug", "given_name", "family_name", "honorific", "job_title", "biography")
            )
            email = clean_email(values.get("email"))
            organisation = await finder.find(values.get("organisation", ""))
        except DirectoryError as error:
            problem = str(error)
        if problem:
            row.reject(problem)
            continue
        slug, key = values.get("slug", ""), name_key(f"{given} {family}")[:250]
        candidates: list[Person] = []
        if slug in by_slug:
            row.target = _live(by_slug[slug], index)
            merged = f" (“{slug}” was merged into “{row.target.slug}”)" if row.target.slug != slug else ""
            row.reason = f"same slug{merged}"
        elif email and email in by_email:
            candidates, row.reason = by_email[email], "same e-mail"
        elif "organisation" in columns:
            candidates = [p for p in by_name.get(key, []) if p.organisation_id == _node(organisation)]
            row.reason = (
                "same name and organisation" if organisation else "same name, and neither has an organisation"
            )
        else:
            candidates, row.reason = by_name.get(key, []), "same name (the file has no organisation column)"
        if len(candidates) > 1:
            slugs = ", ".join(p.slug for p in candidates)
            row.reject(
                f"It matches several people ({row.reason}: {slugs}); give the slug of the one meant, or merge them first."
            )
            continue
        if candidates:
            row.target = candidates[0]
        keys = [
            ("slug", slug),
            ("e-mail", email),
            ("name and organisation", (key, _node(organisation))),
            ("record", row.target.id if row.target else None),
        ]
        earlier = next(((what, seen[(what, k)]) for what, k in keys if k and (what, k) in seen), None)
        if earlier:
            what, first = earlier
            row.reject(
                f"Line {first.line} already matches {row.target.full_name} ({row.target.slug})."
                if what == "record"
                else f"Duplicate of line {first.line} (same {what})."
            )
            continue
        seen.update({(what, k): row for what, k in keys if k})
        wanted: dict[str, Any] = {"given_name": given, "family_name": family}
        for name in ("honorific", "job_title"):
            if name in columns:
                wanted[name] = values.get(name) or None
        if "organisation" in columns:
            wanted["organisation_id"] = organisation
        if "email" in columns:
            wanted["email"] = email
        if "aliases" in columns:
            wanted["aliases"] = clean_aliases(_split(values.get("aliases", "")), f"{given} {family}")
        if "biography" in columns:
            wanted["biography"] = values["biography"] if values.get("biography", "").strip() else None
        _settle(row, wanted, finder.index)
        if row.target is None:
            row.reason = ""
    return table.rows


async def build_plan(session: AsyncSession, tables: list[Table]) -> Plan:
    """What importing these files would do. Reads only: nothing is written."""
    with bulk.paused_gc():
        return await _plan(session, tables)


async def _plan(session: AsyncSession, tables: list[Table]) -> Plan:
    tables = sorted(tables, key=lambda table: table.kind != ORGANISATIONS)  # as they are applied
    by_kind = {table.kind: table for table in tables}
    organisations, finder = await _plan_organisations(session, by_kind.get(ORGANISATIONS))
    people = await _plan_people(session, by_kind.get(PEOPLE), finder)
    return Plan(tables, organisations, people)


# --- applying ---------------------------------------------------------------------------------------


def _changes(plan: Plan) -> tuple[list[bulk.Change], list[bulk.Change]]:
    """The plan as the people service's bulk import takes it: what to create, and what changes."""
    rows = [row for row in [*plan.organisations, *plan.people] if row.action in (CREATE, UPDATE)]
    changes = {row: bulk.Change({}, record=row.target, source=row) for row in rows}

    def reference(value: Any) -> Any:  # an organisation cell: an id, None, or a new organisation's Change
        node = _node(value)
        return changes[node] if isinstance(node, Row) else node

    for row, change in changes.items():
        change.fields = {k: reference(v) if k.endswith("_id") else v for k, v in row.fields.items()}
        if row.action == CREATE:
            change.fields["slug"] = row.values.get("slug") or None
    return (
        [changes[row] for row in plan.organisations if row in changes],
        [changes[row] for row in plan.people if row in changes],
    )


async def apply_plan(session: AsyncSession, actor: Actor, plan: Plan) -> str:
    """Write the plan through the people service, in bulk; returns the summary for the person importing.

    Raises DirectoryError (naming the line) if the service refuses a row after all: the caller then
    rolls the whole import back.
    """
    try:
        with bulk.paused_gc():
            organisations, people = _changes(plan)
            await service.import_directory(session, actor, organisations=organisations, people=people)
    except bulk.RecordRefused as error:
        raise DirectoryError(f"Line {error.source.line} of the {error.source.kind} file: {error}") from error
    return summary(plan)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def summary(plan: Plan) -> str:
    created = [
        _count(count, one, many)
        for count, one, many in (
            (sum(r.action == CREATE for r in plan.people), "person", "people"),
            (sum(r.action == CREATE for r in plan.organisations), "organisation", "organisations"),
        )
        if count
    ]
    message = f"Created {' and '.join(created) or 'nothing'}, updated {len(plan.rows(UPDATE))}"
    if plan.rows(SAME):
        message += f", left {len(plan.rows(SAME))} unchanged"
    return message + f", skipped {_count(len(plan.rows(REJECT)), 'rejected row', 'rejected rows')}."


# --- staging ----------------------------------------------------------------------------------------


def _folder(storage: Storage, user_id: int, token: str) -> Path | None:
    """Where an upload waits for confirmation; the user's id in the name keeps it theirs."""
    if not TOKEN.fullmatch(token):
        return None
    return storage.holding_dir / STAGING_FOLDER / f"{user_id}-{token}"


def _staged_tables(folder: Path) -> list[Table]:
    names = json.loads((folder / "names.json").read_text())
    return [
        read_table(names[kind], (folder / f"{kind}.csv").read_bytes())
        for kind in (ORGANISATIONS, PEOPLE)
        if kind in names
    ]


def _forget_old_imports(storage: Storage) -> None:
    """Imports neither confirmed nor cancelled are removed after a day."""
    limit = time.time() - STAGED_FOR.total_seconds()
    for folder in (storage.holding_dir / STAGING_FOLDER).glob("*"):
        with suppress(OSError):  # another request may be removing it right now
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)


# --- pages ------------------------------------------------------------------------------------------

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
IMPORT_PAGE = "/manage/directory/import"


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _attachment(data: bytes, what: str) -> Response:
    filename = f"{what}-{dt.date.today().isoformat()}.csv"
    return Response(
        data,
        media_type="text/csv",  # Litestar adds "; charset=utf-8"
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # private e-mail addresses
            "X-Content-Type-Options": "nosniff",
        },
    )


def _form_token(request: Request) -> str | None:
    """The upload route is outside the CSRF middleware, which gives every other page its forms' token:
    the pages it answers with carry the one the middleware would give, the cookie's own value."""
    return cookie_token(request)


def _form(message: str | None = None, status: int = HTTP_200_OK, form_token: str | None = None) -> Template:
    return Template(
        "manage/directory_import.html",
        context={
            "error": message,
            "limit_mb": MAX_IMPORT_BYTES // MIB,
            "columns": COLUMNS,
            "form_token": form_token,
        },
        status_code=status,
    )


def _refused(request: Request, message: str, status: int) -> Response:
    if _wants_json(request):  # the upload script shows it under the progress bar
        return Response({"error": message}, status_code=status)
    return _form(message, status, _form_token(request))


def _preview(
    plan: Plan,
    token: str,
    *,
    notice: str | None = None,
    status: int = HTTP_200_OK,
    form_token: str | None = None,
) -> Template:
    groups = [
        (REJECT, "Rejected rows", "They are skipped whole; correct them in the file and import it again."),
        (
            CREATE,
            "New records",
            "New records keep the web address (slug) of the file when it is free, else get one from their name.",
        ),
        (
            UPDATE,
            "Records that will change",
            "Matched to a record of the directory; the fields shown change.",
        ),
        (SAME, "Records already up to date", "Matched to a record that already holds the same values."),
    ]
    return Template(
        "manage/directory_preview.html",
        context={
            "plan": plan,
            "token": token,
            "notice": notice,
            "shown": SHOWN_PER_GROUP,
            "groups": [(action, title, hint, plan.rows(action)) for action, title, hint in groups],
            "form_token": form_token,
        },
        status_code=status,
    )


def _gone(request: Request, status: int) -> Redirect:
    flash(
        request,
        "That import is no longer waiting: it was applied, cancelled or has expired.",
        category="error",
    )
    return Redirect(IMPORT_PAGE, status_code=status)


class DirectoryTransfer(Controller):
    path = "/manage"
    guards = [staff_only]
    include_in_schema = False

    @get("/directory/people.csv", name="manage_directory_people_csv")
    async def people_csv(self, db: Db) -> Response:
        return _attachment(await export_people(db), "people")

    @get("/directory/organisations.csv", name="manage_directory_organisations_csv")
    async def organisations_csv(self, db: Db) -> Response:
        return _attachment(await export_organisations(db), "organisations")

    @get("/directory/import", name="manage_directory_import")
    async def import_form(self) -> Template:
        return _form()

    # Streamed into the staging folder: Litestar's body limit is off (ours applies while streaming) and
    # the CSRF token is checked here once the form's text fields are read (see web/uploads.py).
    @post(
        "/directory/import",
        name="manage_directory_upload",
        status_code=HTTP_200_OK,
        request_max_body_size=None,
        opt={"exclude_from_csrf": True},
    )
    async def upload(self, request: Request, db: Db, storage: StorageDep, settings: SettingsDep) -> Response:
        header_token = request.headers.get(HEADER_NAME)
        if header_token:  # the script sends it in a header: refuse a forgery before reading the body
            verify_token(request, header_token, settings.secret_key)
        limit = min(settings.max_upload_bytes, MAX_IMPORT_BYTES)
        try:
            form = await receive_form(request, storage.staging_dir, max_bytes=limit, max_files=2)
        except (BadUpload, UploadTooLarge) as error:
            return _refused(request, error.detail, error.status_code)
        try:
            verify_token(
                request, header_token or (form.fields.get(FORM_FIELD) or [None])[0], settings.secret_key
            )
            files = [
                f for f in form.files if f.filename or f.size
            ]  # browsers send an empty part for "no file"
            if not files:
                raise ImportRefused("Please choose a CSV file to import.")
            tables = [read_table(Path(f.filename).name or "the file", f.path.read_bytes()) for f in files]
            if len(tables) == 2 and tables[0].kind == tables[1].kind:
                raise ImportRefused(
                    f"Both files hold {tables[0].kind}; choose one file of each kind at most."
                )
            token = secrets.token_hex(16)
            folder = _folder(storage, current_user(request).id, token)
            folder.mkdir(parents=True)
            for received, table in zip(files, tables, strict=True):
                os.replace(received.path, folder / f"{table.kind}.csv")
            (folder / "names.json").write_text(json.dumps({table.kind: table.filename for table in tables}))
        except ImportRefused as refused:
            return _refused(request, str(refused), HTTP_400_BAD_REQUEST)
        finally:
            form.discard()  # whatever was not moved into the import's folder
        _forget_old_imports(storage)
        if _wants_json(request):
            return Response({"next": f"{IMPORT_PAGE}/{token}"}, status_code=HTTP_200_OK)
        return _preview(await build_plan(db, tables), token, form_token=_form_token(request))

    @get("/directory/import/{token:str}", name="manage_directory_preview")
    async def preview(self, request: Request, token: FromPath[str], db: Db, storage: StorageDep) -> Response:
        folder = _folder(storage, current_user(request).id, token)
        if folder is None or not folder.is_dir():
            return _gone(request, 302)
        return _preview(await build_plan(db, _staged_tables(folder)), token)

    @post("/directory/import/{token:str}", name="manage_directory_confirm")
    async def confirm(
        self, request: Request, token: FromPath[str], data: Form, db: Db, storage: StorageDep
    ) -> Response:
        folder = _folder(storage, current_user(request).id, token)
        if folder is None:
            return _gone(request, 303)
        claimed = folder.with_name(folder.name + ".applying")
        try:
            os.rename(folder, claimed)  # atomic: a second click finds nothing left to apply
        except OSError:
            return _gone(request, 303)
        try:
            plan = await build_plan(db, _staged_tables(claimed))
            if plan.digest != data.get("digest"):
                os.rename(claimed, folder)
                notice = "The directory changed since this preview was made: here it is again. Check it and confirm."
                return _preview(plan, token, notice=notice, status=HTTP_409_CONFLICT)
            message = await apply_plan(db, actor_of(request), plan)
        except DirectoryError as error:
            await db.rollback()  # nothing of the import is kept
            os.rename(claimed, folder)
            flash(request, f"Nothing was imported. {error}", category="error")
            return Redirect(f"{IMPORT_PAGE}/{token}", status_code=303)
        except BaseException:
            os.rename(claimed, folder)  # the transaction rolls back: the import can be tried again
            raise
        shutil.rmtree(claimed)
        flash(request, message, category="success")
        return Redirect(IMPORT_PAGE, status_code=303)

    @post("/directory/import/{token:str}/cancel", name="manage_directory_cancel")
    async def cancel(self, request: Request, token: FromPath[str], storage: StorageDep) -> Redirect:
        folder = _folder(storage, current_user(request).id, token)
        if folder is None or not folder.is_dir():
            return _gone(request, 303)
        shutil.rmtree(folder)
        flash(request, "Import cancelled; the uploaded file is deleted.", category="success")
        return Redirect(IMPORT_PAGE, status_code=303)
