"""Events are managed in both official languages: French fields beside the English ones, a language
chosen from a list, a checklist of what has no French yet, and the pages in the organiser's language."""

from __future__ import annotations

import html
import re

from sqlalchemy import select, update

from events.models import AuditEntry, EventSession, LearningEvent, Presentation, SpeakerLink, User
from tests.conftest import csrf_token, sign_in
from tests.pages import main_text


def _post(client, path, **data):
    return client.post(
        path, data={**data, "_csrf_token": csrf_token(client, "/manage")}, follow_redirects=True
    )


def _event_id(response) -> int:
    return int(re.search(r"/manage/events/(\d+)$", str(response.url)).group(1))


def _row(db, model, **where):
    async def find(session, _storage):
        return await session.scalar(select(model).filter_by(**where))

    return db.run(find)


def _checklist(client, event_id) -> str:
    page = client.get(f"/manage/events/{event_id}").text
    return html.unescape(page.split('id="checklist-heading"')[1].split("</section>")[0])


def test_an_event_keeps_its_french_title_and_description_beside_the_english(accounts, client, db):
    sign_in(client, accounts.organiser)
    form = client.get("/manage/events/new").text
    assert '<label for="title">Title (English)' in form and '<label for="title_fr">Title (French)' in form
    assert re.search(r'<input id="title_fr" name="title_fr" type="text" value="" lang="fr"', form)
    response = _post(client, "/manage/events/new", title="Service Forum", title_fr="Forum des services",
                     description="Two days.", description_fr="Deux jours.", start_date="2031-04-01")  # fmt: skip
    event = _row(db, LearningEvent, title="Service Forum")
    assert (event.title_fr, event.description_fr) == ("Forum des services", "Deux jours.")
    entry = _row(db, AuditEntry, action="create", entity_type="learning_event", entity_id=event.id)
    assert entry.changes["title_fr"] == {"before": None, "after": "Forum des services"}
    edit = client.get(f"/manage/events/{_event_id(response)}/edit").text
    assert 'value="Forum des services" lang="fr"' in edit and ">Deux jours.</textarea>" in edit
    _post(client, f"/manage/events/{event.id}/edit", title="Service Forum", title_fr="Forum sur les services",
          start_date="2031-04-01")  # fmt: skip
    assert _row(db, LearningEvent, id=event.id).title_fr == "Forum sur les services"


def test_an_event_needs_a_title_in_one_language_at_least(accounts, client, db):
    sign_in(client, accounts.organiser)
    token = csrf_token(client, "/manage")
    response = client.post("/manage/events/new", data={"start_date": "2031-04-01", "_csrf_token": token})
    assert response.status_code == 400 and "Please give the event a title." in response.text
    response = _post(
        client, "/manage/events/new", title_fr="Journée d’apprentissage", start_date="2031-05-01"
    )
    assert response.status_code == 200
    event = _row(db, LearningEvent, title_fr="Journée d’apprentissage")
    assert event.title == ""  # French only: the English column stays empty
    # Its title in the list: the French one, marked as French on an English page.
    assert '<span lang="fr">Journée d’apprentissage</span>' in client.get("/manage").text


def test_sessions_presentations_and_job_titles_take_french(accounts, client, db):
    sign_in(client, accounts.organiser)
    event_id = _event_id(_post(client, "/manage/events/new", title="Forum", start_date="2031-04-01"))
    _post(client, f"/manage/events/{event_id}/sessions", title_fr="Séance du matin")
    session = _row(db, EventSession, event_id=event_id)
    assert (session.title, session.title_fr) == ("", "Séance du matin")
    page = _post(client, f"/manage/events/{event_id}/presentations", title="Opening", title_fr="Ouverture",
                 session_id=str(session.id))  # fmt: skip
    presentation = _row(db, Presentation, event_id=event_id)
    assert presentation.title_fr == "Ouverture"
    assert 'id="title_fr" name="title_fr" lang="fr" value="Ouverture"' in page.text
    _post(client, f"/manage/events/{event_id}/presentations/{presentation.id}/edit", title="Opening",
          title_fr="Mot d’ouverture", abstract_fr="Bienvenue.")  # fmt: skip
    edited = _row(db, Presentation, id=presentation.id)
    assert (edited.title_fr, edited.abstract_fr) == ("Mot d’ouverture", "Bienvenue.")
    _post(client, f"/manage/events/{event_id}/presentations/{presentation.id}/speakers",
          given_name="Ada", family_name="Lovelace", job_title="Director", job_title_fr="Directrice")  # fmt: skip
    link = _row(db, SpeakerLink, presentation_id=presentation.id)
    assert (link.job_title, link.job_title_fr) == ("Director", "Directrice")
    _post(client, f"/manage/events/{event_id}/presentations/{presentation.id}/speakers/{link.id}/edit",
          job_title="Director", job_title_fr="Directrice générale")  # fmt: skip
    assert _row(db, SpeakerLink, id=link.id).job_title_fr == "Directrice générale"
    # Without any title a presentation keeps the ones it has.
    _post(client, f"/manage/events/{event_id}/presentations/{presentation.id}/edit", title="")
    assert _row(db, Presentation, id=presentation.id).title_fr == "Mot d’ouverture"


