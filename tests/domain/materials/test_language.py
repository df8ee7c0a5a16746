"""A material says its language, chosen from the list: by default the presentation's, else English or
French explicitly (the French version of a deck), set when it is uploaded or later."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from events.domain.materials.forms import MaterialSettingsForm, UploadFields
from events.models import Material, Presentation
from events.web.forms import FormError, parse
from tests.conftest import csrf_token, sign_in

PDF = ("deck-fr.pdf", (Path(__file__).resolve().parents[2] / "fixtures" / "single-window.pdf").read_bytes())


def _first_presentation(db, event_id):
    async def find(session, _storage):
        return await session.scalar(
            select(Presentation.id).where(Presentation.event_id == event_id).order_by(Presentation.id)
        )

    return db.run(find)


def _material(db, **where):
    async def find(session, _storage):
        return await session.scalar(select(Material).filter_by(**where).order_by(Material.id.desc()))

    return db.run(find)


def test_the_schemas_take_a_listed_language_or_none():
    assert parse({"language": ""}, UploadFields).language is None
    assert parse({"language": "fr"}, UploadFields).language == "fr"
    assert parse({"language": "iu"}, MaterialSettingsForm).language == "iu"
    for typed in ("French", "FR", "fr-CA", "x" * 40):
        try:
            parse({"language": typed}, MaterialSettingsForm)
        except FormError as error:
            assert error.field == "language"
        else:
            raise AssertionError(f"{typed!r} was accepted")


def test_an_organiser_uploads_the_french_deck_and_changes_a_language_later(accounts, client, db):
    sign_in(client, accounts.organiser)
    presentation_id = _first_presentation(db, accounts.event_id)
    page = client.get(f"/manage/events/{accounts.event_id}/presentations/{presentation_id}").text
    assert '<option value="" selected>Same as the presentation</option>' in page
    assert '<option value="fr">French</option>' in page
    response = client.post(
        f"/manage/events/{accounts.event_id}/presentations/{presentation_id}/materials",
        files={"files": PDF},
        data={"kind": "slides", "language": "fr", "_csrf_token": csrf_token(client, "/manage")},
        follow_redirects=True,
    )
    assert response.status_code == 200
    material = _material(db, presentation_id=presentation_id)
    assert material.language == "fr"
    assert "· French" in response.text  # the organisers' list says so
    settings = f"/manage/events/{accounts.event_id}/materials/{material.id}/settings"
    token = csrf_token(client, "/manage")
    refused = client.post(settings, data={"kind": "slides", "language": "French", "_csrf_token": token})
    assert refused.status_code == 400 and "“language”" in refused.text
    assert _material(db, id=material.id).language == "fr"
    client.post(settings, data={"kind": "slides", "language": "en", "_csrf_token": token})
    assert _material(db, id=material.id).language == "en"
    page = client.get(f"/manage/events/{accounts.event_id}/materials/{material.id}").text
    assert '<option value="en" selected>English</option>' in page
    client.post(settings, data={"kind": "slides", "language": "", "_csrf_token": token})
    assert _material(db, id=material.id).language is None  # the presentation's again
