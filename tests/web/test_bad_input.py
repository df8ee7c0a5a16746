"""Text and numbers that can never be right get a clear 400 or 404, never a 500, and store nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from events.models import (
    AuditEntry,
    EventGrant,
    EventSession,
    LearningEvent,
    Material,
    Person,
    Presentation,
    User,
)
from tests.conftest import csrf_token, sign_in

TOO_BIG = str(2**63)


def _count(db, model):
    async def count(session, _storage):
        return await session.scalar(select(func.count()).select_from(model))

    return db.run(count)


def _ids(db, event_id):
    async def find(session, _storage):
        presentation = await session.scalar(
            select(Presentation.id).where(Presentation.event_id == event_id).order_by(Presentation.id)
        )
        return presentation

    return db.run(find)


@pytest.mark.parametrize(
    "path",
    [
        "/events/%00",
        "/events/%00/print",
        "/speakers/%00",
        "/organisations/%00",
        "/topics/%00",
        "/events/" + "x" * 5000,
        f"/materials/{TOO_BIG}/x.pdf",
        f"/materials/{2**70}/x.pdf",
        "/materials/0/x.pdf",
        "/materials/1/%00",
        "/upload/%00",
    ],
)
def test_anonymous_addresses_that_cannot_match_answer_404(demo, client, path):
    response = client.get(path)
    assert response.status_code == 404, response.text
    assert "Page not found" in response.text


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=caf%C3%A9%E2%80%AE", "letter=%00", f"page={TOO_BIG}", "q=" + "a" * 3000],
)
def test_bad_query_parameters_answer_400(demo, client, query):
    response = client.get(f"/speakers?{query}")
    assert response.status_code == 400, response.text
    assert "query parameter" in response.text


def test_a_nul_in_the_sign_in_address_is_refused_and_a_huge_one_is_just_wrong(accounts, client):
    token = csrf_token(client)
    response = client.post(
        "/manage/login", data={"email": "admin@example.org\x00", "password": "x", "_csrf_token": token}
    )
    assert response.status_code == 400
    assert "field “email” holds a character that is not allowed" in response.text
    response = client.post(
        "/manage/login", data={"email": "a" * 100_000 + "@example.org", "password": "x", "_csrf_token": token}
    )
    assert response.status_code == 401
    assert "The e-mail address or the password is not right." in response.text


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("T" * 1_000_000, "The title is too long: at most 300 characters, not 1,000,000."),
        ("T" * 301, "The title is too long: at most 300 characters, not 301."),
        ("Forum\x00", "holds a character that is not allowed: U+0000 (a control character)."),
        ("Forum\x1b[31m", "holds a character that is not allowed: U+001B (a control character)."),
        ("Forum \u202egpj.exe", "holds a character that is not allowed: U+202E (right-to-left override)."),
    ],
)
def test_an_event_title_that_cannot_be_stored_is_refused_naming_the_field(
    accounts, client, db, value, reason
):
    sign_in(client, accounts.organiser)
    before = (_count(db, LearningEvent), _count(db, AuditEntry))
    response = client.post(
        "/manage/events/new",
        data={"title": value, "start_date": "2031-01-01", "_csrf_token": csrf_token(client, "/manage")},
    )
    assert response.status_code == 400, response.text[:500]
    assert reason in response.text
    assert "title" in response.text
    assert (_count(db, LearningEvent), _count(db, AuditEntry)) == before


def test_a_long_description_is_refused_and_a_long_one_within_the_limit_is_kept(accounts, client, db):
    sign_in(client, accounts.organiser)
    token = csrf_token(client, "/manage")
    form = {"title": "Forum", "start_date": "2031-01-01", "_csrf_token": token}
    response = client.post("/manage/events/new", data={**form, "description": "d" * 20_001})
    assert response.status_code == 400
    assert "The description is too long: at most 20,000 characters" in response.text
    response = client.post("/manage/events/new", data={**form, "description": "line\n" * 3_000})
    assert response.status_code == 200  # followed to the event's page
    assert _count(db, LearningEvent) == 3  # the demo, the other event, and this one


def test_a_presentation_title_at_its_limit_is_kept_with_a_shortened_audit_summary(accounts, client, db):
    sign_in(client, accounts.organiser)
    title = "A" * 500
    response = client.post(
        f"/manage/events/{accounts.event_id}/presentations",
        data={"title": title, "_csrf_token": csrf_token(client, "/manage")},
    )
    assert response.status_code == 200

    async def kept(session, _storage):
        stored = await session.scalar(select(Presentation.title).where(Presentation.title == title))
        summary = await session.scalar(
            select(AuditEntry.summary)
            .where(AuditEntry.entity_type == "presentation")
            .order_by(AuditEntry.id.desc())
        )
        return stored, summary

    stored, summary = db.run(kept)
    assert stored == title
    assert len(summary) == 500 and summary.endswith("…")


@pytest.mark.parametrize("bad", ["abc", "²", TOO_BIG, "-1", "1.5"])
def test_ids_in_forms_that_cannot_be_ids_answer_400(accounts, client, db, bad):
    sign_in(client, accounts.organiser)
    token = csrf_token(client, "/manage")
    event = accounts.event_id
    presentation = _ids(db, event)
    before = [_count(db, model) for model in (Presentation, EventSession, Material, Person, AuditEntry)]
    posts = [
        (f"/manage/events/{event}/presentations", {"title": "Extra", "session_id": bad}),
        (f"/manage/events/{event}/presentations/{presentation}/edit", {"title": "T", "session_id": bad}),
        (f"/manage/events/{event}/materials/link", {"url": "https://example.org", "presentation_id": bad}),
        (f"/manage/events/{event}/presentations/{presentation}/speakers", {"person_id": bad}),
        (f"/manage/events/{event}/presentations/{presentation}/invitations",
         {"expires_on": "2099-01-01", "person_id": bad}),
    ]  # fmt: skip
    for path, form in posts:
        response = client.post(path, data={**form, "_csrf_token": token}, follow_redirects=False)
        assert response.status_code == 400, (path, response.status_code, response.text[:300])
        assert "is not a valid id" in response.text, path
    after = [_count(db, model) for model in (Presentation, EventSession, Material, Person, AuditEntry)]
    assert after == before


def test_staff_filters_with_impossible_numbers_answer_400_or_are_ignored(accounts, client):
    sign_in(client, accounts.admin)
    for path, status in (
        (f"/manage/audit?record={TOO_BIG}&entity=person", 400),
        ("/manage/audit?record=²&entity=person", 400),
        (f"/manage/audit?page={TOO_BIG}", 400),
        ("/manage/audit?page=1000000000000000000", 400),  # an id, but no page of the log
        (f"/manage/people?organisation={TOO_BIG}", 400),
        ("/manage/people?organisation=²", 200),  # not an organisation: the filter is left out
        ("/manage/people?page=²", 200),
        ("/manage/people?page=1000000000000000000", 200),  # past the last page: an empty page
        ("/manage/duplicates?page=²", 200),
    ):
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code, response.text[:300])


def test_grants_with_impossible_event_ids_or_roles_are_refused(accounts, client, db):
    sign_in(client, accounts.admin)
    token = csrf_token(client, "/manage")

    async def organiser(session, _storage):
        user = await session.scalar(select(User).where(User.email == accounts.organiser))
        grants = set(await session.scalars(select(EventGrant.event_id).where(EventGrant.user_id == user.id)))
        return user.id, user.role, grants

    user_id, role, grants = db.run(organiser)
    for field, value in (("event_x", "²"), ("event_y", TOO_BIG), ("event_z", "-1"), ("role", "emperor")):
        response = client.post(
            f"/manage/users/{user_id}",
            data={"role": "staff", "is_active": "1", f"event_{accounts.other_event_id}": str(accounts.other_event_id),
                  field: value, "_csrf_token": token},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 400, (field, response.status_code)
        assert f"“{field}”" in response.text, field
    assert db.run(organiser) == (user_id, role, grants)  # nothing changed
    response = client.post(
        "/manage/users",
        data={"email": "new@example.org", "password": "long enough password", "role": "emperor", "_csrf_token": token},
    )  # fmt: skip
    assert response.status_code == 400 and "“role”" in response.text


def test_a_text_too_long_is_refused_in_the_readers_language(accounts, client, db):
    sign_in(client, accounts.organiser)
    response = client.post(
        "/manage/events/new",
        data={
            "title": "T" * 1_000_000,
            "start_date": "2031-01-01",
            "_csrf_token": csrf_token(client, "/manage"),
        },
        headers={"Accept-Language": "fr-CA,fr;q=0.9"},
    )
    assert response.status_code == 400
    assert (
        "Le champ «\u00a0title\u00a0» est trop long\u00a0: au plus 300 caractères, et non 1\u00a0000\u00a0000."
        in (response.text)
    )
    assert "Rien n’a été enregistré." in response.text
