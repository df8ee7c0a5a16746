"""The public event pages: the seed listing reproduced, drafts invisible, valid accessible HTML."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from events.audit import COMMAND_LINE
from events.demo import EVENT_SLUG
from events.domain.events import service as events
from events.models import EventStatus, LearningEvent, Person
from tests.pages import assert_in_order, elements, links, main_text, parse, text_of

EVENT_URL = f"/events/{EVENT_SLUG}"

# The seed listing (shared/seeds/000_4f40f64ff38cfd1f.txt), in its order.
SEED_LISTING = [
    "Interjurisdictional Projects",
    "National Research Council",
    "Joint Federal-Provincial Project: Implementing a Common Business Number for New Brunswick and Canada",
    "(PDF, 228 KB)",
    "Brian Nussey (SNB) and Cary O'Brien (CCRA)",
    "Single Window Service Delivery",
    "(PDF, 391 KB)",
    "Ron Smith (SNB) and Bill Todd, City of Saint John",
    "Delivery of Security and Emergency Services",
    "(PDF, 1.9 MB)",
    "Ernest MacGillivray, Department of Environment and Local Government",
    "Service New Brunswick Update",
    "Overview of SNB",
    "(PDF, 2.2 MB)",
    "Mike McKendy, Vice President, Operations Service New Brunswick",
    "SNB Electronic Services",
    "(PDF, 807 KB)",
    "Bernie Arseneau, Director, Electronic Services Division Service New Brunswick",
]


def test_event_page_reproduces_the_seed_listing_in_order(demo, client):
    response = client.get(EVENT_URL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    text = main_text(response.text)
    assert_in_order(text, ["Monday, September 22, 2003", "Fredericton, New Brunswick"])
    assert "Public Sector Service Delivery Council" in text
    assert_in_order(text, SEED_LISTING)


def test_event_page_expands_acronyms_and_links_people_and_bodies(demo, client):
    root = parse(client.get(EVENT_URL).text)
    abbreviations = {text_of(a): a.get("title") for a in elements(root, "abbr")}
    assert abbreviations["SNB"] == "Service New Brunswick"
    assert abbreviations["CCRA"] == "Canada Customs and Revenue Agency"
    page_links = links(client.get(EVENT_URL).text)
    assert page_links["/speakers/cary-obrien"] == "Cary O'Brien"
    assert "/organisations/service-new-brunswick" in page_links
    assert "/organisations/national-research-council-canada" in page_links


def test_event_page_has_breadcrumbs_landmarks_and_one_heading(demo, client):
    html = client.get(EVENT_URL).text
    root = parse(html)
    assert len(elements(root, "h1")) == 1
    for landmark in ("header", "nav", "main", "footer"):
        assert elements(root, landmark), f"no <{landmark}> landmark"
    (crumbs,) = [nav for nav in elements(root, "nav") if nav.get("aria-label") == "Breadcrumb"]
    assert text_of(crumbs).startswith("Home Integrated Service Delivery")
    assert root.get("lang") == "en"
    assert elements(root, "meta") and any(m.get("name") == "viewport" for m in elements(root, "meta"))


def test_every_link_on_the_event_page_has_text(demo, client):
    for href, label in links(client.get(EVENT_URL).text).items():
        assert label, f"link to {href} has no text"


def test_print_view_has_the_listing_without_navigation(demo, client):
    response = client.get(f"{EVENT_URL}/print")
    assert response.status_code == 200
    root = parse(response.text)
    assert not [nav for nav in elements(root, "nav")], "print view shows navigation"
    assert not elements(root, "footer")
    assert_in_order(main_text(response.text), SEED_LISTING)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/events",
        EVENT_URL,
        f"{EVENT_URL}/print",
        "/topics/integrated-service-delivery",
        "/speakers/mike-mckendy",
        "/organisations/service-new-brunswick",
        "/organisations/canada-customs-and-revenue-agency",
        "/events/no-such-event",
    ],
)
def test_public_pages_are_valid_html_with_one_h1(demo, client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    root = parse(response.text)  # strict: raises on any HTML5 parse error
    assert len(elements(root, "h1")) == 1
    assert elements(root, "main")
    assert elements(root, "title")[0].text.strip()


def test_home_and_index_list_published_events_newest_first(demo, db, client):
    async def add_events(session, _storage):
        newer = await events.create_event(
            session, COMMAND_LINE, title="Service Day", start_date=dt.date(2005, 4, 2)
        )
        await events.set_event_status(session, COMMAND_LINE, newer, EventStatus.PUBLISHED)
        await events.create_event(session, COMMAND_LINE, title="Secret Draft", start_date=dt.date(2006, 1, 1))

    db.run(add_events)
    for path in ("/", "/events"):
        text = main_text(client.get(path).text)
        assert_in_order(text, ["Service Day", "Fredericton 2003"])
        assert "Secret Draft" not in text


def test_a_draft_event_is_invisible_everywhere(demo, db, client):
    async def unpublish(session, _storage):
        event = await session.scalar(select(LearningEvent).where(LearningEvent.slug == EVENT_SLUG))
        await events.set_event_status(session, COMMAND_LINE, event, EventStatus.DRAFT)

    material_links = [href for href in links(client.get(EVENT_URL).text) if href.startswith("/materials/")]
    assert len(material_links) == 5
    db.run(unpublish)
    assert client.get(EVENT_URL).status_code == 404
    assert client.get(f"{EVENT_URL}/print").status_code == 404
    for href in material_links:
        assert client.get(href).status_code == 404
    for path in ("/", "/events", "/topics/integrated-service-delivery"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Fredericton 2003" not in response.text
        assert "Overview of SNB" not in response.text
    # Its speakers and bodies have nothing public left: no page either.
    assert client.get("/speakers/mike-mckendy").status_code == 404
    assert client.get("/organisations/service-new-brunswick").status_code == 404


def test_home_shows_upcoming_events_soonest_first_apart_from_past_ones(demo, db, client):
    today = dt.datetime.now(dt.UTC).date()

    async def add_events(session, _storage):
        for title, days in (("Autumn Forum", 60), ("Spring Exchange", 20), ("Last Week's Workshop", -7)):
            event = await events.create_event(
                session, COMMAND_LINE, title=title, start_date=today + dt.timedelta(days=days)
            )
            await events.set_event_status(session, COMMAND_LINE, event, EventStatus.PUBLISHED)

    db.run(add_events)
    text = main_text(client.get("/").text)
    assert_in_order(
        text,
        [
            "Upcoming events",
            "Spring Exchange",
            "Autumn Forum",
            "Recent events",
            "Last Week's Workshop",
            "Fredericton 2003",
        ],
    )


def test_missing_event_gets_a_helpful_404_page(db, client):
    response = client.get("/events/no-such-event")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'href="/events"' in response.text


def test_soft_deleted_event_is_gone_from_the_public(demo, db, client):
    async def delete(session, _storage):
        await session.execute(
            update(LearningEvent)
            .where(LearningEvent.slug == EVENT_SLUG)
            .values(deleted_at=dt.datetime.now(dt.UTC))
        )

    db.run(delete)
    assert client.get(EVENT_URL).status_code == 404


def test_private_email_never_reaches_the_public_pages(demo, db, client):
    async def add_email(session, _storage):
        await session.execute(
            update(Person).where(Person.slug == "mike-mckendy").values(email="mike@example.org")
        )

    db.run(add_email)
    for path in ("/speakers/mike-mckendy", EVENT_URL, "/organisations/service-new-brunswick"):
        assert "mike@example.org" not in client.get(path).text


def test_topic_page_lists_the_event_with_its_own_description(demo, client):
    response = client.get("/topics/integrated-service-delivery")
    assert response.status_code == 200
    text = main_text(response.text)
    assert "Integrated Service Delivery" in text
    assert "Fredericton 2003" in text
    assert len(text) > 400  # the topic's own text is there


def test_talks_without_slides_or_speakers_and_event_documents_are_shown(demo, db, client):
    from events.domain.materials import service as materials
    from events.models import Material, MaterialKind

    async def add(session, storage):
        event = await session.scalar(select(LearningEvent).where(LearningEvent.slug == EVENT_SLUG))
        await events.add_presentation(session, COMMAND_LINE, event, title="Closing Remarks")

        async def agenda():
            yield b"%PDF-1.4 agenda"

        await materials.add_file_material(
            session, storage, COMMAND_LINE, event=event, presentation=None, chunks=agenda(),
            filename="agenda.pdf", content_type="application/pdf", kind=MaterialKind.HANDOUT, title="Agenda",
        )  # fmt: skip
        session.add(
            Material(
                event_id=event.id,
                kind=MaterialKind.LINK,
                title="Council report",
                external_url="https://example.org/report",
            )
        )

    db.run(add)
    html = client.get(EVENT_URL).text
    text = main_text(html)
    assert_in_order(text, ["Closing Remarks (no slides online)", "Event documents"])
    documents = text[text.index("Event documents") :]
    assert "Agenda (PDF, 15 bytes)" in documents and "Council report (link)" in documents
    assert "https://example.org/report" in links(html)
