"""People and organisations: every write of the directory, and the reads of its public pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Exists, case, func, literal_column, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from ...audit import Actor, apply_changes, created_fields, record
from ...db.slugs import free_slug
from ...models import (
    PUBLIC_STATUSES,
    EventSession,
    LearningEvent,
    Material,
    Organisation,
    OrganisationKind,
    Person,
    Presentation,
    SpeakerLink,
    UploadInvitation,
    as_id,
)
from ...models.base import TERM_LENGTH, name_key
from ...text import fold, slugify
from . import duplicates
from .search import (
    A_TO_Z,
    first_ids_in_a_to_z,
    is_common,
    organisation_ids_named,
    people_matching,
    people_with_organisations,
    search_words,
)


class DirectoryError(ValueError):
    """A write the directory refuses, with a message for the person who asked."""


PERSON_FIELDS = (
    "given_name",
    "family_name",
    "honorific",
    "job_title",
    "organisation_id",
    "biography",
    "email",
    "aliases",
)
ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "jurisdiction",
    "website",
    "aliases",
    "parent_id",
    "successor_id",
)


def clean_aliases(aliases: list[str] | None, *own_names: str | None) -> list[str]:
    """Aliases without blanks, repeats (accents and case ignored) or the record's own names."""
    seen = {fold(name) for name in own_names if name}
    kept = []
    for alias in aliases or []:
        alias = " ".join(alias.split())
        folded = fold(alias)
        if alias and folded not in seen:
            seen.add(folded)
            kept.append(alias)
    return kept


def clean_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    if email and ("@" not in email or " " in email or len(email) > 320):
        raise DirectoryError(f"“{email}” is not an e-mail address.")
    return email or None


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
    name = " ".join((name or "").split())
    if not name:
        raise DirectoryError("An organisation needs a name.")
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
        fields["name"] = " ".join((fields["name"] or "").split())
        if not fields["name"]:
            raise DirectoryError("An organisation needs a name.")
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
            raise DirectoryError(f"{organisation.name} cannot be {noun} itself, directly or through others.")
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
        raise DirectoryError("A person needs a family name.")
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
        raise DirectoryError("A person needs a family name.")
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
    from . import bulk  # bulk uses this module's rules (clean_email, ...): imported when first needed

    return await bulk.write(session, actor, organisations=organisations, people=people)


# --- finding -------------------------------------------------------------------------------------


async def search_people(
    session: AsyncSession, query: str, limit: int = 10
) -> list[tuple[Person, Organisation | None]]:
    """People matching every word typed (see ``search.people_matching``), with their organisation."""
    if not search_words(query):
        return []
    ids = await first_ids_in_a_to_z(session, query, [], limit) if await is_common(session, query) else None
    if ids is None:
        ids = list(
            await session.scalars(
                select(Person.id)
                .where(Person.merged_into_id.is_(None), people_matching(query))
                .order_by(*A_TO_Z)
                .limit(limit)
            )
        )
    return await people_with_organisations(session, ids)


async def organisation_named(session: AsyncSession, value: str | None) -> Organisation | None:
    """The organisation typed in a form: by id, acronym, name or alias (accents and case ignored).

    A merged record leads to the one it was merged into.
    """
    value = (value or "").strip()
    if not value:
        return None
    if as_id(value) is not None:
        found = await session.get(Organisation, as_id(value))
    else:
        key = name_key(value)
        candidates = (
            list(
                await session.scalars(
                    select(Organisation)
                    .where(Organisation.id.in_(organisation_ids_named(fold(value).split()[0][:TERM_LENGTH])))
                    .order_by(Organisation.merged_into_id.is_not(None), Organisation.id)
                )
            )
            if fold(value)
            else []
        )
        found = next(
            (
                o
                for o in candidates
                if o.name_key == key
                or name_key(o.acronym or "") == key
                or key in {name_key(a) for a in o.aliases}
            ),
            None,
        )
    while found is not None and found.merged_into_id is not None:
        found = await session.get(Organisation, found.merged_into_id)
    return found


# --- merging ---------------------------------------------------------------------------------------