def test_the_language_is_chosen_from_a_list_and_a_typed_one_is_refused(accounts, client, db):
    sign_in(client, accounts.organiser)
    form = client.get(f"/manage/events/{accounts.event_id}/edit").text
    assert '<select id="language" name="language"' in form
    assert (
        '<option value="en" selected>English</option>' in form
        and '<option value="iu">Inuktitut</option>' in form
    )
    token = csrf_token(client, "/manage")
    response = client.post(f"/manage/events/{accounts.event_id}/edit",
                           data={"title": "X", "start_date": "2003-09-22", "language": "French", "_csrf_token": token})  # fmt: skip
    assert response.status_code == 400 and "The field “language”" in response.text
    assert _row(db, LearningEvent, id=accounts.event_id).language == "en"
    _post(
        client,
        f"/manage/events/{accounts.event_id}/edit",
        title="Fredericton",
        start_date="2003-09-22",
        language="fr",
    )
    assert _row(db, LearningEvent, id=accounts.event_id).language == "fr"


def test_the_checklist_lists_what_has_no_french_and_links_to_it(accounts, client, db):
    sign_in(client, accounts.organiser)
    event_id = _event_id(_post(client, "/manage/events/new", title="Forum", description="Two days.", start_date="2031-04-01"))  # fmt: skip
    _post(client, f"/manage/events/{event_id}/sessions", title="Morning")
    _post(client, f"/manage/events/{event_id}/presentations", title="Opening")
    presentation = _row(db, Presentation, event_id=event_id)
    _post(client, f"/manage/events/{event_id}/presentations/{presentation.id}/speakers",
          given_name="Ada", family_name="Lovelace", job_title="Director")  # fmt: skip
    link = _row(db, SpeakerLink, presentation_id=presentation.id)
    checklist = _checklist(client, event_id)
    assert "5 texts have no French yet:" in checklist
    assert f'href="/manage/events/{event_id}/edit#title_fr">The event\'s title' in checklist
    assert "The event's description" in checklist
    assert "The title of the session “Morning”" in checklist
    assert f'/presentations/{presentation.id}#title_fr">The title of the presentation “Opening”' in checklist
    assert f'#job-fr-{link.id}">The job title of Ada Lovelace (“Director”) in “Opening”' in checklist
    _post(client, f"/manage/events/{event_id}/edit", title="Forum", title_fr="Forum", description="Two days.",
          description_fr="Deux jours.", start_date="2031-04-01")  # fmt: skip
    _post(client, f"/manage/events/{event_id}/presentations/{presentation.id}/speakers/{link.id}/edit",
          job_title="Director", job_title_fr="Directrice")  # fmt: skip
    checklist = _checklist(client, event_id)
    assert "2 texts have no French yet:" in checklist and "The event's title" not in checklist
    assert "The job title of" not in checklist


def test_the_management_pages_speak_french_to_an_organiser_who_prefers_it(accounts, client, db):
    async def prefer_french(session, _storage):
        await session.execute(update(User).where(User.email == accounts.organiser).values(language="fr"))

    db.run(prefer_french)
    sign_in(client, accounts.organiser)
    _post(client, f"/manage/events/{accounts.event_id}/presentations", title="Closing Panel")
    presentation = _row(db, Presentation, event_id=accounts.event_id, title="Closing Panel")
    pages = {
        "/manage": (["Activités", "Nouvelle activité", "État"], ["New event", "Status"]),
        f"/manage/events/{accounts.event_id}": (
            ["Liste de vérification", "Séances et présentations", "Ajouter une séance", "Téléverser",
             "Pas encore de diapositives", "pas encore de version française"],
            ["Checklist", "Sessions and presentations", "Add a session", "Upload", "No slides yet", "Publishing"],
        ),
        f"/manage/events/{accounts.event_id}/edit": (
            ["Titre (anglais)", "Titre (français)", "Premier jour", "Enregistrer"],
            ["Title (English)", "First day", "Save", "Cancel"],
        ),
        f"/manage/events/{accounts.event_id}/presentations/{presentation.id}": (
            ["Détails", "Conférenciers", "Diapositives et autres fichiers", "Liens de téléversement"],
            ["Details", "Speakers", "Slides and other files", "Upload links for speakers", "Add a speaker"],
        ),
    }  # fmt: skip
    for path, (french, english) in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        text = main_text(response.text)
        assert all(word in text for word in french), (path, [w for w in french if w not in text])
        assert not [word for word in english if re.search(rf"\b{re.escape(word)}\b", text)], (
            path,
            text[:500],
        )
