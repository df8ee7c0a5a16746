"""`events demo`: the seed event as data, idempotent, with real PDF slides stored like any upload."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from events.demo import load_demo
from events.models import (
    AuditEntry,
    EventSession,
    LearningEvent,
    Material,
    MaterialVersion,
    Organisation,
    Person,
    Presentation,
    SpeakerLink,
    Topic,
)

COUNTED = (
    Organisation,
    Person,
    Topic,
    LearningEvent,
    EventSession,
    Presentation,
    SpeakerLink,
    Material,
    MaterialVersion,
    AuditEntry,
)


async def _counts(session, _storage):
    return {
        model.__name__: await session.scalar(select(func.count()).select_from(model)) for model in COUNTED
    }


def test_loading_twice_changes_nothing(db):
    assert db.run(load_demo) is True
    first = db.run(_counts)
    files = sorted(p.name for p in db.settings.storage_dir.rglob("*") if p.is_file())
    assert db.run(load_demo) is False
    assert db.run(_counts) == first
    assert sorted(p.name for p in db.settings.storage_dir.rglob("*") if p.is_file()) == files
    assert first["Presentation"] == 5 and first["EventSession"] == 2 and first["Person"] == 7
    assert first["MaterialVersion"] == 5 and len(files) == 5


def test_the_seed_facts_are_data(demo):
    async def facts(session, _storage):
        event = await session.scalar(
            select(LearningEvent).options(
                selectinload(LearningEvent.topics),
                selectinload(LearningEvent.sessions).selectinload(EventSession.host_organisation),
                selectinload(LearningEvent.presentations)
                .selectinload(Presentation.speaker_links)
                .options(selectinload(SpeakerLink.person), selectinload(SpeakerLink.organisation)),
            )
        )
        organisations = {
            o.acronym: o.name for o in (await session.scalars(select(Organisation))).all() if o.acronym
        }
        return event, organisations

    event, organisations = demo.run(facts)
    assert (event.start_date.isoformat(), event.city, event.region) == (
        "2003-09-22",
        "Fredericton",
        "New Brunswick",
    )
    assert "Public Sector Service Delivery Council" in event.host
    assert [t.title for t in event.topics] == ["Integrated Service Delivery"]
    assert [(s.title, s.host_organisation.name) for s in event.sessions] == [
        ("Interjurisdictional Projects", "National Research Council Canada"),
        ("Service New Brunswick Update", "Service New Brunswick"),
    ]
    by_session = [[p.title for p in event.presentations if p.session_id == s.id] for s in event.sessions]
    assert [len(titles) for titles in by_session] == [3, 2]
    assert organisations["SNB"] == "Service New Brunswick"
    assert organisations["CCRA"] == "Canada Customs and Revenue Agency"
    links = {link.person.full_name: link for p in event.presentations for link in p.speaker_links}
    assert set(links) == {
        "Brian Nussey",
        "Cary O'Brien",
        "Ron Smith",
        "Bill Todd",
        "Ernest MacGillivray",
        "Mike McKendy",
        "Bernie Arseneau",
    }
    assert links["Mike McKendy"].job_title == "Vice President, Operations"
    assert links["Bernie Arseneau"].job_title == "Director, Electronic Services Division"
    assert links["Bill Todd"].organisation.name == "City of Saint John"
    assert links["Ernest MacGillivray"].organisation.name == "Department of Environment and Local Government"
    assert links["Cary O'Brien"].organisation.acronym == "CCRA"


def test_each_deck_is_a_real_pdf_naming_its_talk_and_speakers(demo):
    async def versions(session, _storage):
        rows = await session.execute(
            select(MaterialVersion, Presentation)
            .join(Material, Material.id == MaterialVersion.material_id)
            .join(Presentation, Presentation.id == Material.presentation_id)
            .options(selectinload(Presentation.speaker_links).selectinload(SpeakerLink.person))
        )
        return rows.all()

    rows = demo.run(versions)
    assert len(rows) == 5
    for version, presentation in rows:
        data = (demo.settings.storage_dir / version.storage_key).read_bytes()
        assert len(data) == version.size
        assert hashlib.sha256(data).hexdigest() == version.sha256
        assert version.content_type == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        text = " ".join(text.split())
        assert presentation.title in text
        for link in presentation.speaker_links:
            assert link.person.full_name in text
    sizes = sorted(round(version.size / 1024) for version, _ in rows)
    # Padded to about the sizes of the 2003 files: 228, 391, 807, 1907 and 2213 KB.
    for size, original in zip(sizes, [228, 391, 807, 1907, 2213], strict=True):
        assert abs(size - original) <= original * 0.02


def test_a_failure_half_way_leaves_nothing_in_the_database_or_on_disk(db, monkeypatch):
    from events.domain.events import service as events

    async def broken(*_args, **_kwargs):
        raise RuntimeError("injected failure before publishing")

    monkeypatch.setattr(events, "set_event_status", broken)
    try:
        db.run(load_demo)
    except RuntimeError as error:
        assert "injected" in str(error)
    else:
        raise AssertionError("the injected failure did not surface")
    assert set(db.run(_counts).values()) == {0}
    assert [p for p in db.settings.storage_dir.rglob("*") if p.is_file()] == []


# The French demo page: the seed listing in French, in its order (titles are ours; decks stay English).
FRENCH_LISTING = [
    "Projets intergouvernementaux",
    "Conseil national de recherches Canada",
    "Projet fédéral-provincial conjoint : mise en œuvre d’un numéro d’entreprise commun pour le "
    "Nouveau-Brunswick et le Canada",
    "228 Ko",
    "Brian Nussey",
    "Cary O'Brien",
    "La prestation de services à guichet unique",
    "391 Ko",
    "Ron Smith",
    "Bill Todd",
    "Ville de Saint John",
    "La prestation des services de sécurité et d’urgence",
    "1,9 Mo",
    "Ernest MacGillivray",
    "ministère de l’Environnement et des Gouvernements locaux",
    "Le point sur Service Nouveau-Brunswick",
    "Aperçu de SNB",
    "2,2 Mo",
    "Mike McKendy",
    "vice-président, Opérations",
    "Service Nouveau-Brunswick",
    "Les services électroniques de SNB",
    "807 Ko",
    "Bernie Arseneau",
    "directeur, Division des services électroniques",
    "Service Nouveau-Brunswick",
]


def _decks(html: str) -> set[str]:
    from tests.pages import links

    return {href for href in links(html) if href.endswith(".pdf")}


def test_the_french_demo_page_lists_every_talk_in_french(demo, client):
    from events.demo import EVENT_SLUG
    from tests.pages import assert_in_order, elements, main_text, parse, text_of

    response = client.get(f"/fr/events/{EVENT_SLUG}")
    assert response.status_code == 200
    root = parse(response.text)
    assert root.get("lang") == "fr"
    (title,) = elements(root, "h1")
    assert (
        text_of(title) == "Activité d’apprentissage sur la prestation de services intégrée, Fredericton 2003"
    )
    text = main_text(response.text)  # spaces of any kind read as one, as the non-breaking ones do
    assert_in_order(text, ["22 septembre 2003", "Fredericton"])
    assert_in_order(text, FRENCH_LISTING)
    abbreviations = {text_of(a): a.get("title") for a in elements(root, "abbr")}
    assert abbreviations["ADRC"] == "Agence des douanes et du revenu du Canada"
    assert abbreviations["SNB"] == "Service Nouveau-Brunswick"
    assert " KB" not in text and " MB" not in text
    # Every deck is linked, at the one address it has in both languages, and said to be English only.
    decks = _decks(response.text)
    assert len(decks) == 5 and decks == _decks(client.get(f"/events/{EVENT_SLUG}").text)
    for item in elements(root, "li"):
        if "presentation" in (item.get("class") or "").split():
            assert "(en anglais seulement)" in text_of(item), text_of(item)
    assert text.count("(en anglais seulement)") >= 5


def test_the_french_acronyms_and_names_are_on_the_organisation_pages(demo, client):
    from tests.pages import main_text

    organisations = main_text(client.get("/fr/organisations").text)
    for name in (
        "Agence des douanes et du revenu du Canada",
        "ADRC",
        "Conseil national de recherches Canada",
        "CNRC",
        "Service Nouveau-Brunswick",
    ):
        assert name in organisations
    nrc = main_text(client.get("/fr/organisations/national-research-council-canada").text)
    assert "Conseil national de recherches Canada" in nrc and "CNRC" in nrc
    # The session it hosted, at the event, both in French.
    assert "Projets intergouvernementaux" in nrc and "Activité d’apprentissage sur la prestation" in nrc


def test_the_french_side_of_the_demo_is_data(demo):
    async def french(session, _storage):
        event = await session.scalar(
            select(LearningEvent).options(
                selectinload(LearningEvent.topics),
                selectinload(LearningEvent.sessions),
                selectinload(LearningEvent.presentations).selectinload(Presentation.speaker_links),
            )
        )
        organisations = {o.name: o for o in (await session.scalars(select(Organisation))).all()}
        return event, organisations

    event, organisations = demo.run(french)
    texts = [event.title_fr, event.description_fr]
    texts += [
        text for topic in event.topics for text in (topic.title_fr, topic.summary_fr, topic.description_fr)
    ]
    texts += [text for group in event.sessions for text in (group.title_fr, group.description_fr)]
    texts += [presentation.title_fr for presentation in event.presentations]
    assert all(texts), "a French text of the demo is missing"
    for text in texts:  # Canada.ca typography: ’ and a non-breaking space before the high signs
        assert "'" not in text, text
        assert not any(f" {sign}" in text for sign in ":;?!"), text
    assert organisations["Canada Customs and Revenue Agency"].acronym_fr == "ADRC"
    assert organisations["National Research Council Canada"].acronym_fr == "CNRC"
    assert organisations["Service New Brunswick"].name_fr == "Service Nouveau-Brunswick"
    assert organisations["City of Saint John"].name_fr == "Ville de Saint John"
    assert (
        organisations["Department of Environment and Local Government"].name_fr
        == "ministère de l’Environnement et des Gouvernements locaux"
    )
    job_titles = {link.job_title_fr for p in event.presentations for link in p.speaker_links} - {None}
    assert job_titles == {"vice-président, Opérations", "directeur, Division des services électroniques"}

    async def decks(session, _storage):
        return list(await session.scalars(select(Material.language)))

    assert set(demo.run(decks)) <= {None, "en"}  # the decks stay English
