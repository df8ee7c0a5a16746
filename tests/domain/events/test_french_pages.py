"""The public pages in French (/fr/...): interface words, records in French where they have it (in English,
marked as such, where not), French sizes and dates, and each deck offered with its other-language twin."""

from __future__ import annotations

from sqlalchemy import select, update

from events.audit import COMMAND_LINE
from events.demo import EVENT_SLUG
from events.domain.materials import service as materials
from events.models import EventSession, LearningEvent, Material, MaterialKind, Presentation
from tests.pages import elements, links, main_text, parse, text_of

EVENT_URL = f"/events/{EVENT_SLUG}"
FRENCH_URL = f"/fr/events/{EVENT_SLUG}"
FRENCH_TITLE = "Activité d’apprentissage sur la prestation intégrée des services, Fredericton 2003"
SINGLE_WINDOW = "Single Window Service Delivery"
SINGLE_WINDOW_FR = "Prestation des services à guichet unique"
FRENCH_DECK = 240 * 1024  # "240 Ko"


async def _chunks(size: int):
    yield b"%PDF-1.4\n" + b"0" * (size - 9)


def _add_french(db, *, paper_for: str | None = None) -> None:
    """French titles for the event and one talk, a French deck beside that talk's English one and,
    if asked, a French-only paper for another talk."""

    async def work(session, storage):
        # Whatever French the demo has, these tests choose their own: only the event and one talk.
        await session.execute(update(Presentation).values(title_fr=None))
        await session.execute(update(EventSession).values(title_fr=None))
        await session.execute(
            update(LearningEvent)
            .where(LearningEvent.slug == EVENT_SLUG)
            .values(title_fr=FRENCH_TITLE, host_fr=None)
        )
        event = await session.scalar(select(LearningEvent).where(LearningEvent.slug == EVENT_SLUG))
        talk = await session.scalar(select(Presentation).where(Presentation.title == SINGLE_WINDOW))
        talk.title_fr = SINGLE_WINDOW_FR
        deck = await materials.add_file_material(session, storage, COMMAND_LINE, event=event, presentation=talk,
                                                 chunks=_chunks(FRENCH_DECK), filename="guichet-unique.pdf",
                                                 content_type="application/pdf")  # fmt: skip
        deck.language = "fr"
        if paper_for:
            other = await session.scalar(select(Presentation).where(Presentation.title == paper_for))
            paper = await materials.add_file_material(session, storage, COMMAND_LINE, event=event,
                                                      presentation=other, chunks=_chunks(20 * 1024),
                                                      filename="rapport.pdf", content_type="application/pdf",
                                                      kind=MaterialKind.PAPER)  # fmt: skip
            paper.language = "fr"
        await session.flush()

    db.run(work)


def _presentation_heading(html: str, title: str):
    """The heading of the talk whose title starts the heading's text."""
    root = parse(html)
    for tag in ("h3", "h4"):
        for heading in elements(root, tag):
            if text_of(heading).startswith(title):
                return heading
    raise AssertionError(f"no heading for {title!r}")


def test_the_french_event_page_speaks_french(demo, db, client):
    _add_french(db)
    response = client.get(FRENCH_URL)
    assert response.status_code == 200
    root = parse(response.text)
    assert root.get("lang") == "fr"
    text = main_text(response.text)
    for words in ("Présentations", "Version imprimable", "Date", "Lieu", "lundi 22 septembre 2003"):
        assert words in text, words
    assert "Print view" not in text and "Presentations" not in text
    (crumbs,) = [nav for nav in elements(root, "nav") if nav.get("aria-label") == "Fil d’Ariane"]
    assert text_of(crumbs).startswith("Accueil")


def test_the_french_title_where_set_and_the_english_one_marked_where_not(demo, db, client):
    _add_french(db)
    html = client.get(FRENCH_URL).text
    root = parse(html)
    assert text_of(elements(root, "h1")[0]) == FRENCH_TITLE
    assert text_of(elements(root, "title")[0]).startswith(FRENCH_TITLE)
    assert "<span" not in text_of(elements(root, "title")[0])
    assert text_of(_presentation_heading(html, SINGLE_WINDOW_FR)).startswith(SINGLE_WINDOW_FR)
    # A talk with no French title shows its English one, said to be English (for screen readers).
    assert '<span lang="en">Joint Federal-Provincial Project' in html
    # The session titles have no French either.
    assert '<span lang="en">Interjurisdictional Projects</span>' in html
    # The meeting's name, here in English only, is marked as English too.
    assert '<span lang="en">Bi-annual meeting of the Public Sector Service Delivery Council</span>' in html


def test_french_sizes_and_decks_only_in_english(demo, db, client):
    _add_french(db)
    html = client.get(FRENCH_URL).text
    text = main_text(html)
    assert "(PDF, 228 Ko) (en anglais seulement)" in text  # an English deck (no language given)
    assert text.count(" KB") == 1  # only in the English twin's own label: "English (PDF, 391 KB)"
    # The paired deck is not "English only": its French twin is offered first.
    assert "(en anglais seulement)" not in text_of(_presentation_heading(html, SINGLE_WINDOW_FR))


