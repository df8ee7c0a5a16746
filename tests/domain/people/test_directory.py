"""The staff directory: finding people, reviewing likely duplicates, and merging them without losing a talk."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sqlalchemy import func, select, text

from events.audit import COMMAND_LINE
from events.domain.events import service as events
from events.domain.people import duplicates, queries, search
from events.domain.people import service as people
from events.domain.people.search import people_matching
from events.models import (
    AuditEntry,
    DuplicateStatus,
    DuplicateSuggestion,
    EventStatus,
    Organisation,
    OrganisationKind,
    Person,
    Presentation,
    SpeakerLink,
)
from tests.conftest import csrf_token, sign_in
from tests.pages import main_text


def _find(session, model, **where):
    return session.scalar(select(model).filter_by(**where))


def _directory(db):
    """A few people beside the demo's: accents, an initial, an alias, a person with no talks."""

    async def add(session, _storage):
        societe = await people.create_organisation(
            session,
            COMMAND_LINE,
            name="Société d'habitation du Québec",
            acronym="SHQ",
            kind=OrganisationKind.PROVINCIAL,
            jurisdiction="Québec",
        )
        helene = await people.create_person(
            session, COMMAND_LINE, given_name="Hélène", family_name="Côté", organisation=societe
        )
        await people.create_person(
            session, COMMAND_LINE, given_name="Ron", family_name="Quiet", aliases=["Ronald Quiet"]
        )
        return {"helene": helene.id, "societe": societe.id}

    return db.run(add)


def _staff(client, accounts):
    sign_in(client, accounts.staff)
    return csrf_token(client, "/manage/people/new")


def _names(html: str) -> list[str]:
    """The names listed in the results table of /manage/people, as "Family, Given"."""
    return [unescape(name) for name in re.findall(r'<a href="/manage/people/\d+">([^<]+)</a>', html)]


# --- finding -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Societe", ["Côté, Hélène"]),  # organisation name without its accents
        ("helene cote", ["Côté, Hélène"]),  # person without accents, any case
        ("HÉLÈNE", ["Côté, Hélène"]),
        ("shq", ["Côté, Hélène"]),  # an acronym finds the people there
        ("m mck", ["McKendy, Mike"]),  # an initial and the start of a family name
        ("ccra", ["O'Brien, Cary"]),  # the demo's acronym for the Canada Customs and Revenue Agency
        ("ronald", ["Quiet, Ron"]),  # an alias
        ("mckendy snb", ["McKendy, Mike"]),  # every word must match: name and organisation
        ("mckendy ccra", []),
        ("zzz", []),
    ],
)
def test_search_ignores_accents_and_case_and_knows_initials_acronyms_and_aliases(
    accounts, db, client, query, expected
):
    _directory(db)
    _staff(client, accounts)
    response = client.get("/manage/people", params={"q": query})
    assert response.status_code == 200
    assert _names(response.text) == expected


def test_type_ahead_finds_the_same_people_for_organisers(accounts, db, client):
    _directory(db)
    sign_in(client, accounts.organiser)
    response = client.get("/manage/people/search", params={"q": "Societe"})
    assert response.status_code == 200
    assert "Hélène Côté" in response.text


def test_search_is_answered_through_the_name_index(accounts, db, backend):
    """The plan reads the term index for the typed prefix, not every person."""

    async def explain(session, _storage):
        statement = select(Person.id).where(Person.merged_into_id.is_(None), people_matching("mck snb"))
        compiled = statement.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True})
        if backend == "sqlite":
            plan = await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            return [str(row[-1]) for row in plan]
        # The demo is too small for the planner to prefer an index; forbid scans to see that one applies.
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        return [row[0] for row in await session.execute(text(f"EXPLAIN {compiled}"))]

    plan = db.run(explain)
    assert any("ix_person_name_term_term" in line for line in plan), plan
    assert any("ix_organisation_name_term_term" in line for line in plan), plan
    if backend == "sqlite":  # no step reads every row of a table
        assert not [line for line in plan if line.startswith("SCAN")], plan
    else:
        assert not [line for line in plan if "Seq Scan on person" in line], plan


