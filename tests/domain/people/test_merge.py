"""A merge rewrites other areas' rows (speaker links, invitations, hosted sessions and events): each
event touched gets a "merge links" entry in its own log."""

from __future__ import annotations

from sqlalchemy import select

from events.audit import ACTIONS
from events.models import AuditEntry, Presentation, SpeakerLink
from tests.domain.people.test_directory import _duplicate_of_mike, _staff


def test_merge_links_is_a_known_action_with_a_label():
    assert ACTIONS["merge links"] == "Moved the links of a merged record"


def test_a_merge_writes_one_entry_per_event_whose_links_it_moved(accounts, db, client):
    token = _staff(client, accounts)
    ids = _duplicate_of_mike(db)

    async def twin_events(session, _storage):
        return set(
            await session.scalars(
                select(Presentation.event_id)
                .join(SpeakerLink, SpeakerLink.presentation_id == Presentation.id)
                .where(SpeakerLink.person_id == ids["twin"])
            )
        )

    touched = db.run(twin_events)
    assert len(touched) == 2  # the shared talk's event and the later one
    response = client.post(
        f"/manage/people/{ids['mike']}/merge/{ids['twin']}",
        data={"_csrf_token": token, "survivor": str(ids["mike"])},
        follow_redirects=False,
    )
    assert response.status_code == 302

    async def entries(session, _storage):
        rows = await session.execute(
            select(
                AuditEntry.event_id, AuditEntry.entity_type, AuditEntry.entity_id, AuditEntry.changes
            ).where(AuditEntry.action == "merge links")
        )
        return rows.all()

    found = db.run(entries)
    assert {row.event_id for row in found} == touched
    assert all((row.entity_type, row.entity_id) == ("person", ids["mike"]) for row in found)
    assert all(row.changes["speaker links"]["count"] == 1 for row in found)
    log = client.get("/manage/audit", params={"event": sorted(touched)[0]})
    assert log.status_code == 200 and "Moved the links of a merged record" in log.text