def _fill_blanks(survivor: Any, duplicate: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {
        name: getattr(duplicate, name)
        for name in names
        if not getattr(survivor, name) and getattr(duplicate, name)
    }


def _refuse_merge(survivor: Any, duplicate: Any, same_record: str) -> None:
    if survivor.id == duplicate.id:
        raise DirectoryError(same_record)
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise DirectoryError("One of these records has already been merged into another.")


def _record_merge(
    session: AsyncSession, actor: Actor, survivor: Any, duplicate: Any, summary: str, changes: dict[str, Any]
) -> None:
    """Both records' audit entries: what the survivor gained, and where the duplicate went."""
    record(session, actor, "merge", survivor, summary=summary, changes=changes)
    record(
        session,
        actor,
        "merged",
        duplicate,
        summary=summary,
        changes={"merged_into_id": {"before": None, "after": survivor.id}},
    )


async def merge_people(
    session: AsyncSession, actor: Actor, survivor: Person, duplicate: Person
) -> dict[str, Any]:
    """Fold ``duplicate`` into ``survivor``: its talks, invitations and names move; its URL redirects.

    The speaker links keep the job title and organisation recorded at each event. Runs inside the
    caller's transaction, so a failure anywhere leaves both records as they were.
    """
    _refuse_merge(survivor, duplicate, "A person cannot be merged with themselves.")
    links = list(await session.scalars(select(SpeakerLink).where(SpeakerLink.person_id == duplicate.id)))
    shared = set(
        await session.scalars(
            select(SpeakerLink.presentation_id).where(
                SpeakerLink.person_id == survivor.id,
                SpeakerLink.presentation_id.in_([link.presentation_id for link in links]),
            )
        )
    )
    moved = 0
    for link in links:
        if link.presentation_id in shared:  # both were listed on one talk: it keeps the survivor's entry
            await session.delete(link)
        else:
            link.person_id = survivor.id
            moved += 1
    await session.execute(
        update(UploadInvitation)
        .where(UploadInvitation.person_id == duplicate.id)
        .values(person_id=survivor.id)
    )
    await session.execute(
        update(Person).where(Person.merged_into_id == duplicate.id).values(merged_into_id=survivor.id)
    )
    fields = _fill_blanks(
        survivor, duplicate, ("honorific", "job_title", "organisation_id", "biography", "email")
    )
    fields["aliases"] = clean_aliases(
        [*survivor.aliases, duplicate.full_name, *duplicate.aliases], survivor.full_name
    )
    changes = apply_changes(survivor, **fields)
    if "email" in changes:
        changes["email"] = {"before": None, "after": "(private)"}
    duplicate.merged_into_id = survivor.id
    await session.flush()
    summary = (
        f"Merged {duplicate.full_name} (#{duplicate.id}) into {survivor.full_name}: {moved} talk(s) moved"
    )
    _record_merge(session, actor, survivor, duplicate, summary, changes)
    await duplicates.after_merge(session, actor, duplicates.PERSON, survivor.id, duplicate.id)
    await duplicates.suggest_for_person(session, survivor)
    return changes


async def merge_organisations(
    session: AsyncSession, actor: Actor, survivor: Organisation, duplicate: Organisation
) -> dict[str, Any]:
    """Fold ``duplicate`` into ``survivor``: its people, talks, sessions, divisions and names move.

    For a body that was renamed or absorbed, set a successor instead: that keeps both names.
    """
    _refuse_merge(survivor, duplicate, "An organisation cannot be merged with itself.")
    for model, column in (
        (Person, Person.organisation_id),
        (SpeakerLink, SpeakerLink.organisation_id),
        (EventSession, EventSession.host_organisation_id),
        (LearningEvent, LearningEvent.host_organisation_id),
        (Organisation, Organisation.parent_id),
        (Organisation, Organisation.successor_id),
        (Organisation, Organisation.merged_into_id),
    ):
        statement = update(model).where(column == duplicate.id).values({column.key: survivor.id})
        if model is Organisation:  # the survivor is never its own parent or successor
            statement = statement.where(Organisation.id != survivor.id)
        await session.execute(statement)
    await session.refresh(survivor)
    if survivor.parent_id == duplicate.id:
        survivor.parent_id = None
    if survivor.successor_id == duplicate.id:
        survivor.successor_id = None
    fields = _fill_blanks(survivor, duplicate, ("acronym", "kind", "jurisdiction", "website"))
    for relation in ("parent_id", "successor_id"):
        target = getattr(duplicate, relation)
        if not getattr(survivor, relation) and target not in (None, survivor.id):
            fields[relation] = target
    fields["aliases"] = clean_aliases(
        [*survivor.aliases, duplicate.name, duplicate.acronym or "", *duplicate.aliases],
        survivor.name,
        fields.get("acronym", survivor.acronym),
    )
    changes = apply_changes(survivor, **fields)
    duplicate.merged_into_id = survivor.id
    duplicate.parent_id = duplicate.successor_id = None
    await session.flush()
    summary = f"Merged {duplicate.name} (#{duplicate.id}) into {survivor.name}"
    _record_merge(session, actor, survivor, duplicate, summary, changes)
    await duplicates.after_merge(session, actor, duplicates.ORGANISATION, survivor.id, duplicate.id)
    await duplicates.suggest_for_organisation(session, survivor)
    return changes


# --- public reads ---------------------------------------------------------------------------------


@dataclass
class Appearance:
    """One talk in a person's or organisation's history, with what was held at the time."""

    link: SpeakerLink
    presentation: Presentation
    event: LearningEvent
    materials: list[Material]


# What makes a speaker link public: the talk and its event are not deleted and the event is published.
PUBLIC_TALK = (
    Presentation.deleted_at.is_(None),
    LearningEvent.deleted_at.is_(None),
    LearningEvent.status.in_(PUBLIC_STATUSES),
)


def public_talk_exists(*conditions: ColumnElement[bool]) -> Exists:
    """Whether a public speaker link meets ``conditions`` (correlated with the enclosing query)."""
    return (
        select(SpeakerLink.id)
        .join(SpeakerLink.presentation)
        .join(Presentation.event)
        .where(*PUBLIC_TALK, *conditions)
        .exists()
    )


def _public_links():  # noqa: ANN202
    return (
        select(SpeakerLink)
        .join(SpeakerLink.presentation)
        .join(Presentation.event)
        .where(*PUBLIC_TALK)
        .options(
            joinedload(SpeakerLink.person),
            joinedload(SpeakerLink.organisation),
            joinedload(SpeakerLink.presentation).options(
                joinedload(Presentation.event),
                selectinload(Presentation.materials).joinedload(Material.current_version),
                selectinload(Presentation.speaker_links).options(
                    joinedload(SpeakerLink.person), joinedload(SpeakerLink.organisation)
                ),
            ),
        )
        # Newest event first; the event id keeps two events of one day from interleaving their talks.
        .order_by(
            LearningEvent.start_date.desc(), LearningEvent.id.desc(), Presentation.position, Presentation.id
        )
    )


def _appearances(links: list[SpeakerLink], now) -> list[Appearance]:  # noqa: ANN001
    seen: set[int] = set()
    appearances = []
    for link in links:
        if link.presentation_id in seen:
            continue
        seen.add(link.presentation_id)
        presentation = link.presentation
        materials = [m for m in presentation.materials if m.is_public_at(now)]
        appearances.append(Appearance(link, presentation, presentation.event, materials))
    return appearances


def person_by_slug(session: Session, slug: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slug == slug).options(joinedload(Person.organisation)))