def test_filters_no_talks_organisation_kind_and_duplicates(accounts, db, client):
    ids = _directory(db)
    _staff(client, accounts)
    no_talks = _names(client.get("/manage/people", params={"show": "no-talks"}).text)
    assert "Quiet, Ron" in no_talks and "Côté, Hélène" in no_talks
    assert "McKendy, Mike" not in no_talks
    at = _names(client.get("/manage/people", params={"organisation": ids["societe"]}).text)
    assert at == ["Côté, Hélène"]
    assert _names(client.get("/manage/people", params={"organisation": "shq"}).text) == ["Côté, Hélène"]
    unknown = client.get("/manage/people", params={"organisation": "Nowhere"})
    assert (
        _names(unknown.text) == [] and "No organisation in the directory is called “Nowhere”" in unknown.text
    )
    provincial = _names(client.get("/manage/people", params={"kind": "provincial"}).text)
    assert "Côté, Hélène" in provincial and "Quiet, Ron" not in provincial
    in_quebec = _names(client.get("/manage/people", params={"jurisdiction": "Québec"}).text)
    assert in_quebec == ["Côté, Hélène"]

    db.run(
        lambda session, _s: people.create_person(
            session, COMMAND_LINE, given_name="M.", family_name="McKendy"
        )
    )
    flagged = client.get("/manage/people", params={"show": "duplicates"})
    assert _names(flagged.text) == ["McKendy, M.", "McKendy, Mike"]
    assert "possible duplicate" in flagged.text


def test_results_come_in_pages_sorted_by_name(accounts, db, client):
    async def many(session, _storage):
        for number in range(60):
            await people.create_person(
                session,
                COMMAND_LINE,
                given_name=f"Pat{number:02d}",
                family_name="Zed",
                suggest_duplicates=False,
            )

    db.run(many)
    _staff(client, accounts)
    first = client.get("/manage/people", params={"q": "zed"})
    assert "60 people" in main_text(first.text)
    assert _names(first.text)[:2] == ["Zed, Pat00", "Zed, Pat01"] and len(_names(first.text)) == 50
    second = client.get("/manage/people", params={"q": "zed", "page": "2"})
    assert _names(second.text) == [f"Zed, Pat{n}" for n in range(50, 60)]


# --- a person's page ----------------------------------------------------------------------------------


def test_person_page_lists_every_talk_with_what_was_held_then_and_edits_are_audited(accounts, db, client):
    token = _staff(client, accounts)
    mike = db.run(lambda session, _s: _find(session, Person, slug="mike-mckendy"))
    page = client.get(f"/manage/people/{mike.id}")
    assert page.status_code == 200
    text = main_text(page.text)
    assert "Overview of SNB" in text and "Vice President, Operations" in text

    response = client.post(
        f"/manage/people/{mike.id}",
        data={
            "_csrf_token": token,
            "given_name": "Mike",
            "family_name": "McKendy",
            "aliases": "M. McKendy\nMichael McKendy",
            "job_title": "President",
            "organisation": "SNB",
            "biography": "Led Service New Brunswick.",
            "email": "Mike.McKendy@Example.org ",
        },
        follow_redirects=False,
    )
    assert response.status_code == 302

    def saved(session, _storage):
        async def read():
            person = await _find(session, Person, id=mike.id)
            link_titles = list(
                await session.scalars(select(SpeakerLink.job_title).where(SpeakerLink.person_id == mike.id))
            )
            entry = await session.scalar(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "person",
                    AuditEntry.entity_id == mike.id,
                    AuditEntry.action == "update",
                )
            )
            return person, link_titles, entry

        return read()

    person, link_titles, entry = db.run(saved)
    assert person.job_title == "President" and person.aliases == ["M. McKendy", "Michael McKendy"]
    assert person.email == "mike.mckendy@example.org"
    assert link_titles == ["Vice President, Operations"]  # the talk keeps the title of its day
    assert entry is not None and entry.changes["job_title"]["after"] == "President"
    assert entry.changes["email"] == {"before": "(private)", "after": "(private)"}
    # The e-mail is private: never on the public page.
    public = client.get("/speakers/mike-mckendy").text
    assert "mike.mckendy@example.org" not in public.lower()
    assert "Led Service New Brunswick." in public
    # Search now finds him by an alias.
    assert "McKendy, Mike" in _names(client.get("/manage/people", params={"q": "michael"}).text)


