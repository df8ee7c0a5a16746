"""Directory writes in bulk (a CSV import): many records in few statements, one audit entry, one bump.

``service.import_directory`` lands here. Every record is checked and cleaned (rules.py: ``new_person``...) by the rules of
``create_person``, ``create_organisation`` and ``update_*``, and everything the rows need is computed in
memory before the first write, so that the write lock is held only while writing: slugs made unique
against the directory's, the folded keys and name terms that the models' mapper events would compute.
Then new records go in with multi-row INSERTs (their ids come back through RETURNING, matched by their
unique slug), changes go out as one executemany UPDATE per set of changed columns, the duplicate scan runs
once, one audit entry lists what was created and changed, and the site revision is bumped once. Core
statements on the session's connection run no ORM listeners, so none bumps the revision by itself.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from ...audit import Actor, listed_ids, record
from ...db import bump_revision_statement
from ...i18n import gettext
from ...models import Organisation, Person, organisation_name_term, person_name_term
from ...models.base import name_terms, utcnow
from ...models.validation import InvalidText, check_values
from ...text import slugify
from . import duplicates
from .rules import (
    ORGANISATION_FIELDS,
    PERSON_FIELDS,
    DirectoryError,
    changed_organisation,
    changed_person,
    loop_refusal,
    new_organisation,
    new_person,
)

ROWS_PER_CHUNK = 5000  # rows prepared per executemany: bounds the memory of the statement's parameters
RELATIONS = ("parent_id", "successor_id")


@dataclass(eq=False)
class Change:
    """One record an import writes: a new one (``record`` None) or ``record`` with the fields that change.

    ``organisation_id``, ``parent_id`` and ``successor_id`` take an id, None, or the Change of a new
    organisation of the same import. ``fields`` may hold ``slug``: the web address a new record asks for
    (it gets another if taken). ``source`` is the caller's name for the record (a line of a file), carried
    by RecordRefused.
    """

    fields: dict[str, Any]
    record: Any = None
    source: Any = None
    id: int | None = None  # once written


class RecordRefused(DirectoryError):
    """A record the rules refuse; nothing of the import is written."""

    def __init__(self, change: Change, message: str) -> None:
        super().__init__(message)
        self.source = change.source


def _checked(
    changes: list[Change], table: Table, check_new, check_changed
) -> list[tuple[Change, dict[str, Any]]]:  # noqa: ANN001
    checked = []
    for change in changes:
        try:
            if change.record is None:
                values = check_new(change.fields)
            else:
                change.id = change.record.id
                values = check_changed(change.record, change.fields)
            check_values(table, values)  # what a flush would check: lengths and characters
            checked.append((change, values))
        except (DirectoryError, InvalidText) as error:
            raise RecordRefused(change, str(error)) from error
    return checked


def free_slugs(bases: list[str], taken: set[str]) -> list[str]:
    """``text.free_slug`` for many records at once: each base if free, else base-2, base-3... (``taken`` grows)."""
    next_number: dict[str, int] = {}
    slugs = []
    for base in bases:
        slug = base
        if slug in taken:
            number = next_number.get(base, 2)
            while f"{base}-{number}" in taken:
                number += 1
            slug, next_number[base] = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _refuse_loops(organisations: list[tuple[Change, dict[str, Any]]], graph: dict[int, tuple]) -> None:
    """No division may contain its own department, no body succeed itself, once everything is written."""
    names = {change: values["name"] for change, values in organisations if change.record is None}
    for at, relation in enumerate(RELATIONS):
        links: dict[Any, Any] = {node: targets[at] for node, targets in graph.items()}
        by_node: dict[Any, Change] = {}
        for change, values in organisations:
            node = change.record.id if change.record is not None else change
            by_node[node] = change
            if relation in values:
                links[node] = values[relation]
        for start, change in by_node.items():
            seen, node = {start}, links.get(start)
            while node is not None and node not in seen:
                seen.add(node)
                node = links.get(node)
            if node == start:
                name = change.record.name if change.record is not None else names[change]
                raise RecordRefused(change, loop_refusal(name, relation))


# --- writing --------------------------------------------------------------------------------------------


def _chunks(items: list, size: int = ROWS_PER_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _id_of(value: Any) -> Any:
    return value.id if isinstance(value, Change) else value


Checked = list[tuple[Change, dict[str, Any]]]


def _split(checked: Checked) -> tuple[Checked, Checked]:
    """The new records, and the changed ones that really change."""
    new = [(change, values) for change, values in checked if change.record is None]
    return new, [(change, values) for change, values in checked if change.record is not None and values]


async def _give_slugs(connection: AsyncConnection, model: type, rows: Checked, name_of) -> None:  # noqa: ANN001
    if rows:
        taken = set(await connection.scalars(select(model.slug)))
        bases = [slugify(change.fields.get("slug") or name_of(values)) for change, values in rows]
        for (_change, values), slug in zip(rows, free_slugs(bases, taken), strict=True):
            values["slug"] = slug


async def _insert(connection: AsyncConnection, model: type, terms: Table, rows: Checked, now) -> None:  # noqa: ANN001
    """Insert new records with their name terms; sets each Change's id."""
    table = model.__table__
    statement = insert(table).returning(table.c.id, table.c.slug)
    owner = terms.c[0].name
    for chunk in _chunks(rows):
        by_slug = {values["slug"]: change for change, values in chunk}
        parameters = [
            {column: _id_of(value) for column, value in values.items()}
            | {"created_at": now, "updated_at": now}
            for _change, values in chunk
        ]
        for id_, slug in await connection.execute(statement, parameters):
            by_slug[slug].id = id_
        terms_rows = [
            {owner: change.id, "term": term} for change, values in chunk for term in name_terms(values["search_text"])
        ]  # fmt: skip
        if terms_rows:
            await connection.execute(insert(terms), terms_rows)


