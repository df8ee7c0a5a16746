"""Likely duplicates in the directory: found on every write, listed for staff, never suggested twice.

People look alike when they share an e-mail address, when their names are equal once accents, case,
punctuation and spaces are gone, or when they share a family name and their given names agree
("M." and "Mike", "Rob" and "Robert"). Organisations look alike when their names are equal in the
same sense or when they share an acronym. A pair staff dismissed stays dismissed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...audit import Actor, record
from ...i18n import N_
from ...models import DuplicateKind, DuplicateStatus, DuplicateSuggestion, Organisation, Person
from ...models.base import name_key
from ...text import fold
from .search import organisation_ids_named, search_words

PERSON = DuplicateKind.PERSON
ORGANISATION = DuplicateKind.ORGANISATION

# Stored with each suggestion in English; the pages translate them where they are shown.
SAME_EMAIL = N_("Same e-mail address")
SAME_NAME = N_("Same name once accents, case and punctuation are ignored")
SAME_ACRONYM = "Same acronym"
NAME_IN_OTHER_LANGUAGE = N_("The name of one is the name of the other in the other official language")
CHUNK = 10_000  # ids per IN (...) list: both databases cap the parameters of one statement


def given_names_agree(first: str, second: str) -> str | None:
    """Why two given names could be one person's ("M." and "Mike"), or None."""
    a, b = fold(first).split()[:1], fold(second).split()[:1]
    if not a or not b:
        return "one has no given name"
    short, long = sorted((a[0], b[0]), key=len)
    if short == long:
        return "the same given name"
    if len(short) == 1 and long.startswith(short):
        return f"“{short.upper()}.” is the initial of “{long.capitalize()}”"
    if len(short) >= 3 and long.startswith(short):
        return f"“{short.capitalize()}” is short for “{long.capitalize()}”"
    return None


def person_reasons(a: Any, b: Any) -> list[str]:
    """Why two people (anything with given_name, family_name, family_key, name_key, email) look alike."""
    reasons = []
    if a.email and a.email == b.email:
        reasons.append(SAME_EMAIL)
    if a.name_key and a.name_key == b.name_key:
        reasons.append(SAME_NAME)
    elif a.family_key and a.family_key == b.family_key:
        agreement = given_names_agree(a.given_name, b.given_name)
        if agreement:
            reasons.append(f"Same family name, and {agreement}")
    return reasons


def _french_key(organisation: Any) -> str:
    return name_key(getattr(organisation, "name_fr", None) or "")


def organisation_reasons(a: Any, b: Any) -> list[str]:
    reasons = []
    if a.name_key and a.name_key == b.name_key:
        reasons.append(SAME_NAME)
    elif a.name_key and b.name_key and (a.name_key == _french_key(b) or b.name_key == _french_key(a)):
        reasons.append(NAME_IN_OTHER_LANGUAGE)
    if a.acronym and b.acronym and fold(a.acronym) == fold(b.acronym):
        reasons.append(f"{SAME_ACRONYM} ({a.acronym})")
    return reasons


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


async def _store(
    session: AsyncSession,
    kind: DuplicateKind,
    found: dict[tuple[int, int], list[str]],
    involving: set[int] | None,
) -> None:
    """Make the open suggestions match ``found``, for the pairs ``involving`` those ids (or all pairs)."""
    existing_query = select(DuplicateSuggestion).where(DuplicateSuggestion.kind == kind)
    if involving is not None:
        existing_query = existing_query.where(
            or_(DuplicateSuggestion.first_id.in_(involving), DuplicateSuggestion.second_id.in_(involving))
        )
    existing = {(s.first_id, s.second_id): s for s in await session.scalars(existing_query)}
    stale = [s.id for pair, s in existing.items() if s.status == DuplicateStatus.OPEN and pair not in found]
    for start in range(0, len(stale), CHUNK):
        await session.execute(
            delete(DuplicateSuggestion).where(DuplicateSuggestion.id.in_(stale[start : start + CHUNK]))
        )
    new = []
    for pair, reasons in found.items():
        suggestion = existing.get(pair)
        if suggestion is None:
            new.append({"kind": kind, "first_id": pair[0], "second_id": pair[1], "reasons": reasons})
        elif suggestion.status == DuplicateStatus.OPEN and suggestion.reasons != reasons:
            suggestion.reasons = reasons
    if new:  # one multi-row INSERT (a scan of the whole directory may find thousands)
        await session.execute(insert(DuplicateSuggestion), new)
    await session.flush()


async def suggest_for_person(session: AsyncSession, person: Person) -> None:
    """Refresh the suggestions that involve ``person`` (three index lookups)."""
    if person.merged_into_id is not None:
        return
    same = [Person.family_key == person.family_key, Person.name_key == person.name_key]
    if person.email:
        same.append(Person.email == person.email)
    others = await session.scalars(
        select(Person).where(Person.id != person.id, Person.merged_into_id.is_(None), or_(*same))
    )
    found = {}
    for other in others:
        reasons = person_reasons(person, other)
        if reasons:
            found[_pair(person.id, other.id)] = reasons
    await _store(session, PERSON, found, {person.id})