def test_bad_person_input_is_refused_and_nothing_changes(accounts, db, client):
    token = _staff(client, accounts)
    mike = db.run(lambda session, _s: _find(session, Person, slug="mike-mckendy"))
    response = client.post(
        f"/manage/people/{mike.id}",
        data={
            "_csrf_token": token,
            "given_name": "Mike",
            "family_name": "",
            "email": "not an address",
            "organisation": "Nowhere Agency",
        },
    )
    assert response.status_code == 400
    text = main_text(response.text)
    assert "Please give the family name." in text
    assert "is not an e-mail address" in text
    assert "No organisation is called “Nowhere Agency”" in text
    after = db.run(lambda session, _s: _find(session, Person, id=mike.id))
    assert (after.family_name, after.email, after.updated_at) == ("McKendy", mike.email, mike.updated_at)
    assert (
        db.run(
            lambda session, _s: session.scalar(
                select(func.count()).select_from(Organisation).where(Organisation.name == "Nowhere Agency")
            )
        )
        == 0
    )


def test_an_organisation_cannot_become_its_own_ancestor_or_successor(accounts, db, client):
    token = _staff(client, accounts)

    async def lineage(session, _storage):
        department = await people.create_organisation(session, COMMAND_LINE, name="Department of Things")
        division = await people.create_organisation(
            session, COMMAND_LINE, name="Things Division", parent=department
        )
        return department.id, division.id

    department, division = db.run(lineage)
    response = client.post(
        f"/manage/organisations/{department}",
        data={"_csrf_token": token, "name": "Department of Things", "parent": "Things Division"},
    )
    assert response.status_code == 400
    assert "cannot be part of itself" in main_text(response.text)
    assert db.run(lambda session, _s: _find(session, Organisation, id=department)).parent_id is None


# --- duplicates ----------------------------------------------------------------------------------------


def _reasons(db) -> dict[frozenset[str], list[str]]:
    async def read(session, _storage):
        names = {p.id: p.full_name for p in await session.scalars(select(Person))}
        rows = await session.scalars(
            select(DuplicateSuggestion).where(
                DuplicateSuggestion.status == DuplicateStatus.OPEN, DuplicateSuggestion.kind == "person"
            )
        )
        return {frozenset((names[s.first_id], names[s.second_id])): s.reasons for s in rows}

    return db.run(read)


def test_likely_duplicates_are_suggested_with_their_reasons(demo, db):
    async def add(session, _storage):
        for given, family, email in [
            ("M.", "McKendy", None),  # initial of the demo's Mike McKendy
            ("Rene", "Levesque", "rene@example.org"),
            ("René", "Lévesque", None),  # equal without accents
            ("Robert", "Stone", "r.stone@example.org"),
            ("Rob", "Stone", None),  # short form
            ("Jane", "Other", "R.Stone@example.org"),  # same address, other name
            ("Mary", "McKendy", None),  # same family name, different given name: not suggested
        ]:
            await people.create_person(
                session, COMMAND_LINE, given_name=given, family_name=family, email=email
            )

    db.run(add)
    found = _reasons(db)
    assert found[frozenset({"M. McKendy", "Mike McKendy"})] == [
        "Same family name, and “M.” is the initial of “Mike”"
    ]
    assert found[frozenset({"Rene Levesque", "René Lévesque"})] == [duplicates.SAME_NAME]
    assert found[frozenset({"Robert Stone", "Rob Stone"})] == [
        "Same family name, and “Rob” is short for “Robert”"
    ]
    assert found[frozenset({"Robert Stone", "Jane Other"})] == [duplicates.SAME_EMAIL]
    assert frozenset({"Mary McKendy", "Mike McKendy"}) not in found
    assert frozenset({"Mary McKendy", "M. McKendy"}) in found  # "M." could be Mary too
    # A full scan finds exactly what the writes found.
    db.run(lambda session, _s: duplicates.rescan(session))
    assert _reasons(db) == found