async def _update(
    connection: AsyncConnection, model: type, terms: Table, rows: list[tuple[int, dict]], now
) -> None:  # noqa: ANN001
    """One executemany UPDATE per set of changed columns; name terms rewritten where the names changed."""
    table = model.__table__
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    renamed: list[tuple[int, str]] = []
    for id_, changes in rows:
        values = {column: _id_of(value) for column, value in changes.items()}
        by_columns[tuple(sorted(changes))].append({"record_id": id_, **values, "updated_at": now})
        if "search_text" in changes:
            renamed.append((id_, changes["search_text"]))
    for columns, parameters in by_columns.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("record_id"))
            .values({column: bindparam(column) for column in (*columns, "updated_at")})
        )
        for chunk in _chunks(parameters):
            await connection.execute(statement, chunk)
    owner = terms.c[0]
    for chunk in _chunks(renamed):
        await connection.execute(delete(terms).where(owner.in_([id_ for id_, _text in chunk])))
        terms_rows = [{owner.name: id_, "term": term} for id_, text in chunk for term in name_terms(text)]
        if terms_rows:
            await connection.execute(insert(terms), terms_rows)


def _audit_changes(new_organisations: Checked, changed_organisations: Checked, new_people: Checked,
                   changed_people: Checked) -> dict[str, Any]:  # fmt: skip
    """What the import's one audit entry lists: ids of what it created, and of what it changed with how
    many records each field changed in (never the values: e-mail addresses are private)."""
    changes = {}
    for label, kind, rows in (
        ("organisations created", "organisation", new_organisations),
        ("people created", "person", new_people),
    ):
        if rows:
            changes[label] = listed_ids(kind, (change.id for change, _values in rows))
    for label, kind, rows, columns in (
        ("organisations changed", "organisation", changed_organisations, ORGANISATION_FIELDS),
        ("people changed", "person", changed_people, PERSON_FIELDS),
    ):
        if rows:
            counted: dict[str, int] = defaultdict(int)
            for _change, values in rows:
                for column in values.keys() & set(columns):
                    counted[column] += 1
            ids = listed_ids(kind, (change.id for change, _values in rows))
            changes[label] = ids | {"fields": dict(sorted(counted.items()))}
    return changes


