"""People and organisations: every write of the directory, each one audited.

Reads are in ``queries`` (management pages) and ``public_queries`` (public pages); merges, which rewrite
other areas' rows, in ``merge``; the rules shared with the bulk writer and the CSV import in ``rules``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ...audit import Actor, apply_changes, created_fields, record
from ...db.slugs import free_slug
from ...models import Organisation, OrganisationKind, Person
from ...text import slugify
from . import bulk, duplicates
from .merge import merge_organisations, merge_people
from .rules import (
    ORGANISATION_FIELDS,
    PERSON_FIELDS,
    DirectoryError,
    clean_aliases,
    clean_email,
    clean_organisation_name,
)

__all__ = [
    "ORGANISATION_FIELDS",
    "PERSON_FIELDS",
    "DirectoryError",
    "clean_aliases",
    "clean_email",
    "create_organisation",
    "create_person",
    "import_directory",
    "merge_organisations",
    "merge_people",
    "update_organisation",
    "update_person",
]


async def create_organisation(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    acronym: str | None = None,
    kind: OrganisationKind | None = None,
    jurisdiction: str | None = None,
    website: str | None = None,
    parent: Organisation | None = None,
    successor: Organisation | None = None,
    aliases: list[str] | None = None,
    slug: str | None = None,
) -> Organisation:
    """A new organisation; ``slug`` asks for a web address (an import keeps the exported one) if free."""
    name = clean_organisation_name(name)
    organisation = Organisation(
        slug=await free_slug(session, Organisation, slugify(slug or name)),
        name=name,
        acronym=acronym,
        kind=kind,
        jurisdiction=jurisdiction,
        website=website,
        parent_id=parent.id if parent else None,
        successor_id=successor.id if successor else None,
        aliases=clean_aliases(aliases, name, acronym),
    )
    session.add(organisation)
    await session.flush()
    record(
        session,
        actor,
        "create",
        organisation,
        summary=f"Created organisation {name}",
        changes=created_fields(name=name, acronym=acronym, kind=kind, jurisdiction=jurisdiction),
    )
    await duplicates.suggest_for_organisation(session, organisation)
    return organisation


async def update_organisation(
    session: AsyncSession, actor: Actor, organisation: Organisation, **fields: Any
) -> dict[str, Any]:
    """Change any of ORGANISATION_FIELDS; refuses a parent or successor that would make a loop."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Not organisation fields: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = clean_organisation_name(fields["name"])
    if "aliases" in fields:
        fields["aliases"] = clean_aliases(
            fields["aliases"],
            fields.get("name", organisation.name),
            fields.get("acronym", organisation.acronym),
        )
    for relation in ("parent_id", "successor_id"):
        if fields.get(relation) is not None:
            await _refuse_loop(session, organisation, relation, fields[relation])
    changes = apply_changes(organisation, **fields)
    if changes:
        await session.flush()
        record(
            session,
            actor,
            "update",
            organisation,
            summary=f"Edited organisation {organisation.name}",
            changes=changes,
        )
        if changes.keys() & {"name", "acronym"}:  # what the duplicate review compares
            await duplicates.suggest_for_organisation(session, organisation)
    return changes


async def _refuse_loop(
    session: AsyncSession, organisation: Organisation, relation: str, target_id: int
) -> None:
    """A division cannot contain its own department, nor can a body succeed itself, however indirectly."""
    noun = "part of" if relation == "parent_id" else "succeeded by"
    column = getattr(Organisation, relation)
    seen: set[int] = set()
    current: int | None = target_id
    while current is not None and current not in seen:
        if current == organisation.id:
            raise DirectoryError(
                f"{organisation.name} cannot be {noun} itself, directly or through others.", field=relation
            )
        seen.add(current)
        current = await session.scalar(select(column).where(Organisation.id == current))


async def create_person(
    session: AsyncSession,
    actor: Actor,
    *,
    given_name: str,
    family_name: str,
    honorific: str | None = None,
    job_title: str | None = None,
    organisation: Organisation | None = None,
    email: str | None = None,
    biography: str | None = None,
    aliases: list[str] | None = None,
    suggest_duplicates: bool = True,
    slug: str | None = None,
) -> Person:
    """A new person; ``suggest_duplicates=False`` for bulk loads, which scan the directory once at the end.

    ``slug`` asks for a web address (an import keeps the exported one), if no one has it yet.
    """
    given_name, family_name = " ".join((given_name or "").split()), " ".join((family_name or "").split())
    if not family_name:
        raise DirectoryError("A person needs a family name.", field="family_name")
    person = Person(
        slug=await free_slug(session, Person, slugify(slug or f"{given_name} {family_name}")),
        given_name=given_name,
        family_name=family_name,
        honorific=honorific,
        job_title=job_title,
        organisation_id=organisation.id if organisation else None,
        email=clean_email(email),
        biography=biography,
        aliases=clean_aliases(aliases, f"{given_name} {family_name}"),
    )
    session.add(person)
    await session.flush()
    record(
        session,
        actor,
        "create",
        person,
        summary=f"Created person {person.full_name}",
        changes=created_fields(
            given_name=given_name,
            family_name=family_name,
            job_title=job_title,
            organisation_id=person.organisation_id,
        ),
    )
    if suggest_duplicates:
        await duplicates.suggest_for_person(session, person)
    return person


async def update_person(session: AsyncSession, actor: Actor, person: Person, **fields: Any) -> dict[str, Any]:
    """Change any of PERSON_FIELDS (talks keep the title and organisation they were given at the time)."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Not person fields: {sorted(unknown)}")
    for name in ("given_name", "family_name"):
        if name in fields:
            fields[name] = " ".join((fields[name] or "").split())
    if fields.get("family_name", person.family_name) == "":
        raise DirectoryError("A person needs a family name.", field="family_name")
    if "email" in fields:
        fields["email"] = clean_email(fields["email"])
    if "aliases" in fields:
        full_name = (
            f"{fields.get('given_name', person.given_name)} {fields.get('family_name', person.family_name)}"
        )
        fields["aliases"] = clean_aliases(fields["aliases"], full_name)
    changes = apply_changes(person, **fields)
    if changes:
        await session.flush()
        if "email" in changes:  # private: the log says that it changed, not what it was
            changes["email"] = {"before": "(private)", "after": "(private)"}
        record(session, actor, "update", person, summary=f"Edited person {person.full_name}", changes=changes)
        if changes.keys() & {"given_name", "family_name", "email"}:  # what the duplicate review compares
            await duplicates.suggest_for_person(session, person)
    return changes


async def import_directory(
    session: AsyncSession, actor: Actor, *, organisations: list[Any], people: list[Any]
) -> dict[str, Any]:
    """Create and change many records at once (a CSV import), in bulk: see ``bulk.py``.

    ``organisations`` and ``people`` are ``bulk.Change`` items; one audit entry lists what was written.
    Raises DirectoryError (``bulk.RecordRefused`` naming the record) if the rules refuse a record.
    """
    return await bulk.write(session, actor, organisations=organisations, people=people)
