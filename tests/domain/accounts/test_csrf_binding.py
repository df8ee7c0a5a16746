"""CSRF tokens belong to the signed-in session: a cookie and token pair made elsewhere (valid for the
site's key, planted in the victim's browser) is refused; over https the cookies carry ``__Host-``."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from events.app import create_app
from events.models import EventSession, MaterialVersion
from tests.conftest import PASSWORD, csrf_token, sign_in

HOST = "testserver.local"
PDF = (Path(__file__).resolve().parents[2] / "fixtures" / "single-window.pdf").read_bytes()


def _counts(db) -> tuple[int, int]:
    async def count(session, _storage):
        return (
            await session.scalar(select(func.count()).select_from(EventSession)),
            await session.scalar(select(func.count()).select_from(MaterialVersion)),
        )

    return db.run(count)


def _planted_pair(settings) -> str:
    """A CSRF token as the site gives any visitor (the cookie carries the same value)."""
    with TestClient(create_app(settings)) as attacker:
        return csrf_token(attacker)


def _new_session(client, accounts, token):
    return client.post(
        f"/manage/events/{accounts.event_id}/sessions",
        data={"title": "Planted", "_csrf_token": token},
        follow_redirects=False,
    )


def _upload(client, accounts, token, *, in_header: bool):
    return client.post(
        f"/manage/events/{accounts.event_id}/materials",
        files={"files": ("deck.pdf", PDF, "application/pdf")},
        data={"kind": "slides", **({} if in_header else {"_csrf_token": token})},
        headers={"Accept": "application/json", **({"x-csrftoken": token} if in_header else {})},
    )


def _plant(client, token: str) -> None:
    client.cookies.set("events_csrf", token, domain=HOST)  # the attacker's cookie replaces the victim's


def test_a_planted_csrf_pair_is_refused_for_a_signed_in_session(accounts, client, settings, db):
    sign_in(client, accounts.organiser)
    own = csrf_token(client, "/manage")
    planted = _planted_pair(settings)
    assert planted != own
    before = _counts(db)
    _plant(client, planted)
    response = _new_session(client, accounts, planted)
    assert response.status_code == 403
    assert "Nothing was changed" in response.text
    for in_header in (False, True):
        _plant(client, planted)
        refused = _upload(client, accounts, planted, in_header=in_header)
        assert refused.status_code == 403, refused.text
        assert "Nothing was changed" in refused.json()["error"]
    assert _counts(db) == before

    _plant(client, own)  # the victim's own forms still work
    assert _new_session(client, accounts, own).status_code == 302
    assert _upload(client, accounts, own, in_header=False).status_code == 200
    assert _counts(db) == (before[0] + 1, before[1] + 1)


def test_the_next_page_gives_back_the_sessions_csrf_cookie(accounts, client, settings, db):
    """A planted or lost CSRF cookie does not lock the signed-in user out: the next page mends it."""
    sign_in(client, accounts.organiser)
    own = csrf_token(client, "/manage")
    _plant(client, _planted_pair(settings))
    assert csrf_token(client, "/manage") != own  # this page was made with the planted cookie ...
    assert csrf_token(client, "/manage") == own  # ... and gave the browser the session's back
    client.cookies.delete("events_csrf")
    csrf_token(client, "/manage")
    assert _new_session(client, accounts, csrf_token(client, "/manage")).status_code == 302


def test_the_forms_carry_the_sessions_token_after_sign_in(accounts, client):
    before = csrf_token(client)
    sign_in(client, accounts.staff)
    after = csrf_token(client, "/manage")
    assert after != before  # a token seen before signing in is worth nothing after
    assert _new_session(client, accounts, before).status_code == 403
    assert _new_session(client, accounts, after).status_code == 302


@pytest.fixture
def https_client(settings):
    secure = settings.with_changes(public_url="https://events.example.org")
    with TestClient(create_app(secure), base_url=f"https://{HOST}") as client:
        yield client


def _set_cookies(response) -> dict[str, str]:
    headers = [value for key, value in response.headers.multi_items() if key == "set-cookie"]
    return {header.split("=", 1)[0]: header for header in headers}


def test_over_https_the_cookies_carry_the_host_prefix(accounts, https_client, db):
    page = https_client.get("/manage/login")
    csrf = _set_cookies(page)["__Host-events_csrf"]
    token = csrf_token(https_client)
    response = https_client.post(
        "/manage/login",
        data={"email": accounts.organiser, "password": PASSWORD, "_csrf_token": token, "next": "/manage"},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.text
    cookies = _set_cookies(response)
    assert set(cookies) >= {"__Host-events_session", "__Host-events_csrf"}
    assert "events_session" not in cookies and "events_csrf" not in cookies
    for header in (csrf, *cookies.values()):
        assert "Secure" in header and "Path=/" in header and "Domain" not in header
    assert "HttpOnly" in cookies["__Host-events_session"]

    before = _counts(db)
    assert _new_session(https_client, accounts, csrf_token(https_client, "/manage")).status_code == 302
    assert _counts(db)[0] == before[0] + 1
