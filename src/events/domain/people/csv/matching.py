"""What both planners share: finding the record a row names, and what would change in it.

Everything is matched in memory against the directory read once (a 100,000-row file checked against
100,000 records runs a handful of statements, not one per row or per organisation named).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from typing import Any

from ....i18n import N_, gettext
from ....models import Organisation, OrganisationKind
from ....models.base import name_key
from ..rules import DirectoryError
from .format import ALIAS_SEPARATOR, CREATE, REJECT, SAME, UPDATE, Row, label


@cache
def _limit(model: type, name: str) -> int:
    column = model.__table__.c[name]
    return column.type.length or column.info["max_length"]


def too_long(row: Row, model: type, names: tuple[str, ...]) -> str | None:
    """Why a cell does not fit its column, if one does not."""
    for name in names:
        limit = _limit(model, name)
        if len(row.values.get(name) or "") > limit:
            return gettext("The %(field)s is longer than %(limit)d characters.") % {
                "field": label(name),
                "limit": limit,
            }
    return None


def split_aliases(aliases: str) -> list[str]:
    return [alias.strip() for alias in aliases.split("|") if alias.strip()]


def organisation_kind(value: str) -> OrganisationKind | None:
    """The kind a cell names, by value or name (case, spaces and dashes ignored)."""

    def key(text: str) -> str:
        return " ".join(re.split(r"[\s_-]+", text.strip().lower()))

    if not value:
        return None
    for kind in OrganisationKind:
        if key(value) in (key(kind.value), key(kind.name)):
            return kind
    raise DirectoryError(
        gettext("Unknown kind “%(value)s”: use one of %(kinds)s.")
        % {"value": value, "kinds": ", ".join(k.value for k in OrganisationKind)}
    )


def shown(value: Any) -> str:
    """A value as the preview shows it."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, OrganisationKind):
        return value.value
    if isinstance(value, Organisation):
        return f"{value.name} ({value.slug})"
    if isinstance(value, Row):
        return gettext("%(record)s (new, line %(line)d)") % {"record": value.label, "line": value.line}
    if isinstance(value, list):
        return ALIAS_SEPARATOR.join(value)
    return str(value)


def live(record: Any, index: dict[int, Any]) -> Any:
    """The record a merged one was folded into: tombstones are never matched themselves."""
    seen = set()
    while record.merged_into_id is not None and record.id not in seen:
        seen.add(record.id)
        record = index[record.merged_into_id]
    return record


def node(ref: Any) -> Any:
    """An organisation as the rows see it: its id, or the row that will create it."""
    if isinstance(ref, Row):
        return ref.target.id if ref.target is not None else ref
    return ref.id if isinstance(ref, Organisation) else None


def match_slug(row: Row, by_slug: dict[str, Any], index: dict[int, Any]) -> bool:
    """Match the row to the record with its slug (or the one that record was merged into)."""
    slug = row.values.get("slug", "")
    if slug not in by_slug:
        return False
    row.target = live(by_slug[slug], index)
    row.reason = (
        gettext("same slug (“%(slug)s” was merged into “%(target)s”)")
        % {"slug": slug, "target": row.target.slug}
        if row.target.slug != slug
        else gettext("same slug")
    )
    return True


# Why a row repeats an earlier one of the file, by what they share (see ``claim``).
REPEATS = {
    "slug": N_("Duplicate of line %(line)d (same slug)."),
    "name": N_("Duplicate of line %(line)d (same name)."),
    "e-mail": N_("Duplicate of line %(line)d (same e-mail)."),
    "name and organisation": N_("Duplicate of line %(line)d (same name and organisation)."),
}


def claim(row: Row, seen: dict[tuple[str, Any], Row], keys: list[tuple[str, Any]], target: str) -> bool:
    """Whether the row is the first of the file with these keys (else it is rejected as a repeat).

    ``keys`` are (what, key) pairs, ``("record", id)`` among them; ``target`` names the matched record.
    """
    earlier = next(((what, seen[(what, key)]) for what, key in keys if key and (what, key) in seen), None)
    if earlier:
        what, first = earlier
        message = (
            gettext("Line %(line)d already matches %(target)s.")
            if what == "record"
            else gettext(REPEATS[what])
        )
        row.reject(message % {"line": first.line, "target": target})
        return False
    seen.update({(what, key): row for what, key in keys if key})
    return True


def settle(row: Row, wanted: dict[str, Any], organisations: dict[int, Organisation]) -> None:
    """A new record takes every field; a matched one keeps in ``fields`` only what differs."""
    if row.target is None:
        row.action, row.fields = CREATE, wanted
        row.shown = [(label(k), "", shown(v)) for k, v in wanted.items() if v]
        return
    row.fields = {}
    for name, value in wanted.items():
        before = getattr(row.target, name)
        if name.endswith("_id"):  # an organisation reference
            if node(value) == before:
                continue
            before = organisations.get(before)
        elif value == before:
            continue
        row.fields[name] = value
        row.shown.append((label(name), shown(before), shown(value)))
    row.action = UPDATE if row.fields else SAME


class Organisations:
    """Finds the organisation a cell names: a row of the file, then the directory (slug, name, alias).

    Built once from every organisation of the directory, merged ones included: no statement per cell.
    """

    def __init__(self, everything: list[Organisation]) -> None:
        self.index = {o.id: o for o in everything}
        self.by_slug = {o.slug: o for o in everything}
        self.rows_by_slug: dict[str, Row] = {}
        self.rows_by_name: dict[str, Row] = {}
        # Live organisations by name or alias: what a row of the organisations file matches.
        self.named: dict[str, list[Organisation]] = defaultdict(list)
        # Any organisation by name, acronym or alias, live ones first, then the oldest: what a cell names
        # (as service.organisation_named finds the name typed in a form).
        self.typed: dict[str, Organisation] = {}
        for organisation in sorted(everything, key=lambda o: (o.merged_into_id is not None, o.id)):
            aliases = {name_key(alias) for alias in organisation.aliases}
            if organisation.merged_into_id is None:
                for key in {organisation.name_key, *aliases}:
                    self.named[key].append(organisation)
            french = (name_key(organisation.name_fr or ""), name_key(organisation.acronym_fr or ""))
            for key in (organisation.name_key, name_key(organisation.acronym or ""), *aliases, *french):
                if key:
                    self.typed.setdefault(key, organisation)

    def find(self, value: str) -> Organisation | Row | None:
        """None for an empty cell; raises DirectoryError for a name nobody has."""
        if not value:
            return None
        row = self.rows_by_slug.get(value) or self.rows_by_name.get(name_key(value))
        if row is not None:
            if row.action == REJECT:
                raise DirectoryError(
                    gettext("“%(value)s” is on line %(line)d of the organisations file, which is rejected.")
                    % {"value": value, "line": row.line}
                )
            return row.target if row.target is not None else row
        found = self.by_slug.get(value) or self.typed.get(name_key(value))
        if found is None:
            raise DirectoryError(
                gettext(
                    "Unknown organisation “%(value)s”: no row of the file and no organisation in the directory "
                    "has that slug, name or acronym."
                )
                % {"value": value}
            )
        return live(found, self.index)
