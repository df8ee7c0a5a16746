"""Merging two records of the directory into one: the one module that rewrites other areas' rows.

A merge moves the duplicate's speaker links and upload invitations (people), or its speaker links, hosted
sessions and events (organisations), onto the survivor. Each event it touches gets an audit entry
("merge links") in its own log, so that an event's history says why its speakers changed. Runs inside
the caller's transaction: a failure anywhere leaves both records as they were.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...audit import Actor, apply_changes, record
from ...i18n import gettext
from ...models import (
    EventSession,
    LearningEvent,
    Organisation,
    Person,
    Presentation,
    SpeakerLink,
    UploadInvitation,
)
from . import duplicates
from .rules import DirectoryError, clean_aliases


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
        raise DirectoryError(gettext("One of these records has already been merged into another."))


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


async def _per_event(session: AsyncSession, statement: Any) -> Counter[int]:
    """``statement`` selects (event id, count) pairs."""
    return Counter({event_id: count for event_id, count in await session.execute(statement)})


def _record_events(
    session: AsyncSession,
    actor: Actor,
    survivor: Any,
    summary: str,
    touched: dict[str, Counter[int]],
) -> None:
    """One "merge links" entry per event whose rows the merge rewrote, in that event's log."""
    for event_id in sorted(set().union(*touched.values())):
        changes = {what: {"count": counts[event_id]} for what, counts in touched.items() if counts[event_id]}
        record(session, actor, "merge links", survivor, event_id=event_id, summary=summary, changes=changes)


def _links_per_event(column: Any, record_id: int) -> Any:
    return (
        select(Presentation.event_id, func.count())
        .join(SpeakerLink, SpeakerLink.presentation_id == Presentation.id)
        .where(column == record_id)
        .group_by(Presentation.event_id)
    )


async def merge_people(
    session: AsyncSession, actor: Actor, survivor: Person, duplicate: Person
) -> dict[str, Any]:
    """Fold ``duplicate`` into ``survivor``: its talks, invitations and names move; its URL redirects.

    The speaker links keep the job title and organisation recorded at each event.
    """
    _refuse_merge(survivor, duplicate, gettext("A person cannot be merged with themselves."))
    touched = {
        "speaker links": await _per_event(session, _links_per_event(SpeakerLink.person_id, duplicate.id)),
        "upload invitations": await _per_event(
            session,
            select(Presentation.event_id, func.count())
            .join(UploadInvitation, UploadInvitation.presentation_id == Presentation.id)
            .where(UploadInvitation.person_id == duplicate.id)
            .group_by(Presentation.event_id),
        ),
    }
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
    _record_events(session, actor, survivor, summary, touched)
    await duplicates.after_merge(session, actor, duplicates.PERSON, survivor.id, duplicate.id)
    await duplicates.suggest_for_person(session, survivor)
    return changes


async def merge_organisations(
    session: AsyncSession, actor: Actor, survivor: Organisation, duplicate: Organisation
) -> dict[str, Any]:
    """Fold ``duplicate`` into ``survivor``: its people, talks, sessions, divisions and names move.

    For a body that was renamed or absorbed, set a successor instead: that keeps both names.
    """
    _refuse_merge(survivor, duplicate, gettext("An organisation cannot be merged with itself."))
    touched = {
        "speaker links": await _per_event(
            session, _links_per_event(SpeakerLink.organisation_id, duplicate.id)
        ),
        "hosted sessions": await _per_event(
            session,
            select(EventSession.event_id, func.count())
            .where(EventSession.host_organisation_id == duplicate.id)
            .group_by(EventSession.event_id),
        ),
        "host": await _per_event(
            session,
            select(LearningEvent.id, func.count())
            .where(LearningEvent.host_organisation_id == duplicate.id)
            .group_by(LearningEvent.id),
        ),
    }
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
    fields = _fill_blanks(
        survivor, duplicate, ("acronym", "name_fr", "acronym_fr", "kind", "jurisdiction", "website")
    )
    for relation in ("parent_id", "successor_id"):
        target = getattr(duplicate, relation)
        if not getattr(survivor, relation) and target not in (None, survivor.id):
            fields[relation] = target
    fields["aliases"] = clean_aliases(
        [
            *survivor.aliases,
            duplicate.name,
            duplicate.acronym or "",
            duplicate.name_fr or "",
            duplicate.acronym_fr or "",
            *duplicate.aliases,
        ],
        survivor.name,
        fields.get("acronym", survivor.acronym),
        fields.get("name_fr", survivor.name_fr),
        fields.get("acronym_fr", survivor.acronym_fr),
    )
    changes = apply_changes(survivor, **fields)
    duplicate.merged_into_id = survivor.id
    duplicate.parent_id = duplicate.successor_id = None
    await session.flush()
    summary = f"Merged {duplicate.name} (#{duplicate.id}) into {survivor.name}"
    _record_merge(session, actor, survivor, duplicate, summary, changes)
    _record_events(session, actor, survivor, summary, touched)
    await duplicates.after_merge(session, actor, duplicates.ORGANISATION, survivor.id, duplicate.id)
    await duplicates.suggest_for_organisation(session, survivor)
    return changes
