"""Organisers set up events in the browser: create, publish, arrange, find speakers, with an audit trail."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from events.models import AuditEntry, LearningEvent, Person
from tests.conftest import csrf_token, sign_in
from tests.pages import assert_in_order, main_text

EVENT_PAGE = "/events/2003-fredericton-learning-event"


def _post(client, path, **data):
    return client.post(
        path, data={**data, "_csrf_token": csrf_token(client, "/manage")}, follow_redirects=True
    )


def _new_event(client, title="Service Forum", start_date="2031-04-01"):
    response = _post(client, "/manage/events/new", title=title, start_date=start_date, city="Moncton")
    assert response.status_code == 200
    event_id = int(re.search(r"/manage/events/(\d+)$", str(response.url)).group(1))
    return event_id, response


def test_an_organiser_creates_a_draft_event_and_publishes_it(accounts, client):
    sign_in(client, accounts.organiser)
    event_id, page = _new_event(client)
    assert "Created the draft event" in page.text and "Draft" in page.text
    assert "Service Forum" in client.get("/manage").text  # the creator organises it
    public = client.get("/events/2031-service-forum")
    assert public.status_code == 404
    _post(client, f"/manage/events/{event_id}/status", status="published")
    assert client.get("/events/2031-service-forum").status_code == 200
    _post(client, f"/manage/events/{event_id}/status", status="archived")
    assert "Archived" in client.get("/events/2031-service-forum").text
    _post(client, f"/manage/events/{event_id}/status", status="draft")
    assert client.get("/events/2031-service-forum").status_code == 404


def test_bad_event_forms_say_what_is_wrong_and_create_nothing(accounts, client, db):
    sign_in(client, accounts.organiser)

    async def count(session, _storage):
        return await session.scalar(select(func.count()).select_from(LearningEvent))

    before = db.run(count)
    response = client.post(
        "/manage/events/new",
        data={"title": "", "start_date": "22/09/2003", "_csrf_token": csrf_token(client, "/manage")},
    )
    assert response.status_code == 400
    assert "Please give the event a title." in response.text
    assert "Please give a date as YYYY-MM-DD." in response.text
    response = client.post(
        "/manage/events/new",
        data={
            "title": "Backwards",
            "start_date": "2030-05-02",
            "end_date": "2030-05-01",
            "_csrf_token": csrf_token(client, "/manage"),
        },
    )
    assert response.status_code == 400 and "The end date is before the start date." in response.text
    assert db.run(count) == before


def test_reordering_shows_on_the_public_page(accounts, client):
    sign_in(client, accounts.organiser)
    assert_in_order(
        main_text(client.get(EVENT_PAGE).text),
        ["Interjurisdictional Projects", "Service New Brunswick Update"],
    )
    manage = client.get(f"/manage/events/{accounts.event_id}").text
    first_session = re.search(r'id="session-(\d+)"', manage).group(1)
    _post(client, f"/manage/events/{accounts.event_id}/sessions/{first_session}/move", direction="down")
    assert_in_order(
        main_text(client.get(EVENT_PAGE).text),
        ["Service New Brunswick Update", "Interjurisdictional Projects"],
    )
    first_talk = re.search(r'id="presentation-(\d+)"', manage).group(1)
    _post(client, f"/manage/events/{accounts.event_id}/presentations/{first_talk}/move", direction="down")
    assert_in_order(
        main_text(client.get(EVENT_PAGE).text),
        ["Single Window Service Delivery", "Joint Federal-Provincial Project"],
    )


def test_deleting_asks_first_and_can_be_undone(accounts, client):
    sign_in(client, accounts.organiser)
    manage = client.get(f"/manage/events/{accounts.event_id}").text
    talk = re.search(r'id="presentation-(\d+)"', manage).group(1)
    confirm = client.get(f"/manage/events/{accounts.event_id}/presentations/{talk}/delete")
    assert (
        confirm.status_code == 200
        and "Delete the presentation" in confirm.text
        and "restore it" in confirm.text
    )
    _post(client, f"/manage/events/{accounts.event_id}/presentations/{talk}/delete")
    assert "Joint Federal-Provincial Project" not in client.get(EVENT_PAGE).text
    deleted = client.get(f"/manage/events/{accounts.event_id}").text
    assert "Restore" in deleted.split('id="deleted"')[1]
    _post(client, f"/manage/events/{accounts.event_id}/presentations/{talk}/restore")
    assert "Joint Federal-Provincial Project" in client.get(EVENT_PAGE).text


def test_the_directory_is_searched_ignoring_case_accents_and_by_acronym(accounts, client, db):
    sign_in(client, accounts.organiser)
    talk = re.search(
        r'id="presentation-(\d+)"', client.get(f"/manage/events/{accounts.event_id}").text
    ).group(1)
    _post(
        client,
        f"/manage/events/{accounts.event_id}/presentations/{talk}/speakers",
        given_name="Zoë",
        family_name="Ça-Côté",
        organisation="Société d'habitation",
    )
    for query, expected in (
        ("MCKENDY", "Mike McKendy"),
        ("zoe cote", "Zoë Ça-Côté"),
        ("ccra", "Cary O&#39;Brien"),
        ("societe", "Zoë Ça-Côté"),
    ):
        fragment = client.get(f"/manage/people/search?q={query}").text
        assert expected in fragment, (query, fragment)
    assert "Nobody in the directory matches" in client.get("/manage/people/search?q=zzzz").text


def test_a_speaker_added_with_another_title_keeps_their_own(accounts, client, db):
    sign_in(client, accounts.organiser)
    talk = re.search(
        r'id="presentation-(\d+)"', client.get(f"/manage/events/{accounts.event_id}").text
    ).group(1)

    async def mike(session, _storage):
        return await session.scalar(select(Person).where(Person.slug == "mike-mckendy"))

    person = db.run(mike)
    page = client.get(f"/manage/events/{accounts.event_id}/presentations/{talk}?q=mckendy").text
    assert f'name="person_id" value="{person.id}"' in page  # found without JavaScript too
    _post(
        client,
        f"/manage/events/{accounts.event_id}/presentations/{talk}/speakers",
        person_id=str(person.id),
        job_title="Acting President",
    )
    assert "Mike McKendy, Acting President" in main_text(client.get(EVENT_PAGE).text)
    assert "Mike McKendy, Vice President, Operations" in main_text(
        client.get(EVENT_PAGE).text
    )  # his other talk
    assert db.run(mike).job_title == "Vice President, Operations"


def test_every_change_is_audited_with_before_and_after(accounts, client, db):
    sign_in(client, accounts.organiser)
    _post(
        client,
        f"/manage/events/{accounts.event_id}/edit",
        title="Fredericton Learning Day",
        start_date="2003-09-22",
        city="Fredericton",
        region="New Brunswick",
    )

    async def entries(session, _storage):
        return list(
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "update", AuditEntry.entity_type == "learning_event"
                )
            )
        )

    (entry,) = db.run(entries)
    assert entry.changes["title"] == {
        "before": "Learning Event on Integrated Service Delivery, Fredericton 2003",
        "after": "Fredericton Learning Day",
    }
    assert entry.actor_user_id is not None and entry.event_id == accounts.event_id
    log = client.get(f"/manage/audit?event={accounts.event_id}").text
    assert "Edited event Fredericton Learning Day" in log and "organiser@example.org" in log


def test_organisers_see_only_the_history_of_their_events(accounts, client, settings):
    from litestar.testing import TestClient

    from events.app import create_app

    sign_in(client, accounts.organiser)
    _post(client, f"/manage/events/{accounts.event_id}/sessions", title="Secret Session Name")
    with TestClient(create_app(settings)) as outsider:
        sign_in(outsider, accounts.outsider)
        assert "Secret Session Name" not in outsider.get("/manage/audit").text
    with TestClient(create_app(settings)) as staff:
        sign_in(staff, accounts.staff)
        assert "Secret Session Name" in staff.get("/manage/audit").text


def test_the_checklist_names_what_is_missing(accounts, client):
    sign_in(client, accounts.organiser)
    _post(client, f"/manage/events/{accounts.event_id}/presentations", title="Closing Panel")
    checklist = (
        client.get(f"/manage/events/{accounts.event_id}")
        .text.split('id="checklist-heading"')[1]
        .split("</section>")[0]
    )
    assert "No slides yet: Closing Panel" in checklist
    assert "No speakers yet: Closing Panel" in checklist