def _counted(people: int, organisations: int) -> list[str]:
    return [
        f"{number} {one if number == 1 else many}"
        for number, one, many in (
            (people, "person", "people"),
            (organisations, "organisation", "organisations"),
        )
        if number
    ]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Cyclic garbage collection off while an import makes its many objects: each collection would walk
    them all again, which cost as much as the import itself at 100,000 rows (reference counting still
    frees whatever is dropped)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


async def write(
    session: AsyncSession, actor: Actor, *, organisations: list[Change], people: list[Change]
) -> dict[str, Any]:
    """Write an import (organisations first); returns the audit entry's changes. See the module's text."""
    with paused_gc():
        return await _write(session, actor, organisations, people)


async def _write(
    session: AsyncSession, actor: Actor, organisations: list[Change], people: list[Change]
) -> dict[str, Any]:
    checked_organisations = _checked(
        organisations, Organisation.__table__, new_organisation, changed_organisation
    )
    new_people, changed_people = _split(_checked(people, Person.__table__, new_person, changed_person))
    connection = await session.connection()
    graph = {
        row.id: (row.parent_id, row.successor_id)
        for row in await connection.execute(
            select(Organisation.id, Organisation.parent_id, Organisation.successor_id)
        )
    }
    _refuse_loops(checked_organisations, graph)
    new_organisations, changed_organisations = _split(checked_organisations)
    if not (new_organisations or changed_organisations or new_people or changed_people):
        return {}  # every record already up to date: nothing to write, audit or bump
    await _give_slugs(connection, Organisation, new_organisations, lambda values: values["name"])
    await _give_slugs(connection, Person, new_people, lambda v: f"{v['given_name']} {v['family_name']}")
    now = utcnow()
    if connection.dialect.name == "postgresql":
        # The application's connections plan every execution afresh (db.py: right for its searches);
        # an executemany runs one INSERT thousands of times, which one generic plan serves.
        await connection.execute(text("SET LOCAL plan_cache_mode = auto"))
    try:
        # Parents and successors among the new organisations are linked once they all have ids.
        unlinked = [
            (
                change,
                {column: None if isinstance(value, Change) else value for column, value in values.items()},
            )
            for change, values in new_organisations
        ]
        await _insert(connection, Organisation, organisation_name_term, unlinked, now)
        links = [
            (change.id, {column: value for column, value in values.items() if isinstance(value, Change)})
            for change, values in new_organisations
        ]
        changed = [(change.id, values) for change, values in changed_organisations]
        await _update(
            connection, Organisation, organisation_name_term, [*filter(itemgetter(1), links), *changed], now
        )
        await _insert(connection, Person, person_name_term, new_people, now)
        changed = [(change.id, values) for change, values in changed_people]
        await _update(connection, Person, person_name_term, changed, now)
    except IntegrityError as error:  # a record written by someone else meanwhile (PostgreSQL's isolation)
        raise DirectoryError(
            gettext("The directory changed while the import was being written; please try again.")
        ) from error
    for change, values in [*changed_organisations, *changed_people]:
        state = inspect(change.record, raiseerr=False)  # None for a plain row
        if state is not None and state.session is session:  # written behind the ORM's back: show the change
            for column, value in values.items():
                set_committed_value(change.record, column, _id_of(value))
    await duplicates.rescan(session)
    changes = _audit_changes(new_organisations, changed_organisations, new_people, changed_people)
    summary = "Imported the directory: " + ", ".join(
        f"{verb} {' and '.join(parts)}"
        for verb, parts in (
            ("created", _counted(len(new_people), len(new_organisations))),
            ("changed", _counted(len(changed_people), len(changed_organisations))),
        )
        if parts
    )
    record(session, actor, "import", "directory", summary=summary, changes=changes)
    await connection.execute(bump_revision_statement(now))  # once, for every statement above
    return changes
