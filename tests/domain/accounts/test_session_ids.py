"""Session ids come from the server alone: none chosen or kept by a client survives a sign-in, and an
administrator's change of someone's role or access ends that person's sessions."""

from __future__ import annotations

import secrets

from litestar.testing import TestClient
from sqlalchemy import select

from events.app import create_app
from events.models import User, UserSession
from tests.conftest import csrf_token, sign_in

HOST = "testserver.local"  # the TestClient's host: a cookie planted for it is the one the server sees


def _stored_ids(db) -> set[str]:
    async def ids(session, _storage):
        return set(await session.scalars(select(UserSession.session_id)))

    return db.run(ids)


def _signed_in(settings, session_id: str) -> bool:
    with TestClient(create_app(settings)) as browser:
        browser.cookies.set("events_session", session_id, domain=HOST)
        return browser.get("/manage", follow_redirects=False).status_code == 200


def test_a_session_id_planted_before_sign_in_is_not_signed_in(accounts, client, settings, db):
    planted = secrets.token_hex(32)
    client.cookies.set("events_session", planted, domain=HOST)
    sign_in(client, accounts.staff)
    issued = client.cookies.get("events_session")
    assert issued and issued != planted
    assert client.get("/manage", follow_redirects=False).status_code == 200  # the victim is signed in ...
    assert not _signed_in(settings, planted)  # ... and the attacker who planted the id is not
    assert planted not in _stored_ids(db)


def test_a_live_session_id_planted_before_sign_in_loses_its_row(accounts, client, settings, db):
    """The attacker plants a session of their own (and its CSRF cookie): the victim's sign-in drops it."""
    with TestClient(create_app(settings)) as attacker:
        sign_in(attacker, accounts.outsider)
        planted = attacker.cookies.get("events_session")
        for name in ("events_session", "events_csrf"):
            client.cookies.set(name, attacker.cookies.get(name), domain=HOST)
    assert planted in _stored_ids(db)
    sign_in(client, accounts.staff)
    assert client.cookies.get("events_session") != planted
    assert planted not in _stored_ids(db)
    assert not _signed_in(settings, planted)


def test_signing_in_again_gives_a_new_id_and_drops_the_old_row(accounts, client, db):
    sign_in(client, accounts.staff)
    first = client.cookies.get("events_session")
    sign_in(client, accounts.organiser)
    assert client.cookies.get("events_session") != first
    assert first not in _stored_ids(db)


def _edit_user(admin: TestClient, db, email: str, **form: str) -> None:
    async def user_id(session, _storage):
        return await session.scalar(select(User.id).where(User.email == email))

    response = admin.post(
        f"/manage/users/{db.run(user_id)}",
        data={**form, "_csrf_token": csrf_token(admin, "/manage")},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.text


def test_a_change_of_role_ends_the_users_sessions(accounts, client, settings, db):
    with TestClient(create_app(settings)) as staff:
        sign_in(staff, accounts.staff)
        old = staff.cookies.get("events_session")
        sign_in(client, accounts.admin)
        _edit_user(client, db, accounts.staff, role="organiser", is_active="1")
        assert staff.get("/manage", follow_redirects=False).status_code == 302  # sent to sign in again
        assert old not in _stored_ids(db)
        assert client.get("/manage", follow_redirects=False).status_code == 200  # the admin stays


def test_a_deactivated_session_stays_ended_when_the_account_is_reactivated(accounts, client, settings, db):
    with TestClient(create_app(settings)) as staff:
        sign_in(staff, accounts.staff)
        old = staff.cookies.get("events_session")
        sign_in(client, accounts.admin)
        _edit_user(client, db, accounts.staff, role="staff")  # is_active unticked: deactivated
        assert old not in _stored_ids(db)
        _edit_user(client, db, accounts.staff, role="staff", is_active="1")
        assert staff.get("/manage", follow_redirects=False).status_code == 302


def test_other_edits_keep_the_users_sessions(accounts, client, settings, db):
    with TestClient(create_app(settings)) as organiser:
        sign_in(organiser, accounts.organiser)
        sign_in(client, accounts.admin)
        _edit_user(client, db, accounts.organiser, role="organiser", is_active="1", display_name="Org")
        assert organiser.get("/manage", follow_redirects=False).status_code == 200
