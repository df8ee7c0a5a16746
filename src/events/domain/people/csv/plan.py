"""What importing files would do, row by row: create, update, leave as it is, or reject (and why).

Reads only: nothing is written. The directory is read once (every organisation as records, every
person as plain rows) and every row is matched in memory (see ``matching``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ....i18n import gettext
from ....models import Organisation, Person
from ....models.base import name_key
from .. import bulk
from ..rules import PERSON_FIELDS, DirectoryError, clean_aliases, clean_email, has_a_letter
from .format import ORGANISATIONS, PEOPLE, REJECT, Row, Table
from .matching import (
    Organisations,
    claim,
    match_slug,
    node,
    organisation_kind,
    settle,
    split_aliases,
    too_long,
)

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


async def build_plan(session: AsyncSession, tables: list[Table]) -> Plan:
    """What importing these files would do. Reads only: nothing is written."""
    with bulk.paused_gc():
        tables = sorted(tables, key=lambda table: table.kind != ORGANISATIONS)  # as they are applied
        by_kind = {table.kind: table for table in tables}
        finder = Organisations(list(await session.scalars(select(Organisation))))
        organisations = _plan_organisations(by_kind.get(ORGANISATIONS), finder)
        people = await _plan_people(session, by_kind.get(PEOPLE), finder)
        return Plan(tables, organisations, people)


def _reject_a_loop(rows: list[Row], index: dict[int, Organisation]) -> bool:
    """Find one loop of parents (or successors) that the accepted rows would make; reject its last row."""
    for relation in RELATIONS.values():
        rows_at = {node(row): row for row in rows if row.action != REJECT and relation in row.refs}
        overlay = {key: node(row.refs[relation]) for key, row in rows_at.items()}
        for start in overlay:
            chain, current = [start], overlay[start]
            while current is not None and current not in chain:
                chain.append(current)
                current = (
                    overlay[current]
                    if current in overlay
                    else (getattr(index[current], relation) if isinstance(current, int) else None)
                )
            if current == start:
                culprit = max((n for n in chain if n in rows_at), key=lambda n: rows_at[n].line)
                at = chain.index(culprit)
                loop = [*chain[at:], *chain[:at], culprit]  # told from the rejected row's point of view
                names = [index[n].name if isinstance(n, int) else n.label for n in loop]
                message = (
                    gettext("Its parent would make a loop: %(names)s.")
                    if relation == "parent_id"
                    else gettext("Its successor would make a loop: %(names)s.")
                )
                rows_at[culprit].reject(message % {"names": " → ".join(names)})
                return True
    return False


def _plan_organisations(table: Table | None, finder: Organisations) -> list[Row]:
    if table is None:
        return []
    named = finder.named
    seen: dict[tuple[str, Any], Row] = {}
    for row in table.rows:
        name = " ".join(row.values.get("name", "").split())
        if row.action == REJECT:
            continue
        if not name:
            row.reject(gettext("The name is missing."))
            continue
        if not has_a_letter(name):
            row.reject(
                gettext("The name “%(name)s” has no letter: an organisation's name needs one.")
                % {"name": name}
            )
            continue
        try:
            organisation_kind(row.values.get("kind", ""))
            problem = too_long(
                row,
                Organisation,
                ("slug", "name", "acronym", "name_fr", "acronym_fr", "jurisdiction", "website"),
            )
        except DirectoryError as error:
            problem = str(error)
        if problem:
            row.reject(problem)
            continue
        key = name_key(name)
        if match_slug(row, finder.by_slug, finder.index):
            pass
        elif len(named.get(key, [])) > 1:
            slugs = ", ".join(o.slug for o in named[key])
            row.reject(
                gettext("Its name matches several organisations (%(slugs)s); give the slug of the one meant.")
                % {"slugs": slugs}
            )
            continue
        elif named.get(key):
            row.target = named[key][0]
            alias = row.target.name_key != key
            row.reason = (
                gettext("same name as an alias of “%(name)s”") % {"name": row.target.name}
                if alias
                else gettext("same name")
            )
        keys = [
            ("slug", row.values.get("slug", "")),
            ("name", key),
            ("record", row.target.id if row.target else None),
        ]
        claim(row, seen, keys, f"“{row.target.name}”" if row.target else "")
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
                    row.refs[relation] = finder.find(row.values.get(column, ""))
                except DirectoryError as error:
                    message = (
                        gettext("Parent: %(reason)s")
                        if column == "parent"
                        else gettext("Successor: %(reason)s")
                    )
                    row.reject(message % {"reason": error})
    # Each round drops a row that closes a loop, or rows pointing at a rejected row, until the rest
    # stands on its own (a rejected row keeps its old links, which may matter to a loop).
    changed = True
    while changed:
        changed = _reject_a_loop(table.rows, finder.index)
        for row in table.rows:
            broken = [ref for ref in row.refs.values() if isinstance(ref, Row) and ref.action == REJECT]
            if row.action != REJECT and broken:
                row.reject(
                    gettext("It refers to “%(record)s” on line %(line)d, which is rejected.")
                    % {"record": broken[0].label, "line": broken[0].line}
                )
                changed = True
    for row in table.rows:
        if row.action == REJECT:
            continue
        values = row.values
        kind = organisation_kind(values.get("kind", ""))  # checked above
        wanted: dict[str, Any] = {"name": " ".join(values["name"].split())}
        for name in ("acronym", "name_fr", "acronym_fr", "kind", "jurisdiction", "website"):
            if name in table.columns:
                wanted[name] = kind if name == "kind" else values.get(name) or None
        if "aliases" in table.columns:
            acronym = wanted.get("acronym", row.target.acronym if row.target else None)
            wanted["aliases"] = clean_aliases(
                split_aliases(values.get("aliases", "")), wanted["name"], acronym
            )
        settle(row, {**wanted, **row.refs}, finder.index)
    return table.rows


# A person of the directory as the plan (and the preview) sees them: plain rows load far faster than records.
KNOWN_PERSON = (
    Person.id,
    Person.slug,
    *(getattr(Person, name) for name in PERSON_FIELDS),
    Person.search_text,
    Person.family_key,
    Person.name_key,
    Person.merged_into_id,
    func.trim(Person.given_name + " " + Person.family_name).label("full_name"),
)


async def _plan_people(session: AsyncSession, table: Table | None, finder: Organisations) -> list[Row]:
    if table is None:
        return []
    everything = (await session.execute(select(*KNOWN_PERSON))).all()
    index = {person.id: person for person in everything}
    by_slug = {person.slug: person for person in everything}
    by_email: dict[str, list[Any]] = defaultdict(list)
    by_name: dict[str, list[Any]] = defaultdict(list)
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
            row.reject(gettext("The family name is missing."))
            continue
        try:
            problem = too_long(
                row, Person, ("slug", "given_name", "family_name", "honorific", "job_title", "biography")
            )
            email = clean_email(values.get("email"))
            organisation = finder.find(values.get("organisation", ""))
        except DirectoryError as error:
            problem = str(error)
        if problem:
            row.reject(problem)
            continue
        key = name_key(f"{given} {family}")[:250]
        candidates: list[Any] = []
        if match_slug(row, by_slug, index):
            pass
        elif email and email in by_email:
            candidates, row.reason = by_email[email], gettext("same e-mail")
        elif "organisation" in columns:
            candidates = [p for p in by_name.get(key, []) if p.organisation_id == node(organisation)]
            row.reason = (
                gettext("same name and organisation")
                if organisation
                else gettext("same name, and neither has an organisation")
            )
        else:
            candidates = by_name.get(key, [])
            row.reason = gettext("same name (the file has no organisation column)")
        if len(candidates) > 1:
            slugs = ", ".join(p.slug for p in candidates)
            row.reject(
                gettext(
                    "It matches several people (%(reason)s: %(slugs)s); give the slug of the one meant, "
                    "or merge them first."
                )
                % {"reason": row.reason, "slugs": slugs}
            )
            continue
        if candidates:
            row.target = candidates[0]
        keys = [
            ("slug", values.get("slug", "")),
            ("e-mail", email),
            ("name and organisation", (key, node(organisation))),
            ("record", row.target.id if row.target else None),
        ]
        if not claim(row, seen, keys, f"{row.target.full_name} ({row.target.slug})" if row.target else ""):
            continue
        wanted: dict[str, Any] = {"given_name": given, "family_name": family}
        for name in ("honorific", "job_title"):
            if name in columns:
                wanted[name] = values.get(name) or None
        if "organisation" in columns:
            wanted["organisation_id"] = organisation
        if "email" in columns:
            wanted["email"] = email
        if "aliases" in columns:
            wanted["aliases"] = clean_aliases(split_aliases(values.get("aliases", "")), f"{given} {family}")
        if "biography" in columns:
            wanted["biography"] = values["biography"] if values.get("biography", "").strip() else None
        settle(row, wanted, finder.index)
        if row.target is None:
            row.reason = ""
    return table.rows
