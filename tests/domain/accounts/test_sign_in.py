"""Signing in and out: argon2 passwords, database sessions shared by workers, throttled guessing, CSRF."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher
from litestar.testing import TestClient
from sqlalchemy import func, select

from events.app import create_app
from events.domain.accounts.service import FREE_FAILURES_PER_ADDRESS
from events.models import AuditEntry, EventSession, User
from tests.conftest import PASSWORD, csrf_token, sign_in


def _attempt(client, email, password):
    return client.post(
        "/manage/login",
        data={"email": email, "password": password, "_csrf_token": csrf_token(client), "next": "/manage"},
        follow_redirects=False,
    )


def test_management_sends_anonymous_visitors_to_sign_in_and_back(accounts, client):
    response = client.get(f"/manage/events/{accounts.event_id}", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"/manage/login?next=/manage/events/{accounts.event_id}"
    response = client.post(
        "/manage/login",
        data={"email": accounts.organiser, "password": PASSWORD, "_csrf_token": csrf_token(client),
              "next": f"/manage/events/{accounts.event_id}"},
        follow_redirects=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert "Fredericton" in response.text and "Signed in as organiser@example.org" in response.text


def test_passwords_are_stored_as_argon2_hashes(accounts, db):
    async def hashes(session, _storage):
        return list(await session.scalars(select(User.password_hash)))

    for stored in db.run(hashes):
        assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(accounts, client):
    for email in (accounts.organiser, "nobody@example.org"):
        response = _attempt(client, email, "wrong password here")
        assert response.status_code == 401
        assert "The e-mail address or the password is not right." in response.text
    assert client.get("/manage", follow_redirects=False).status_code == 302


def test_the_session_cookie_is_httponly_and_lax(accounts, client):
    response = _attempt(client, accounts.admin, PASSWORD)
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("events_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_when_served_over_https(accounts, settings):
    with TestClient(
        create_app(settings.with_changes(public_url="https://events.example.org")),
        base_url="https://testserver.local",
    ) as client:
        response = _attempt(client, accounts.admin, PASSWORD)
        cookie = next(
            v
            for k, v in response.headers.multi_items()
            if k == "set-cookie" and v.startswith("__Host-events_session=")
        )
        assert "Secure" in cookie


def test_a_sign_in_holds_across_worker_processes(accounts, settings):
    """Two app instances stand for two workers: they share nothing but the database."""
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        sign_in(first, accounts.staff)
        second.cookies = first.cookies
        assert second.get("/manage", follow_redirects=False).status_code == 200


def test_signing_out_ends_the_session(accounts, client):
    sign_in(client, accounts.staff)
    old_cookies = dict(client.cookies)
    response = client.post(
        "/manage/logout", data={"_csrf_token": csrf_token(client, "/manage")}, follow_redirects=False
    )
    assert response.status_code == 302
    assert client.get("/manage", follow_redirects=False).status_code == 302
    client.cookies = old_cookies  # the old session id is worth nothing now
    assert client.get("/manage", follow_redirects=False).status_code == 302


def test_repeated_failures_slow_down_guessing_per_account(accounts, client):
    for _ in range(4):
        assert _attempt(client, accounts.organiser, "guess").status_code == 401
    fifth = _attempt(client, accounts.organiser, "guess")
    assert fifth.status_code == 429 and "next try is possible in 30 seconds" in fifth.text
    blocked = _attempt(client, accounts.organiser, PASSWORD)  # even the right password must wait
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.text
    assert int(blocked.headers["retry-after"]) > 0


def test_repeated_failures_from_one_address_slow_down_every_account(accounts, client):
    for number in range(FREE_FAILURES_PER_ADDRESS):
        _attempt(client, f"guess{number}@example.org", "guess")
    response = _attempt(client, accounts.admin, PASSWORD)
    assert response.status_code == 429
    assert "your address" in response.text


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(accounts, client, db):
    sign_in(client, accounts.staff)

    async def count(session, _storage):
        return await session.scalar(select(func.count()).select_from(EventSession))

    before = db.run(count)
    response = client.post(f"/manage/events/{accounts.event_id}/sessions", data={"title": "Sneaky"})
    assert response.status_code == 403
    assert "Nothing was changed" in response.text
    forged = client.post(
        f"/manage/events/{accounts.event_id}/sessions", data={"title": "Sneaky", "_csrf_token": "x" * 80}
    )
    assert forged.status_code == 403
    assert db.run(count) == before


def test_signing_in_is_audited(accounts, client, db):
    sign_in(client, accounts.staff)

    async def actions(session, _storage):
        return list(await session.scalars(select(AuditEntry.action).where(AuditEntry.action == "sign in")))

    assert db.run(actions) == ["sign in"]


OFF_SITE = (
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    " //evil.example",
    "%2F%2Fevil.example",
    "javascript:alert(1)",
    "evil.example",
)


def test_after_signing_in_nobody_is_sent_to_another_site(accounts, client):
    for target in OFF_SITE:
        response = client.post(
            "/manage/login",
            data={"email": accounts.organiser, "password": PASSWORD, "_csrf_token": csrf_token(client),
                  "next": target},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code in (302, 303), target
        assert response.headers["location"] == "/manage", target
        client.post("/manage/logout", data={"_csrf_token": csrf_token(client)})


@pytest.mark.parametrize("work", ["verify", "hash"])
def test_a_slow_password_check_or_hash_holds_up_no_other_request(
    accounts, client, settings, monkeypatch, work
):
    """argon2 runs in a worker thread: while it works, the event loop serves other requests. Here it works
    until another request has been answered; were it run on the loop, that request could not be."""
    started, other_answered, answered_meanwhile = threading.Event(), threading.Event(), []
    original = getattr(PasswordHasher, work)

    def slow(self, *args, **kwargs):
        started.set()
        answered_meanwhile.append(other_answered.wait(timeout=60))  # a bound, never reached when right
        return original(self, *args, **kwargs)

    if work == "hash":
        sign_in(client, accounts.admin)
        token = csrf_token(client, "/manage")
        slow_request = lambda: client.post(  # noqa: E731
            "/manage/users",
            data={"email": "new@example.org", "password": "long enough password", "role": "staff",
                  "_csrf_token": token},
            follow_redirects=False,
        )  # fmt: skip
        expected = 302
    else:
        token = csrf_token(client)
        slow_request = lambda: _attempt(client, accounts.organiser, "wrong password")  # noqa: E731
        expected = 401
    monkeypatch.setattr(PasswordHasher, work, slow)
    with ThreadPoolExecutor(1) as pool:
        slow_answer = pool.submit(slow_request)
        assert started.wait(timeout=60)
        # The same client: the same application on the same event loop, while argon2 works.
        assert client.get("/events", follow_redirects=False).status_code == 200
        other_answered.set()
        assert slow_answer.result().status_code == expected
    assert answered_meanwhile == [True]
