"""Speaker and organisation pages: each talk with the title and body held at the time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from events.audit import COMMAND_LINE
from events.domain.events import service as events
from events.domain.people import service as people
from events.models import EventStatus, Organisation, OrganisationKind, Person
from tests.pages import assert_in_order, links, main_text


def test_speaker_page_lists_talks_with_the_title_held_then(demo, client):
    response = client.get("/speakers/mike-mckendy")
    assert response.status_code == 200
    text = main_text(response.text)
    assert_in_order(text, ["Mike McKendy", "Overview of SNB", "(PDF, 2.2 MB)", "Vice President, Operations"])
    assert any(href.startswith("/materials/") for href in links(response.text))


def test_a_later_job_change_does_not_rewrite_history(demo, db, client):
    async def promote(session, _storage):
        person = await session.scalar(select(Person).where(Person.slug == "mike-mckendy"))
        person.job_title = "President and Chief Executive Officer"
        newer = await events.create_event(
            session, COMMAND_LINE, title="Service Forum", start_date=dt.date(2008, 5, 1)
        )
        talk = await events.add_presentation(session, COMMAND_LINE, newer, title="Ten Years of SNB")
        await events.add_speaker(session, COMMAND_LINE, talk, person)
        await events.set_event_status(session, COMMAND_LINE, newer, EventStatus.PUBLISHED)

    db.run(promote)
    text = main_text(client.get("/speakers/mike-mckendy").text)
    # Newest first; each talk with what was held at the time.
    assert_in_order(
        text,
        [
            "Ten Years of SNB",
            "President and Chief Executive Officer",
            "Overview of SNB",
            "Vice President, Operations",
        ],
    )
    event_text = main_text(client.get("/events/2003-fredericton-learning-event").text)
    assert "Mike McKendy, Vice President, Operations" in event_text
    assert "Chief Executive" not in event_text


def test_organisation_page_lists_talks_under_it_and_its_lineage(demo, client):
    text = main_text(client.get("/organisations/canada-customs-and-revenue-agency").text)
    assert_in_order(
        text, ["Canada Customs and Revenue Agency (CCRA)", "Federal", "Succeeded by", "Canada Revenue Agency"]
    )
    assert "Implementing a Common Business Number" in text
    successor = main_text(client.get("/organisations/canada-revenue-agency").text)
    assert_in_order(successor, ["Formerly", "Canada Customs and Revenue Agency"])

    snb = main_text(client.get("/organisations/service-new-brunswick").text)
    assert_in_order(snb, ["Sessions hosted", "Service New Brunswick Update"])
    for title in (
        "Common Business Number",
        "Single Window Service Delivery",
        "Overview of SNB",
        "SNB Electronic Services",
    ):
        assert title in snb
    assert "Delivery of Security and Emergency Services" not in snb


def test_divisions_show_their_department_and_back(db, client):
    async def build(session, _storage):
        department = await people.create_organisation(
            session, COMMAND_LINE, name="Department of Finance", kind=OrganisationKind.PROVINCIAL
        )
        division = await people.create_organisation(
            session, COMMAND_LINE, name="Tax Policy Division", parent=department
        )
        # Only bodies with something public have pages: here a talk given under the division.
        forum = await events.create_event(
            session, COMMAND_LINE, title="Tax Forum", start_date=dt.date(2007, 1, 1)
        )
        talk = await events.add_presentation(session, COMMAND_LINE, forum, title="Tax policy")
        analyst = await people.create_person(session, COMMAND_LINE, given_name="Tia", family_name="Tran")
        await events.add_speaker(session, COMMAND_LINE, talk, analyst, organisation=division)
        await events.set_event_status(session, COMMAND_LINE, forum, EventStatus.PUBLISHED)

    db.run(build)
    assert_in_order(
        main_text(client.get("/organisations/tax-policy-division").text), ["Part of", "Department of Finance"]
    )
    assert_in_order(
        main_text(client.get("/organisations/department-of-finance").text),
        ["Divisions", "Tax Policy Division"],
    )


def test_a_merged_speaker_redirects_permanently_to_the_survivor(demo, db, client):
    async def merge(session, _storage):
        survivor = await session.scalar(select(Person).where(Person.slug == "mike-mckendy"))
        duplicate = await people.create_person(session, COMMAND_LINE, given_name="M.", family_name="McKendy")
        duplicate.merged_into_id = survivor.id
        return duplicate.slug

    old_slug = db.run(merge)
    response = client.get(f"/speakers/{old_slug}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/speakers/mike-mckendy"


def test_unknown_people_and_bodies_404(db, client):
    assert client.get("/speakers/nobody").status_code == 404
    assert client.get("/organisations/nothing").status_code == 404
    assert client.get("/topics/nothing").status_code == 404


def test_organisation_slugs_stay_unique(db):
    async def twice(session, _storage):
        first = await people.create_organisation(session, COMMAND_LINE, name="City of Moncton")
        second = await people.create_organisation(session, COMMAND_LINE, name="City of Moncton")
        return (
            first.slug,
            second.slug,
            await session.scalar(select(Organisation.id).where(Organisation.slug == "city-of-moncton")),
        )

    first, second, _ = db.run(twice)
    assert (first, second) == ("city-of-moncton", "city-of-moncton-2")
