"""Who has a public page: people and bodies that a published event shows, and the tombstones that lead to
them. Anyone else answers the very page an unknown name gets, so that a guessed slug gives nothing away."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from events.audit import COMMAND_LINE
from events.domain.events import service as events
from events.domain.people import service as people
from events.models import EventSession, EventStatus, Presentation
from tests.domain.people.test_public_index import _event, _person
from tests.pages import links, main_text


def _assert_unknown(client, path: str) -> None:
    """The same 404 as a slug nobody has, but for the slug itself."""
    slug = path.rsplit("/", 1)[1]
    unknown_path = path.replace(slug, "nobody-at-all-xyz")
    response, unknown = client.get(path, follow_redirects=False), client.get(unknown_path)
    assert (response.status_code, unknown.status_code) == (404, 404), path
    assert response.text.replace(slug, "SLUG") == unknown.text.replace("nobody-at-all-xyz", "SLUG")


async def _delete_talk(session, title):
    talk = await session.scalar(select(Presentation).where(Presentation.title == title))
    await events.set_deleted(session, COMMAND_LINE, talk, event_id=talk.event_id, deleted=True)


def test_a_speaker_only_on_drafts_or_deleted_talks_has_no_page(db, client):
    async def add(session, _storage):
        at_a_draft = await _person(session, "Drew", "Dawson")
        deleted_talk = await _person(session, "Dale", "Dunn")
        deleted_event = await _person(session, "Dora", "Doyle")
        speaker = await _person(session, "Sam", "Speaker")
        await _event(session, "Draft Forum", dt.date(2011, 1, 1), [("Plans", [(at_a_draft, None)])],
                     status=EventStatus.DRAFT)  # fmt: skip
        await _event(session, "Open Forum", dt.date(2011, 2, 1),
                     [("Gone", [(deleted_talk, None)]), ("Kept", [(speaker, None)])])  # fmt: skip
        await _delete_talk(session, "Gone")
        removed = await _event(
            session, "Removed Forum", dt.date(2011, 3, 1), [("Old", [(deleted_event, None)])]
        )
        await events.set_deleted(session, COMMAND_LINE, removed, event_id=removed.id, deleted=True)
        return at_a_draft.slug, deleted_talk.slug, deleted_event.slug, speaker.slug

    at_a_draft, deleted_talk, deleted_event, speaker = db.run(add)
    for slug in (at_a_draft, deleted_talk, deleted_event):
        _assert_unknown(client, f"/speakers/{slug}")
    page = client.get(f"/speakers/{speaker}")
    assert page.status_code == 200 and "Kept" in main_text(page.text)


def test_a_merged_speaker_redirects_only_to_a_survivor_with_a_page(db, client):
    async def add(session, _storage):
        public, hidden = await _person(session, "Pat", "Public"), await _person(session, "Hana", "Hidden")
        await _event(session, "Open Forum", dt.date(2011, 2, 1), [("Talk", [(public, None)])])
        await _event(session, "Draft Forum", dt.date(2011, 1, 1), [("Plans", [(hidden, None)])],
                     status=EventStatus.DRAFT)  # fmt: skip
        to_public, to_hidden = await _person(session, "P.", "Public"), await _person(session, "H.", "Hidden")
        await people.merge_people(session, COMMAND_LINE, public, to_public)
        await people.merge_people(session, COMMAND_LINE, hidden, to_hidden)
        return public.slug, to_public.slug, to_hidden.slug

    public, to_public, to_hidden = db.run(add)
    moved = client.get(f"/speakers/{to_public}", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (301, f"/speakers/{public}")
    _assert_unknown(client, f"/speakers/{to_hidden}")


def test_an_organisation_without_anything_public_has_no_page(db, client):
    async def add(session, _storage):
        made = {}
        for name in ("Directory Only", "Draft Board", "Gone Agency", "Draft Host", "Gone Host", "Removed Host",
                     "Talk Agency", "Session Host", "Event Host", "Parent Department", "Active Division"):  # fmt: skip
            made[name] = await people.create_organisation(session, COMMAND_LINE, name=name)
        await people.update_organisation(
            session, COMMAND_LINE, made["Active Division"], parent_id=made["Parent Department"].id
        )
        analyst = await _person(session, "Tia", "Tran")
        await _event(session, "Board Day", dt.date(2007, 2, 1), [("Plans", [(analyst, made["Draft Board"])])],
                     host_sessions=[("Drafting", made["Draft Host"])], status=EventStatus.DRAFT)  # fmt: skip
        forum = await _event(
            session, "Open Forum", dt.date(2007, 3, 1),
            [("Gone", [(analyst, made["Gone Agency"])]), ("Kept", [(analyst, made["Talk Agency"])]),
             ("Division work", [(analyst, made["Active Division"])])],
            host_sessions=[("Removed", made["Gone Host"]), ("Open session", made["Session Host"])],
        )  # fmt: skip
        await _delete_talk(session, "Gone")
        removed_session = await session.scalar(select(EventSession).where(EventSession.title == "Removed"))
        await events.set_deleted(session, COMMAND_LINE, removed_session, event_id=forum.id, deleted=True)
        removed = await _event(session, "Removed Forum", dt.date(2007, 4, 1), [],
                               host_sessions=[("Old", made["Removed Host"])])  # fmt: skip
        await events.set_deleted(session, COMMAND_LINE, removed, event_id=removed.id, deleted=True)
        held = await events.create_event(session, COMMAND_LINE, title="Held Forum", start_date=dt.date(2007, 5, 1),
                                         host_organisation=made["Event Host"])  # fmt: skip
        await events.set_event_status(session, COMMAND_LINE, held, EventStatus.PUBLISHED)
        return {name: organisation.slug for name, organisation in made.items()}

    slugs = db.run(add)
    for name in ("Directory Only", "Draft Board", "Gone Agency", "Draft Host", "Gone Host", "Removed Host"):
        _assert_unknown(client, f"/organisations/{slugs[name]}")
    for name, shown in (
        ("Talk Agency", "Kept"),
        ("Session Host", "Open session"),
        ("Event Host", "Held Forum"),  # the event page links the body it was held with
        ("Active Division", "Division work"),
        ("Parent Department", "Active Division"),  # listed in the index through its division
    ):
        page = client.get(f"/organisations/{slugs[name]}")
        assert page.status_code == 200, name
        assert shown in main_text(page.text), name
    listed = main_text(client.get("/organisations").text)
    for name in ("Talk Agency", "Session Host", "Event Host", "Active Division", "Parent Department"):
        assert name in listed
    for name in ("Directory Only", "Draft Board", "Gone Agency", "Draft Host", "Gone Host", "Removed Host"):
        assert name not in listed


def test_a_merged_organisation_redirects_only_to_a_survivor_with_a_page(db, client):
    async def add(session, _storage):
        public = await people.create_organisation(session, COMMAND_LINE, name="Open Agency")
        hidden = await people.create_organisation(session, COMMAND_LINE, name="Quiet Agency")
        analyst = await _person(session, "Tia", "Tran")
        await _event(session, "Open Forum", dt.date(2007, 3, 1), [("Kept", [(analyst, public)])])
        to_public = await people.create_organisation(session, COMMAND_LINE, name="Open Agency Typo")
        to_hidden = await people.create_organisation(session, COMMAND_LINE, name="Quiet Agency Typo")
        await people.merge_organisations(session, COMMAND_LINE, public, to_public)
        await people.merge_organisations(session, COMMAND_LINE, hidden, to_hidden)
        return public.slug, to_public.slug, to_hidden.slug

    public, to_public, to_hidden = db.run(add)
    moved = client.get(f"/organisations/{to_public}", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (301, f"/organisations/{public}")
    _assert_unknown(client, f"/organisations/{to_hidden}")


def test_public_pages_link_only_to_organisations_with_a_page(db, client):
    """A speaker's current body, or a division, may have nothing public: its name is shown, not a dead link."""

    async def add(session, _storage):
        department = await people.create_organisation(session, COMMAND_LINE, name="Busy Department")
        quiet = await people.create_organisation(
            session, COMMAND_LINE, name="Quiet Division", parent=department
        )
        old = await people.create_organisation(session, COMMAND_LINE, name="Old Name Office")
        await people.update_organisation(session, COMMAND_LINE, old, successor_id=department.id)
        moved_on = await _person(session, "Mo", "Moved", organisation=quiet, job_title="Analyst")
        await _event(session, "Open Forum", dt.date(2007, 3, 1), [("Kept", [(moved_on, department)])])
        return moved_on.slug, department.slug, quiet.slug, old.slug

    speaker, department, quiet, old = db.run(add)
    for path in (f"/speakers/{speaker}", f"/organisations/{department}", "/speakers?letter=M"):
        page = client.get(path)
        assert page.status_code == 200
        assert "Quiet Division" in main_text(page.text), path
        assert f"/organisations/{quiet}" not in links(page.text), path
    assert "Old Name Office" in main_text(client.get(f"/organisations/{department}").text)
    assert f"/organisations/{old}" not in links(client.get(f"/organisations/{department}").text)
    _assert_unknown(client, f"/organisations/{quiet}")


def test_every_speaker_and_body_a_published_page_links_has_a_page(demo, client):
    event_page = client.get("/events/2003-fredericton-learning-event").text
    hrefs = {h for h in links(event_page) if h.startswith(("/speakers/", "/organisations/"))}
    assert "Public Sector Service Delivery Council" in main_text(event_page)  # held with it: linked too
    for index in ("/speakers", "/organisations"):
        hrefs |= {h for h in links(client.get(index).text) if h.startswith(("/speakers/", "/organisations/"))}
    assert len(hrefs) > 10
    for href in sorted(hrefs):
        assert client.get(href).status_code == 200, href
