"""The public A–Z indexes of speakers and organisations, and organisations' history under earlier names."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from events.audit import COMMAND_LINE
from events.domain.events import service as events
from events.domain.people import service as people
from events.models import EventStatus, Organisation, Person
from tests.pages import assert_in_order, elements, links, main_text, parse


async def _event(session, title, start, talks, *, status=EventStatus.PUBLISHED, host_sessions=()):
    """An event with ``talks``: (title, [(person, organisation at the time)]), created through the services."""
    event = await events.create_event(session, COMMAND_LINE, title=title, start_date=start)
    for session_title, host in host_sessions:
        await events.add_session(session, COMMAND_LINE, event, title=session_title, host_organisation=host)
    for talk_title, speakers in talks:
        talk = await events.add_presentation(session, COMMAND_LINE, event, title=talk_title)
        for person, organisation in speakers:
            await events.add_speaker(session, COMMAND_LINE, talk, person, organisation=organisation)
    if status != EventStatus.DRAFT:
        await events.set_event_status(session, COMMAND_LINE, event, status)
    return event


async def _person(session, given, family, organisation=None, job_title=None):
    return await people.create_person(
        session,
        COMMAND_LINE,
        given_name=given,
        family_name=family,
        organisation=organisation,
        job_title=job_title,
        suggest_duplicates=False,
    )


async def _organisation(session, slug):
    return await session.scalar(select(Organisation).where(Organisation.slug == slug))


def _listed(html: str, kind: str) -> list[str]:
    """The names listed in the index's results, in order (each entry's first link)."""
    found = [ol for ol in elements(parse(html), "ol") if ol.get("class") == "directory"]
    entries = [li for ol in found for li in ol if li.tag.endswith("li")]
    names = [next(iter(elements(li, "a"))) for li in entries]
    assert all(a.get("href").startswith(f"/{kind}/") for a in names)
    return [a.text for a in names]


def _letter_links(html: str, base: str) -> set[str]:
    return {href.split("=", 1)[1] for href in links(html) if href.startswith(f"{base}?letter=")}


# --- speakers ----------------------------------------------------------------------------------------


def test_a_letter_lists_its_speakers_by_family_then_given_name_with_their_role(demo, db, client):
    async def add(session, _storage):
        snb = await _organisation(session, "service-new-brunswick")
        speakers = [
            await _person(session, "Paul", "Martin", snb, "Registrar"),
            await _person(session, "Anne", "Martin"),
            await _person(session, "Jean", "Mcdonald"),
            await _person(session, "Sven", "Østergaard"),
            await _person(session, "Eva", "Ångström"),
        ]
        await _event(
            session, "Service Forum", dt.date(2005, 5, 1), [("Panel", [(p, None) for p in speakers])]
        )

    db.run(add)
    response = client.get("/speakers?letter=M")
    assert response.status_code == 200
    assert _listed(response.text, "speakers") == [
        "MacGillivray, Ernest",
        "Martin, Anne",
        "Martin, Paul",
        "Mcdonald, Jean",
        "McKendy, Mike",
    ]
    text = main_text(response.text)
    assert_in_order(text, ["Martin, Paul", "Registrar, Service New Brunswick (SNB)"])
    assert_in_order(text, ["McKendy, Mike", "Vice President, Operations, Service New Brunswick"])
    assert "Nussey" not in text
    assert main_text(client.get("/speakers?letter=m").text) == text  # either case

    # Letters with somebody are links; the others are shown without one.
    letters = _letter_links(response.text, "/speakers")
    assert letters == {"A", "M", "N", "O", "S", "T", "other"}
    assert "Q" in main_text(response.text)
    # Accents are folded ("Ångström" under A); a letter outside A–Z goes to "Other".
    assert _listed(client.get("/speakers?letter=A").text, "speakers") == ["Ångström, Eva", "Arseneau, Bernie"]
    assert _listed(client.get("/speakers?letter=other").text, "speakers") == ["Østergaard, Sven"]
    assert _listed(client.get("/speakers?letter=O").text, "speakers") == ["O'Brien, Cary"]
    assert client.get("/speakers?letter=ZZ").status_code == 404


def test_only_people_with_a_public_talk_are_listed(demo, db, client):
    async def add(session, _storage):
        mike = await session.scalar(select(Person).where(Person.slug == "mike-mckendy"))
        directory_only = await _person(session, "Dana", "Dalton")
        at_a_draft = await _person(session, "Drew", "Dawson")
        deleted_talk = await _person(session, "Dale", "Dunn")
        duplicate = await _person(session, "M.", "McKendy")
        await _event(session, "Draft Forum", dt.date(2011, 1, 1), [("Plans", [(at_a_draft, None)])],
                     status=EventStatus.DRAFT)  # fmt: skip
        event = await _event(session, "Open Forum", dt.date(2011, 2, 1),
                             [("Gone", [(deleted_talk, None)]), ("Kept", [(duplicate, None)])])  # fmt: skip
        gone = await session.scalar(select(events.Presentation).where(events.Presentation.title == "Gone"))
        await events.set_deleted(session, COMMAND_LINE, gone, event_id=event.id, deleted=True)
        await people.merge_people(session, COMMAND_LINE, mike, duplicate)
        return directory_only.slug, at_a_draft.slug, deleted_talk.slug, duplicate.slug

    directory_only, at_a_draft, deleted_talk, duplicate = db.run(add)
    assert _listed(client.get("/speakers?letter=D").text, "speakers") == []
    assert "D" not in _letter_links(client.get("/speakers").text, "/speakers")
    assert _listed(client.get("/speakers?letter=M").text, "speakers") == [
        "MacGillivray, Ernest",
        "McKendy, Mike",
    ]
    for query in ("dalton", "dawson", "dunn"):
        assert _listed(client.get(f"/speakers?q={query}").text, "speakers") == []

    # Exactly those listed have a public page: not someone only in the staff directory, on a draft or on a
    # deleted talk (tests/domain/people/test_who_has_a_page.py).
    for slug in (directory_only, at_a_draft, deleted_talk):
        assert client.get(f"/speakers/{slug}").status_code == 404
    merged = client.get(f"/speakers/{duplicate}", follow_redirects=False)
    assert (merged.status_code, merged.headers["location"]) == (301, "/speakers/mike-mckendy")


def test_a_merged_speaker_whose_survivor_never_spoke_is_not_revealed(db, client):
    async def add(session, _storage):
        survivor = await _person(session, "Pat", "Private")
        duplicate = await _person(session, "P.", "Private")
        await people.merge_people(session, COMMAND_LINE, survivor, duplicate)
        return duplicate.slug

    response = client.get(f"/speakers/{db.run(add)}", follow_redirects=False)
    assert response.status_code == 404
    assert "pat-private" not in response.text


def test_search_ignores_accents_and_case_and_knows_initials_and_acronyms(demo, db, client):
    async def add(session, _storage):
        saaq = await people.create_organisation(
            session, COMMAND_LINE, name="Société de l'assurance automobile du Québec", acronym="SAAQ"
        )
        lucie = await _person(session, "Lucie", "Bélanger", saaq, "Directrice")
        await _event(
            session, "Forum de Québec", dt.date(2006, 6, 1), [("Le guichet unique", [(lucie, saaq)])]
        )

    db.run(add)
    for query in ("Societe", "BELANGER", "bélanger", "saaq", "l bel"):
        assert _listed(client.get("/speakers", params={"q": query}).text, "speakers") == [
            "Bélanger, Lucie"
        ], query
    assert _listed(client.get("/speakers?q=m+mck").text, "speakers") == ["McKendy, Mike"]
    assert _listed(client.get("/speakers?q=ccra").text, "speakers") == ["O'Brien, Cary"]
    nothing = client.get("/speakers?q=zzyzx")
    assert nothing.status_code == 200
    assert "No speaker matches “zzyzx”" in main_text(nothing.text)

    for query in ("societe", "Société", "SAAQ", "automobile quebec"):
        found = _listed(client.get("/organisations", params={"q": query}).text, "organisations")
        assert found == ["Société de l'assurance automobile du Québec"], query
    text = main_text(client.get("/organisations?q=ccra").text)
    assert "Canada Customs and Revenue Agency (CCRA)" in text
    assert "Succeeded by Canada Revenue Agency" in text


def test_long_letters_and_searches_are_cut_into_pages(db, client, count_statements):
    async def add(session, _storage):
        speakers = [await _person(session, "Given", f"Pearson {number:03}") for number in range(1, 121)]
        talks = [(f"Talk {n}", [(person, None)]) for n, person in enumerate(speakers, start=1)]
        await _event(session, "Big Forum", dt.date(2012, 3, 1), talks)

    db.run(add)
    first = client.get("/speakers?letter=P")
    assert _listed(first.text, "speakers") == [f"Pearson {n:03}, Given" for n in range(1, 51)]
    assert "120 speakers, showing 1–50." in main_text(first.text)
    assert "/speakers?letter=P&page=2" in links(first.text)
    assert "/speakers?letter=P&page=3" in links(first.text)
    second = client.get("/speakers?letter=P&page=2")
    assert _listed(second.text, "speakers") == [f"Pearson {n:03}, Given" for n in range(51, 101)]
    assert "/speakers?letter=P" in links(second.text)  # back to the first page
    assert _listed(client.get("/speakers?letter=P&page=3").text, "speakers")[-1] == "Pearson 120, Given"
    searched = client.get("/speakers?q=pearson&page=3")
    assert len(_listed(searched.text, "speakers")) == 20
    assert "/speakers?q=pearson&page=2" in links(searched.text)
    assert len(_listed(client.get("/speakers?page=2").text, "speakers")) == 50
    assert client.get("/speakers?letter=P&page=4").status_code == 404
    assert client.get("/speakers?letter=P&page=0").status_code == 400
    assert client.get("/speakers?letter=P&page=x").status_code == 400

    # A page (not yet cached) costs the same few statements whether it lists nobody or fifty people.
    def statements(path: str) -> int:
        before = count_statements.count
        assert client.get(path).status_code == 200
        return count_statements.count - before

    assert statements("/speakers?letter=Q") == statements("/speakers?q=pearson&page=2") <= 5
    assert statements("/organisations?letter=Q") <= 3  # revision, initials with their counts, rows
    assert statements("/organisations?q=canada") <= 4  # and a search counts its matches


def test_each_letter_search_and_page_is_cached_apart(demo, client, count_statements):
    pages = {
        path: client.get(path).text
        for path in (
            "/speakers",
            "/speakers?letter=M",
            "/speakers?letter=N",
            "/speakers?q=smith",
            "/speakers?q=todd",
        )
    }
    assert len(set(pages.values())) == len(pages)
    for path, html in pages.items():
        before = count_statements.count
        assert client.get(path).text == html
        assert count_statements.count - before == 1  # from the cache: only the revision is read


def test_head_answers_the_index_pages(demo, client):
    for path in ("/speakers", "/speakers?letter=M", "/organisations", "/organisations?q=snb"):
        full = client.get(path)
        head = client.head(path)
        assert (head.status_code, head.content) == (200, b"")
        assert head.headers["content-length"] == str(len(full.content))
    assert client.head("/speakers?letter=%C3%89").status_code == 404


@pytest.mark.parametrize(
    "path", ["/speakers", "/speakers?letter=M", "/organisations", "/organisations?q=canada"]
)
def test_index_pages_are_valid_html_and_linked_from_the_navigation(demo, client, path):
    response = client.get(path)
    root = parse(response.text)  # strict: raises on any HTML5 parse error
    assert len(elements(root, "h1")) == 1
    navigation = [nav for nav in elements(root, "nav") if nav.get("aria-label") == "Main"]
    hrefs = {a.get("href") for a in navigation[0].iter() if a.get("href")}
    assert {"/events", "/speakers", "/organisations"} <= hrefs
    form = elements(root, "form")[0]
    assert (form.get("method"), form.get("action")) == ("get", path.split("?")[0])


# --- organisations -----------------------------------------------------------------------------------


def test_the_organisation_index_lists_bodies_with_something_public(demo, db, client):
    async def add(session, _storage):
        department = await people.create_organisation(session, COMMAND_LINE, name="Department of Finance")
        division = await people.create_organisation(
            session, COMMAND_LINE, name="Tax Policy Division", parent=department
        )
        await people.create_organisation(session, COMMAND_LINE, name="Dormant Agency")
        draft_only = await people.create_organisation(session, COMMAND_LINE, name="Draft Board")
        snb = await _organisation(session, "service-new-brunswick")
        typo = await people.create_organisation(session, COMMAND_LINE, name="Service NB", acronym="SNB")
        analyst = await _person(session, "Tia", "Tran")
        await _event(session, "Tax Forum", dt.date(2007, 1, 1), [("Tax policy", [(analyst, division)])])
        await _event(session, "Board Day", dt.date(2007, 2, 1), [("Plans", [(analyst, draft_only)])],
                     status=EventStatus.DRAFT)  # fmt: skip
        await people.merge_organisations(session, COMMAND_LINE, snb, typo)

    db.run(add)
    listed = _listed(client.get("/organisations").text, "organisations")
    assert listed == [
        "Canada Customs and Revenue Agency",  # its people's talks
        "Canada Revenue Agency",  # the talks under its earlier name
        "City of Saint John",
        "Department of Environment and Local Government",
        "Department of Finance",  # through its division
        "National Research Council Canada",  # hosted a session
        "Public Sector Service Delivery Council",  # the event was held with it
        "Service New Brunswick",
        "Tax Policy Division",
    ]
    text = main_text(client.get("/organisations?letter=S").text)
    assert "Service New Brunswick (SNB)" in text
    assert "Service NB" not in text  # merged away
    assert_in_order(
        main_text(client.get("/organisations?letter=T").text),
        ["Tax Policy Division", "Part of Department of Finance"],
    )
    assert _letter_links(client.get("/organisations").text, "/organisations") == {
        "C",
        "D",
        "N",
        "P",
        "S",
        "T",
    }
    assert _listed(client.get("/organisations?q=dormant").text, "organisations") == []


def test_a_merged_organisation_redirects_permanently_to_the_survivor(demo, db, client):
    async def merge(session, _storage):
        snb = await _organisation(session, "service-new-brunswick")
        typo = await people.create_organisation(session, COMMAND_LINE, name="Services New Brunswick")
        await people.merge_organisations(session, COMMAND_LINE, snb, typo)
        return typo.slug

    old_slug = db.run(merge)
    for method in (client.get, client.head):
        response = method(f"/organisations/{old_slug}", follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (
            301,
            "/organisations/service-new-brunswick",
        )


async def _revenue_lineage(session, _storage):
    """Revenue Canada -> the CCRA (the demo's 2003 talk) -> the CRA, with a talk under each name."""
    ccra = await _organisation(session, "canada-customs-and-revenue-agency")
    cra = await _organisation(session, "canada-revenue-agency")
    revenue_canada = await people.create_organisation(session, COMMAND_LINE, name="Revenue Canada")
    await people.update_organisation(session, COMMAND_LINE, revenue_canada, successor_id=ccra.id)
    cary = await session.scalar(select(Person).where(Person.slug == "cary-obrien"))
    await _event(session, "Tax Services Forum", dt.date(1998, 4, 1), [("Electronic Filing", [(cary, revenue_canada)])],
                 host_sessions=[("Tax Administration", revenue_canada)])  # fmt: skip
    await _event(
        session, "Service Summit", dt.date(2010, 10, 1), [("My Account for Business", [(cary, cra)])]
    )


def test_an_organisation_lists_the_talks_given_under_its_earlier_names(demo, db, client):
    db.run(_revenue_lineage)
    cra = main_text(client.get("/organisations/canada-revenue-agency").text)
    assert_in_order(cra, ["Formerly", "Canada Customs and Revenue Agency, Revenue Canada"])
    assert_in_order(cra, ["Sessions hosted", "Tax Administration", "as Revenue Canada"])
    assert_in_order(
        cra,
        [
            "Service Summit",
            "My Account for Business",
            "Fredericton 2003",
            "as Canada Customs and Revenue Agency",
            "Implementing a Common Business Number",
            "Tax Services Forum",
            "as Revenue Canada",
            "Electronic Filing",
        ],
    )
    assert "as Canada Revenue Agency" not in cra

    ccra = main_text(client.get("/organisations/canada-customs-and-revenue-agency").text)
    assert_in_order(ccra, ["Succeeded by", "Canada Revenue Agency", "Formerly", "Revenue Canada"])
    assert_in_order(ccra, ["Implementing a Common Business Number", "as Revenue Canada", "Electronic Filing"])
    assert "My Account for Business" not in ccra  # a later name's talks are not the earlier body's

    revenue_canada = main_text(client.get("/organisations/revenue-canada").text)
    assert_in_order(
        revenue_canada, ["Succeeded by", "Canada Customs and Revenue Agency, then Canada Revenue Agency"]
    )
    assert "Electronic Filing" in revenue_canada
    assert "Implementing a Common Business Number" not in revenue_canada

    # The speaker's own page: newest first, each talk with the organisation of the time.
    cary = main_text(client.get("/speakers/cary-obrien").text)
    assert_in_order(
        cary,
        [
            "My Account for Business",
            "Cary O'Brien (CRA)",
            "Implementing a Common Business Number",
            "Cary O'Brien (CCRA)",
            "Electronic Filing",
            "Cary O'Brien, Revenue Canada",
        ],
    )


def test_organisation_page_statements_do_not_grow_with_its_talks(demo, db, client, count_statements):
    db.run(_revenue_lineage)
    path = "/organisations/canada-revenue-agency"

    def statements() -> int:
        before = count_statements.count
        assert client.get(path).status_code == 200
        return count_statements.count - before

    few = statements()

    async def many_more(session, _storage):
        cra = await _organisation(session, "canada-revenue-agency")
        ccra = await _organisation(session, "canada-customs-and-revenue-agency")
        speakers = [await _person(session, "Agent", f"Number {n}") for n in range(12)]
        for year in (2013, 2014, 2015):
            talks = [
                (f"Talk {year}-{n}", [(person, cra if n % 2 else ccra)]) for n, person in enumerate(speakers)
            ]
            await _event(session, f"Forum {year}", dt.date(year, 5, 1), talks)

    db.run(many_more)
    html = client.get(path).text
    assert len(re.findall(r"Talk 20\d\d-\d+", html)) == 36
    assert statements() == 1  # cached now
    db.run(lambda session, _storage: _revenue_lineage_touch(session))
    assert statements() == few <= 10, count_statements.statements[-few:]


async def _revenue_lineage_touch(session):
    # Any write renews the cached pages, so the next request renders again.
    cra = await _organisation(session, "canada-revenue-agency")
    await people.update_organisation(session, COMMAND_LINE, cra, website="https://www.canada.ca/revenue")