async def suggest_for_organisation(session: AsyncSession, organisation: Organisation) -> None:
    if organisation.merged_into_id is not None:
        return
    same = [Organisation.name_key == organisation.name_key]
    if organisation.acronym:
        same.append(Organisation.acronym == organisation.acronym)
    if organisation.name_fr:  # another record named in English as this one is in French
        same.append(Organisation.name_key == _french_key(organisation))
    words = search_words(organisation.name)
    if words:  # another record whose French name is this one's name: among those named by its first word
        same.append(
            (Organisation.name_fr.is_not(None)) & Organisation.id.in_(organisation_ids_named(words[0]))
        )
    others = await session.scalars(
        select(Organisation).where(
            Organisation.id != organisation.id, Organisation.merged_into_id.is_(None), or_(*same)
        )
    )
    found = {}
    for other in others:
        reasons = organisation_reasons(organisation, other)
        if reasons:
            found[_pair(organisation.id, other.id)] = reasons
    await _store(session, ORGANISATION, found, {organisation.id})


def _groups(rows: Iterable[Any], keys: tuple[str, ...]) -> Iterable[list[Any]]:
    """The rows that share a value of one of ``keys``."""
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        for key in keys:
            value = getattr(row, key)
            if value:
                groups[(key, fold(value) if key == "acronym" else value)].append(row)
    return groups.values()


def _french_groups(organisations: Iterable[Any]) -> Iterable[list[Any]]:
    """Each organisation with a French name, with the records named so in English."""
    by_name: dict[str, list[Any]] = defaultdict(list)
    for organisation in organisations:
        by_name[organisation.name_key].append(organisation)
    for organisation in organisations:
        key = _french_key(organisation)
        others = [other for other in by_name.get(key, []) if other.id != organisation.id] if key else []
        if others:
            yield [organisation, *others]


def _family_groups(people: Iterable[Any]) -> Iterable[list[Any]]:
    """People of one family name whose given names could agree (``given_names_agree``): those with the same
    initial, and those without a given name, who agree with anyone. A common family name ("Roy") then
    costs pairs of the same initial only, not every pair of the family."""
    families: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for person in people:
        if person.family_key:
            given = fold(person.given_name).split()
            families[person.family_key][given[0][0] if given else ""].append(person)
    for initials in families.values():
        anyone = initials.pop("", [])
        yield from ([anyone + members for members in initials.values()] or [anyone])


def _pairs_within_groups(groups: Iterable[list[Any]], reasons_of) -> dict:  # noqa: ANN001
    found = {}
    for members in groups:
        for a, b in combinations(members, 2):
            pair = _pair(a.id, b.id)
            if pair not in found:
                reasons = reasons_of(a, b)
                if reasons:
                    found[pair] = reasons
    return found


async def rescan(session: AsyncSession) -> int:
    """Look for duplicates across the whole directory (after a bulk import); returns the open count."""
    people = (
        await session.execute(
            select(
                Person.id,
                Person.given_name,
                Person.family_name,
                Person.family_key,
                Person.name_key,
                Person.email,
            ).where(Person.merged_into_id.is_(None))
        )
    ).all()
    groups = [*_groups(people, ("email", "name_key")), *_family_groups(people)]
    await _store(session, PERSON, _pairs_within_groups(groups, person_reasons), None)
    organisations = (
        await session.execute(
            select(Organisation.id, Organisation.name_key, Organisation.acronym, Organisation.name_fr).where(
                Organisation.merged_into_id.is_(None)
            )
        )
    ).all()
    groups = [*_groups(organisations, ("name_key", "acronym")), *_french_groups(organisations)]
    await _store(session, ORGANISATION, _pairs_within_groups(groups, organisation_reasons), None)
    return await open_count(session)


async def open_count(session: AsyncSession) -> int:
    return await session.scalar(
        select(func.count())
        .select_from(DuplicateSuggestion)
        .where(DuplicateSuggestion.status == DuplicateStatus.OPEN)
    )


async def dismiss(session: AsyncSession, actor: Actor, suggestion: DuplicateSuggestion) -> None:
    """ "Not the same": the pair is kept as dismissed, so no later scan suggests it again."""
    suggestion.status = DuplicateStatus.DISMISSED
    suggestion.decided_by_id = actor.user_id
    suggestion.decided_at = dt.datetime.now(dt.UTC)
    await session.flush()
    record(
        session,
        actor,
        "dismiss",
        suggestion,
        summary=f"Not duplicates: {suggestion.kind.value} #{suggestion.first_id} and #{suggestion.second_id}",
        changes={"status": {"before": DuplicateStatus.OPEN.value, "after": DuplicateStatus.DISMISSED.value}},
    )


async def after_merge(
    session: AsyncSession, actor: Actor, kind: DuplicateKind, survivor_id: int, merged_id: int
) -> None:
    """The merged pair is closed; other open suggestions of the merged record go (the survivor is rescanned)."""
    first, second = _pair(survivor_id, merged_id)
    suggestion = await session.scalar(
        select(DuplicateSuggestion).where(
            DuplicateSuggestion.kind == kind,
            DuplicateSuggestion.first_id == first,
            DuplicateSuggestion.second_id == second,
        )
    )
    if suggestion is None:
        suggestion = DuplicateSuggestion(
            kind=kind, first_id=first, second_id=second, reasons=["Merged by staff"]
        )
        session.add(suggestion)
    suggestion.status = DuplicateStatus.MERGED
    suggestion.decided_by_id = actor.user_id
    suggestion.decided_at = dt.datetime.now(dt.UTC)
    await session.execute(
        delete(DuplicateSuggestion).where(
            DuplicateSuggestion.kind == kind,
            DuplicateSuggestion.status == DuplicateStatus.OPEN,
            or_(DuplicateSuggestion.first_id == merged_id, DuplicateSuggestion.second_id == merged_id),
        )
    )
    await session.flush()
