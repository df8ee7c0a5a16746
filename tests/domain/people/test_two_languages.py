"""Organisations in both official languages: the French name and acronym are kept, shown, searched, and
typing them in a form links the existing record instead of making a copy."""

from __future__ import annotations

import re

from sqlalchemy import func, select, update

from events.audit import COMMAND_LINE
from events.domain.people import service as people
from events.domain.people.csv.format import export_organisations
from events.models import (
    AuditEntry,
    DuplicateKind,
    DuplicateSuggestion,
    EventSession,
    Organisation,
    Person,
    SpeakerLink,
)
from tests.conftest import csrf_token, sign_in
from tests.domain.people.test_directory import _find, _staff
from tests.pages import main_text


def _organisation(db, **where) -> Organisation:
    return db.run(lambda session, _s: _find(session, Organisation, **where))


def _count(db) -> int:
    return db.run(lambda session, _s: session.scalar(select(func.count()).select_from(Organisation)))


def _french_names(db) -> None:
    """The demo's SNB and CCRA with their French names."""

    async def name(session, _storage):
        for slug, name_fr, acronym_fr in (
            ("service-new-brunswick", "Service Nouveau-Brunswick", "SNB"),
            ("canada-customs-and-revenue-agency", "Agence des douanes et du revenu du Canada", "ADRC"),
        ):
            organisation = await session.scalar(select(Organisation).where(Organisation.slug == slug))
            await people.update_organisation(
                session, COMMAND_LINE, organisation, name_fr=name_fr, acronym_fr=acronym_fr
            )

    db.run(name)


def test_the_organisation_form_saves_the_french_name_and_acronym_with_an_audit_entry(accounts, db, client):
    token = _staff(client, accounts)
    ccra = _organisation(db, acronym="CCRA")
    db.run(  # the demo has CCRA's French side already: start without it
        lambda session, _s: session.execute(
            update(Organisation).where(Organisation.id == ccra.id).values(name_fr=None, acronym_fr=None)
        )
    )
    form = client.get(f"/manage/organisations/{ccra.id}").text
    assert re.search(r'<input id="name_fr" name="name_fr" type="text" lang="fr"', form)
    assert re.search(r'<input id="name" name="name" type="text" lang="en"', form)
    response = client.post(
        f"/manage/organisations/{ccra.id}",
        data={
            "_csrf_token": token,
            "name": ccra.name,
            "acronym": "CCRA",
            "name_fr": "  Agence des douanes  et du revenu du Canada ",
            "acronym_fr": "ADRC",
            "kind": "federal",
        },
    )
    assert response.status_code == 200
    saved = _organisation(db, id=ccra.id)
    assert (saved.name_fr, saved.acronym_fr) == ("Agence des douanes et du revenu du Canada", "ADRC")
    entry = db.run(
        lambda session, _s: session.scalar(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "organisation", AuditEntry.entity_id == ccra.id)
            .order_by(AuditEntry.id.desc())
        )
    )
    assert entry.changes["acronym_fr"] == {"before": None, "after": "ADRC"}
    listing = main_text(client.get("/manage/organisations", params={"q": "ccra"}).text)
    assert "Agence des douanes et du revenu du Canada (ADRC)" in listing


def test_a_new_organisation_takes_its_french_name(accounts, db, client):
    token = _staff(client, accounts)
    client.post(
        "/manage/organisations/new",
        data={
            "_csrf_token": token,
            "name": "Public Service Commission",
            "name_fr": "Commission de la fonction publique",
            "acronym": "PSC",
            "acronym_fr": "CFP",
        },  # fmt: skip
    )
    made = _organisation(db, acronym="PSC")
    assert (made.name_fr, made.acronym_fr) == ("Commission de la fonction publique", "CFP")


def test_the_type_ahead_and_the_directory_find_french_names_and_acronyms(accounts, db, client):
    _french_names(db)
    _staff(client, accounts)
    for query, expected in (
        ("service nouveau brunswick", "Mike McKendy"),  # folded: no hyphen, no capitals
        ("Service Nouveau-Brunswick", "Mike McKendy"),
        ("adrc", "Cary O&#39;Brien"),
        ("agence douanes", "Cary O&#39;Brien"),
    ):
        assert expected in client.get("/manage/people/search", params={"q": query}).text, query
    organisations = main_text(client.get("/manage/organisations", params={"q": "adrc"}).text)
    assert "Canada Customs and Revenue Agency" in organisations
    people_found = main_text(client.get("/manage/people", params={"q": "service nouveau brunswick"}).text)
    assert "McKendy, Mike" in people_found


def test_a_french_name_typed_in_a_session_or_speaker_form_links_the_existing_organisation(
    accounts, db, client
):
    _french_names(db)
    sign_in(client, accounts.organiser)
    token = csrf_token(client, f"/manage/events/{accounts.event_id}")
    before = _count(db)
    response = client.post(
        f"/manage/events/{accounts.event_id}/sessions",
        data={
            "_csrf_token": token,
            "title": "Séance bilingue",
            "host_organisation": "Service Nouveau-Brunswick",
        },
    )
    assert response.status_code == 200
    talk = re.search(
        r'id="presentation-(\d+)"', client.get(f"/manage/events/{accounts.event_id}").text
    ).group(1)
    response = client.post(
        f"/manage/events/{accounts.event_id}/presentations/{talk}/speakers",
        data={"_csrf_token": token, "given_name": "Zoë", "family_name": "Lavoie", "organisation": "adrc"},
    )
    assert response.status_code == 200
    assert _count(db) == before  # no copy of either organisation

    async def linked(session, _storage):
        host = await session.scalar(
            select(Organisation.acronym)
            .join(EventSession, EventSession.host_organisation_id == Organisation.id)
            .where(EventSession.title == "Séance bilingue")
        )
        speaker = await session.scalar(select(Person).where(Person.family_name == "Lavoie"))
        link = await session.scalar(select(SpeakerLink).where(SpeakerLink.person_id == speaker.id))
        return host, (await session.get(Organisation, link.organisation_id)).acronym

    assert db.run(linked) == ("SNB", "CCRA")


def test_an_organisation_named_as_another_is_in_french_is_a_likely_duplicate(accounts, db):
    _french_names(db)

    async def add(session, _storage):
        copy = await people.create_organisation(session, COMMAND_LINE, name="Service Nouveau-Brunswick")
        suggestions = await session.scalars(
            select(DuplicateSuggestion).where(
                DuplicateSuggestion.kind == DuplicateKind.ORGANISATION,
                (DuplicateSuggestion.first_id == copy.id) | (DuplicateSuggestion.second_id == copy.id),
            )
        )
        return [s.reasons for s in suggestions]

    assert db.run(add) == [["The name of one is the name of the other in the other official language"]]


def test_the_csv_export_carries_the_french_columns_and_an_old_file_leaves_them_alone(accounts, db, client):
    _french_names(db)
    exported = db.run(lambda session, _s: export_organisations(session)).decode("utf-8-sig")
    header, *rows = exported.splitlines()
    assert header.startswith("slug,name,acronym,name_fr,acronym_fr,kind")
    assert any("Service Nouveau-Brunswick" in row for row in rows)
    token = _staff(client, accounts)
    old_file = b"slug,name,acronym\nservice-new-brunswick,Service New Brunswick,SNB\n"
    preview = client.post(
        "/manage/directory/import",
        data={"_csrf_token": token},
        files={"files": ("organisations.csv", old_file, "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    assert "Records already up to date (1)" in main_text(preview.text)
    assert _organisation(db, slug="service-new-brunswick").name_fr == "Service Nouveau-Brunswick"
