"""The events area's forms are read by schemas: a tampered id field answers 400 naming the field, and
changes nothing; a field a person can get wrong is said on the form."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from events.domain.events.forms import EventForm, MoveForm, PresentationForm, SpeakerForm
from events.models import AuditEntry, EventSession, Person, Presentation, SpeakerLink, UploadInvitation
from events.web.forms import FormError, parse
from tests.conftest import csrf_token, sign_in

TAMPERED = ["abc", str(2**63), "0", "-1", "1.5", "²"]  # each one read by the schemas below
TAMPERED_IN_PAGES = ["abc", str(2**63)]  # and the two kinds sent to every form
MODELS = (Presentation, EventSession, Person, SpeakerLink, UploadInvitation, AuditEntry)


def _counts(db):
    async def count(session, _storage):
        return [await session.scalar(select(func.count()).select_from(model)) for model in MODELS]

    return db.run(count)


def _presentation(db, event_id):
    async def find(session, _storage):
        return await session.scalar(
            select(Presentation.id).where(Presentation.event_id == event_id).order_by(Presentation.id)
        )

    return db.run(find)


# (route, the form without its id, the id field)
FORMS = [
    ("/manage/events/{e}/presentations", {"title": "Extra"}, "session_id"),
    ("/manage/events/{e}/presentations/{p}/edit", {"title": "Renamed"}, "session_id"),
    ("/manage/events/{e}/presentations/{p}/speakers", {}, "person_id"),
    ("/manage/events/{e}/presentations/{p}/invitations", {"expires_on": "2099-01-01"}, "person_id"),
]


@pytest.mark.parametrize("bad", TAMPERED_IN_PAGES)
@pytest.mark.parametrize(("route", "form", "field"), FORMS, ids=[f"{r}:{f}" for r, _, f in FORMS])
def test_a_tampered_id_field_answers_400_naming_it_and_changes_nothing(
    accounts, client, db, route, form, field, bad
):
    sign_in(client, accounts.organiser)
    path = route.format(e=accounts.event_id, p=_presentation(db, accounts.event_id))
    before = _counts(db)
    response = client.post(
        path, data={**form, field: bad, "_csrf_token": csrf_token(client, "/manage")}, follow_redirects=False
    )
    assert response.status_code == 400, (path, response.status_code, response.text[:300])
    assert f"The field “{field}” is not a valid id" in response.text
    assert _counts(db) == before


def test_an_id_field_sent_twice_answers_400(accounts, client, db):
    sign_in(client, accounts.organiser)
    path = f"/manage/events/{accounts.event_id}/presentations"
    before = _counts(db)
    response = client.post(
        path,
        content=f"title=Extra&session_id=1&session_id=2&_csrf_token={csrf_token(client, '/manage')}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "session_id" in response.text
    assert _counts(db) == before


def test_the_schemas_trim_blanks_and_read_empty_fields_as_absent():
    form = parse({"title": "  Panel ", "abstract": "   ", "session_id": " 12 "}, PresentationForm)
    assert (form.title, form.abstract, form.session_id) == ("Panel", None, 12)
    assert parse({"session_id": ""}, PresentationForm).session_id is None
    assert parse({"direction": "up"}, MoveForm).step == -1
    assert parse({"direction": "sideways"}, MoveForm).step == 1
    assert parse({}, SpeakerForm).person_id is None


@pytest.mark.parametrize("bad", TAMPERED)
def test_a_schema_names_the_id_field_at_fault(bad):
    with pytest.raises(FormError) as raised:
        parse({"person_id": bad}, SpeakerForm)
    assert raised.value.field == "person_id"
    assert raised.value.status_code == 400


def test_the_event_form_says_what_is_wrong_with_each_field():
    fields, errors = parse({"title": "", "start_date": "22/09/2003"}, EventForm).fields()
    assert errors == {
        "title": "Please give the event a title.",
        "start_date": "Please give a date as YYYY-MM-DD.",
    }
    fields, errors = parse(
        {"title": "Forum", "start_date": "2003-09-22", "end_date": "2003-09-21"}, EventForm
    ).fields()
    assert errors == {"end_date": "The end date is before the start date."}
    fields, errors = parse({"title": "Forum", "start_date": "2003-09-22"}, EventForm).fields()
    assert errors == {} and fields["language"] == "en" and fields["end_date"] is None