def test_a_dismissed_pair_never_comes_back(accounts, db, client):
    token = _staff(client, accounts)
    db.run(
        lambda session, _s: people.create_person(
            session, COMMAND_LINE, given_name="M.", family_name="McKendy"
        )
    )
    queue = client.get("/manage/duplicates")
    assert "“M.” is the initial of “Mike”" in main_text(queue.text)
    suggestion = db.run(lambda session, _s: session.scalar(select(DuplicateSuggestion)))
    response = client.post(
        f"/manage/duplicates/{suggestion.id}/dismiss", data={"_csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 302
    assert "Nothing to review." in main_text(client.get("/manage/duplicates").text)
    # Neither a full scan nor a later edit of either person brings it back.
    client.post("/manage/duplicates/scan", data={"_csrf_token": token})
    m = db.run(lambda session, _s: _find(session, Person, given_name="M."))
    client.post(
        f"/manage/people/{m.id}",
        data={"_csrf_token": token, "given_name": "M.", "family_name": "McKendy", "job_title": "Clerk"},
    )
    assert "Nothing to review." in main_text(client.get("/manage/duplicates").text)
    entry = db.run(
        lambda session, _s: session.scalar(select(AuditEntry).where(AuditEntry.action == "dismiss"))
    )
    assert entry is not None and entry.actor_user_id is not None


# --- merging --------------------------------------------------------------------------------------------


def _duplicate_of_mike(db):
    """A second record of Mike McKendy with a talk of its own at a later event, and one shared talk."""

    async def add(session, _storage):
        mike = await _find(session, Person, slug="mike-mckendy")
        twin = await people.create_person(
            session,
            COMMAND_LINE,
            given_name="M.",
            family_name="McKendy",
            email="mm@example.org",
            aliases=["Mick"],
        )
        later = await events.create_event(
            session, COMMAND_LINE, title="Service Forum", start_date=dt.date(2006, 4, 3)
        )
        talk = await events.add_presentation(
            session, COMMAND_LINE, later, title="Lessons from One-Stop Service"
        )
        await events.add_speaker(session, COMMAND_LINE, talk, twin, job_title="Chief Operating Officer")
        await events.set_event_status(session, COMMAND_LINE, later, EventStatus.PUBLISHED)
        # Both records were listed on one talk: after the merge it lists him once.
        shared = await session.scalar(select(SpeakerLink).where(SpeakerLink.person_id == mike.id))
        await events.add_speaker(
            session, COMMAND_LINE, await session.get(Presentation, shared.presentation_id), twin
        )
        return {
            "mike": mike.id,
            "twin": twin.id,
            "twin_slug": twin.slug,
            "talk": talk.id,
            "shared": shared.presentation_id,
        }

    return db.run(add)


def _links(db, person_id):
    async def read(session, _storage):
        rows = await session.execute(
            select(SpeakerLink.presentation_id, SpeakerLink.job_title, SpeakerLink.organisation_id)
            .where(SpeakerLink.person_id == person_id)
            .order_by(SpeakerLink.presentation_id)
        )
        return [tuple(row) for row in rows]

    return db.run(read)


def test_merging_moves_every_talk_keeps_titles_and_names_and_redirects(accounts, db, client):
    token = _staff(client, accounts)
    ids = _duplicate_of_mike(db)
    before = _links(db, ids["mike"]) + [link for link in _links(db, ids["twin"]) if link[0] != ids["shared"]]
    assert client.get(f"/manage/people/{ids['mike']}/merge/{ids['twin']}").status_code == 200
    response = client.post(
        f"/manage/people/{ids['mike']}/merge/{ids['twin']}",
        data={"_csrf_token": token, "survivor": str(ids["mike"])},
        follow_redirects=False,
    )
    assert response.status_code == 302 and response.headers["location"] == f"/manage/people/{ids['mike']}"

    assert sorted(_links(db, ids["mike"])) == sorted(before)  # same talks, titles and bodies of the day
    assert _links(db, ids["twin"]) == []
    survivor, tombstone = db.run(lambda session, _s: _pair(session, ids["mike"], ids["twin"]))
    assert survivor.aliases == ["M. McKendy", "Mick"]
    assert survivor.email == "mm@example.org"  # blank fields are filled from the other record
    assert tombstone.merged_into_id == ids["mike"]

    old = client.get(f"/speakers/{ids['twin_slug']}", follow_redirects=False)
    assert old.status_code == 301 and old.headers["location"] == "/speakers/mike-mckendy"
    page = main_text(client.get("/speakers/mike-mckendy").text)
    assert "Lessons from One-Stop Service" in page and "Chief Operating Officer" in page
    # Merged records leave the lists and the search, and their suggestion is closed.
    assert _names(client.get("/manage/people", params={"q": "mckendy"}).text) == ["McKendy, Mike"]
    assert client.get(f"/manage/people/{ids['twin']}", follow_redirects=False).headers["location"] == (
        f"/manage/people/{ids['mike']}"
    )
    assert "Nothing to review." in main_text(client.get("/manage/duplicates").text)

    entries = db.run(
        lambda session, _s: session.execute(
            select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.actor_user_id).where(
                AuditEntry.action.in_(["merge", "merged"])
            )
        )
    )
    actions = {(action, entity) for action, entity, user in entries.all()}
    assert actions == {("merge", ids["mike"]), ("merged", ids["twin"])}


def _pair(session, first_id, second_id):
    async def read():
        return await session.get(Person, first_id), await session.get(Person, second_id)

    return read()


def test_a_merge_that_fails_half_way_leaves_both_records_as_they_were(accounts, db, client, monkeypatch):
    token = _staff(client, accounts)
    ids = _duplicate_of_mike(db)
    links_before = {person: _links(db, ids[person]) for person in ("mike", "twin")}
    people_before = db.run(lambda session, _s: _pair(session, ids["mike"], ids["twin"]))

    async def fail(*_args, **_kwargs):
        raise RuntimeError("injected failure after the links moved")

    monkeypatch.setattr(duplicates, "after_merge", fail)
    response = client.post(
        f"/manage/people/{ids['mike']}/merge/{ids['twin']}",
        data={"_csrf_token": token, "survivor": str(ids["mike"])},
        follow_redirects=False,
    )
    assert response.status_code == 500
    assert {person: _links(db, ids[person]) for person in ("mike", "twin")} == links_before
    after = db.run(lambda session, _s: _pair(session, ids["mike"], ids["twin"]))
    for old, new in zip(people_before, after, strict=True):
        assert (new.aliases, new.email, new.merged_into_id, new.updated_at) == (
            old.aliases,
            old.email,
            old.merged_into_id,
            old.updated_at,
        )
    assert (
        db.run(lambda session, _s: session.scalar(select(func.count()).where(AuditEntry.action == "merge")))
        == 0
    )
    assert client.get(f"/speakers/{ids['twin_slug']}", follow_redirects=False).status_code == 200


def test_merging_organisations_moves_people_talks_and_divisions(accounts, db, client):
    token = _staff(client, accounts)

    async def add(session, _storage):
        snb = await _find(session, Organisation, acronym="SNB")
        typo = await people.create_organisation(
            session, COMMAND_LINE, name="Services New Brunswick", acronym="SNB"
        )
        division = await people.create_organisation(session, COMMAND_LINE, name="SNB Registries", parent=typo)
        clerk = await people.create_person(
            session, COMMAND_LINE, given_name="Ann", family_name="Clerk", organisation=typo
        )
        return snb.id, typo.id, typo.slug, division.id, clerk.id

    snb, typo, typo_slug, division, clerk = db.run(add)
    queue = main_text(client.get("/manage/duplicates?kind=organisation").text)
    assert "Same acronym (SNB)" in queue
    response = client.post(
        f"/manage/organisations/{snb}/merge/{typo}",
        data={"_csrf_token": token, "survivor": str(snb)},
        follow_redirects=False,
    )
    assert response.status_code == 302

    async def read(session, _storage):
        return (
            await session.get(Organisation, typo),
            await session.get(Organisation, division),
            await session.get(Person, clerk),
            await session.get(Organisation, snb),
        )

    tombstone, moved_division, moved_clerk, survivor = db.run(read)
    assert tombstone.merged_into_id == snb
    assert moved_division.parent_id == snb and moved_clerk.organisation_id == snb
    assert "Services New Brunswick" in survivor.aliases
    found = client.get("/manage/organisations", params={"q": "services"})  # the other name finds the survivor
    assert f'href="/manage/organisations/{snb}"' in found.text
    assert f'href="/manage/organisations/{typo}"' not in found.text
    assert client.get(f"/organisations/{typo_slug}", follow_redirects=False).status_code == 301


def test_common_prefixes_take_the_a_to_z_walk_and_find_what_the_index_finds(accounts, db, client):
    """ "m" starts hundreds of names: the first page comes from walking the A-Z order, and must be
    exactly the first page the term index gives, alone or with other words."""

    async def many(session, _storage):
        for number in range(search.COMMON + 60):
            given = "Ann" if number % 10 == 0 else ("Mia", "Max")[number % 2]
            await people.create_person(
                session,
                COMMAND_LINE,
                given_name=given,
                family_name=f"Zu{number:04d}",
                suggest_duplicates=False,
            )

    db.run(many)

    async def compare(session, _storage):
        answers = {}
        for query in ("m", "zu", "m zu", "ann"):
            exact = list(
                await session.scalars(
                    select(Person.id)
                    .where(Person.merged_into_id.is_(None), people_matching(query))
                    .order_by(*search.A_TO_Z)
                    .limit(10)
                )
            )
            walked = await search.first_ids_in_a_to_z(session, query, [], 10)
            found = [person.id for person, _ in await queries.search_people(session, query)]
            answers[query] = (await search.is_common(session, query), walked, exact, found)
        return answers

    answers = db.run(compare)
    common, walked, exact, found = answers["m"]
    assert common and walked == exact == found and len(exact) == 10
    common, walked, exact, found = answers["zu"]
    assert common and found == exact and len(exact) == 10
    assert answers["m zu"][3] == answers["m zu"][2]
    assert answers["ann"][0] is False and answers["ann"][3] == answers["ann"][2]

    _staff(client, accounts)
    page = main_text(client.get("/manage/people", params={"q": "m"}).text)
    assert "Zu0001, Max" in page and "Zu0002, Mia" in page and "Zu0000, Ann" not in page


def test_a_word_after_an_elision_is_found(accounts, db, client):
    async def add(session, _storage):
        body = await people.create_organisation(
            session, COMMAND_LINE, name="Société de l'assurance automobile"
        )
        await people.create_person(
            session, COMMAND_LINE, given_name="Luc", family_name="D'Amour", organisation=body
        )

    db.run(add)
    _staff(client, accounts)
    for query in ("assurance", "lassurance", "amour", "damour", "d amour"):
        assert _names(client.get("/manage/people", params={"q": query}).text) == ["D'Amour, Luc"], query


def test_a_very_common_word_is_counted_up_to_enough(accounts, db, client, monkeypatch):
    """Counting every match of "p" in a large directory costs what collecting them does: the page
    stops at a limit (here made small) and says "more than"."""

    async def many(session, _storage):
        for number in range(60):
            await people.create_person(
                session,
                COMMAND_LINE,
                given_name=f"Pat{number:02d}",
                family_name="Zed",
                suggest_duplicates=False,
            )

    db.run(many)
    monkeypatch.setattr(search, "COUNT_LIMIT", 20)
    monkeypatch.setattr(search, "COMMON", 20)
    _staff(client, accounts)
    page = client.get("/manage/people", params={"q": "pat"})
    assert "More than 20 people" in main_text(page.text)
    assert _names(page.text)[:2] == ["Zed, Pat00", "Zed, Pat01"]
    # Two words are counted exactly.
    assert "60 people matching" in main_text(client.get("/manage/people", params={"q": "pat zed"}).text)


def test_the_audit_log_shows_one_records_history(accounts, db, client):
    token = _staff(client, accounts)
    mike = db.run(lambda session, _s: _find(session, Person, slug="mike-mckendy"))
    client.post(
        f"/manage/people/{mike.id}",
        data={"_csrf_token": token, "given_name": "Mike", "family_name": "McKendy", "job_title": "President"},
    )
    page = client.get(f"/manage/people/{mike.id}")
    assert f"/manage/audit?entity=person&amp;record={mike.id}" in page.text
    history = main_text(client.get("/manage/audit", params={"entity": "person", "record": mike.id}).text)
    assert "Edited person Mike McKendy" in history
    assert "Created person Mike McKendy" in history
    assert "Brian Nussey" not in history  # nobody else's changes