def person_history(session: Session, person: Person, now) -> list[Appearance]:  # noqa: ANN001
    links = (session.scalars(_public_links().where(SpeakerLink.person_id == person.id))).unique().all()
    return _appearances(list(links), now)


@dataclass
class OrganisationPage:
    organisation: Organisation
    children: list[Organisation]
    predecessors: list[Organisation]  # every earlier name, however far back, the closest first
    successors: list[Organisation]  # the later names, in order
    appearances: list[Appearance]  # talks under this name or an earlier one, newest first
    hosted_sessions: list[EventSession]
    events_held: list[LearningEvent]  # events held with it (or an earlier name), newest first


# Lineage loops are refused on write (_refuse_loop); this bound only keeps a bad row from looping a page.
LINEAGE_STEPS = 50


def _lineage(session: Session, organisation: Organisation) -> list[tuple[Organisation, int]]:
    """The earlier (negative steps) and later (positive steps) names of ``organisation``, in one statement."""
    older, newer = aliased(Organisation), aliased(Organisation)
    earlier = select(Organisation.id, literal_column("0").label("step")).where(
        Organisation.id == organisation.id
    )
    earlier = earlier.cte("earlier", recursive=True)
    earlier = earlier.union_all(
        select(older.id, earlier.c.step - 1)
        .join(older, older.successor_id == earlier.c.id)
        .where(earlier.c.step > -LINEAGE_STEPS)
    )
    later = select(Organisation.successor_id.label("id"), literal_column("1").label("step")).where(
        Organisation.id == organisation.id, Organisation.successor_id.is_not(None)
    )
    later = later.cte("later", recursive=True)
    later = later.union_all(
        select(newer.successor_id, later.c.step + 1)
        .join(newer, newer.id == later.c.id)
        .where(newer.successor_id.is_not(None), later.c.step < LINEAGE_STEPS)
    )
    steps = union_all(
        select(earlier.c.id, earlier.c.step).where(earlier.c.step < 0), select(later.c.id, later.c.step)
    ).subquery()
    rows = session.execute(
        select(Organisation, steps.c.step)
        .join(steps, steps.c.id == Organisation.id)
        .order_by(func.abs(steps.c.step), Organisation.name)
    )
    seen = {organisation.id}
    lineage = []
    for other, step in rows:
        if other.id not in seen:
            seen.add(other.id)
            lineage.append((other, step))
    return lineage


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    return session.scalar(
        select(Organisation).where(Organisation.slug == slug).options(joinedload(Organisation.parent))
    )