def test_a_deck_in_both_languages_is_one_pair_the_page_language_first(demo, db, client):
    _add_french(db)
    french = text_of(_presentation_heading(client.get(FRENCH_URL).text, SINGLE_WINDOW_FR))
    assert french == f"{SINGLE_WINDOW_FR} (PDF, 240 Ko) · English (PDF, 391 KB)"
    english_html = client.get(EVENT_URL).text
    english = text_of(_presentation_heading(english_html, SINGLE_WINDOW))
    assert english == f"{SINGLE_WINDOW} (PDF, 391 KB) · français (PDF, 240 Ko)"
    heading = _presentation_heading(english_html, SINGLE_WINDOW)
    (twin,) = [a for a in elements(heading, "a") if a.get("hreflang") == "fr"]
    assert twin.get("lang") == "fr" and twin.get("href").endswith("/guichet-unique.pdf")
    # One pair: no "more materials" list under that talk.
    assert "Autres documents" not in client.get(FRENCH_URL).text


def test_the_english_page_is_unchanged_but_says_which_files_are_french_only(demo, db, client):
    before = main_text(client.get(EVENT_URL).text)
    _add_french(db, paper_for="Overview of SNB")
    after_html = client.get(EVENT_URL).text
    after = main_text(after_html)
    assert FRENCH_TITLE not in after and "(English only)" not in after
    assert "Learning Event on Integrated Service Delivery, Fredericton 2003" in after
    assert "Paper (PDF, 20 KB) (French only)" in after
    # Everything else as it was: the new French files are the only additions.
    assert (
        after.replace(" · français (PDF, 240 Ko)", "").replace(" Paper (PDF, 20 KB) (French only)", "")
        == before
    )
    # On the French page that paper is in the page's language: nothing to say about it.
    french = main_text(client.get(FRENCH_URL).text)
    assert "Article (PDF, 20 Ko)" in french and "en français seulement" not in french


def test_the_french_print_view_and_links_stay_in_french(demo, db, client):
    _add_french(db)
    response = client.get(f"{FRENCH_URL}/print")
    assert response.status_code == 200
    assert "Affichage normal" in main_text(response.text)
    page_links = links(client.get(FRENCH_URL).text)
    assert "/fr/speakers/cary-obrien" in page_links
    assert any(href.startswith("/fr/organisations/") for href in page_links)
    assert any(href.startswith("/materials/") for href in page_links)


def test_french_speaker_organisation_and_index_pages(demo, db, client):
    _add_french(db)
    speaker = client.get("/fr/speakers/cary-obrien")
    assert speaker.status_code == 200
    text = main_text(speaker.text)
    assert "Présentations" in text and FRENCH_TITLE in text
    index = main_text(client.get("/fr/speakers").text)
    assert "Conférenciers" in index and "Tous les conférenciers, de A à Z" in index
    organisations = main_text(client.get("/fr/organisations").text)
    assert "Trouver une organisation" in organisations
    missing = client.get("/fr/events/nowhere")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.text and "Aucune activité publiée ne s’appelle" in missing.text


def test_a_material_with_no_language_counts_as_english(demo, db, client):
    async def count(session, _storage):
        return await session.scalar(select(Material.id).where(Material.language.is_(None)).limit(1))

    assert db.run(count) is not None  # the demo's decks say nothing of their language
    assert "(en anglais seulement)" in main_text(client.get(FRENCH_URL).text)
    assert "(French only)" not in main_text(client.get(EVENT_URL).text)


def test_an_unknown_address_answers_with_a_sentence_in_the_page_language(db, client):
    english = client.get("/events/nowhere/at/all")
    assert english.status_code == 404
    assert "There is no page at this address." in main_text(english.text)
    assert "Not Found" not in english.text
    french = client.get("/fr/events/nowhere/at/all")
    assert french.status_code == 404
    text = main_text(french.text)
    assert "Page introuvable" in text and "Il n’y a aucune page à cette adresse." in text
    assert "Retourner à la page d’accueil" in text


def test_the_meeting_and_the_province_are_named_in_french(demo, client):
    root = parse(client.get(FRENCH_URL).text)
    facts = {
        text_of(dt): text_of(dd) for dt, dd in zip(elements(root, "dt"), elements(root, "dd"), strict=True)
    }
    assert facts["Lieu"] == "Fredericton, Nouveau-Brunswick"
    assert facts["Tenue dans le cadre de"] == (
        "Réunion semestrielle du Conseil sur la prestation des services du secteur public"
    )
    english = main_text(client.get(FRENCH_URL.removeprefix("/fr")).text)
    assert "Fredericton, New Brunswick" in english
    assert "Bi-annual meeting of the Public Sector Service Delivery Council" in english