def organisation_page(session: Session, organisation: Organisation, now) -> OrganisationPage:  # noqa: ANN001
    """What an organisation's page shows, in a handful of statements whatever the number of talks."""
    children = (
        session.scalars(
            select(Organisation)
            .where(Organisation.parent_id == organisation.id, Organisation.merged_into_id.is_(None))
            .order_by(Organisation.name)
        )
    ).all()
    lineage = _lineage(session, organisation)
    predecessors = [other for other, step in lineage if step < 0]
    # The talks and sessions of its earlier names are its history too, shown with the name of the time.
    names = [organisation.id, *(other.id for other in predecessors)]
    links = (
        (
            session.scalars(
                _public_links()
                .where(SpeakerLink.organisation_id.in_(names))
                # A talk shared by several of its people is shown once, preferably under the current name.
                .order_by(
                    case((SpeakerLink.organisation_id == organisation.id, 0), else_=1), SpeakerLink.position
                )
            )
        )
        .unique()
        .all()
    )
    hosted = (
        session.scalars(
            select(EventSession)
            .join(EventSession.event)
            .where(
                EventSession.host_organisation_id.in_(names),
                EventSession.deleted_at.is_(None),
                LearningEvent.deleted_at.is_(None),
                LearningEvent.status.in_(PUBLIC_STATUSES),
            )
            .options(joinedload(EventSession.event), joinedload(EventSession.host_organisation))
            .order_by(LearningEvent.start_date.desc(), LearningEvent.id.desc(), EventSession.position)
        )
    ).all()
    held = session.scalars(
        select(LearningEvent)
        .where(
            LearningEvent.host_organisation_id.in_(names),
            LearningEvent.deleted_at.is_(None),
            LearningEvent.status.in_(PUBLIC_STATUSES),
        )
        .options(joinedload(LearningEvent.host_organisation))
        .order_by(LearningEvent.start_date.desc(), LearningEvent.id.desc())
    ).all()
    return OrganisationPage(
        organisation=organisation,
        children=list(children),
        predecessors=predecessors,
        successors=[other for other, step in lineage if step > 0],
        appearances=_appearances(list(links), now),
        hosted_sessions=list(hosted),
        events_held=list(held),
    )
