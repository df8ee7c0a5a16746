"""Security headers: no framing of management pages, a content policy on pages, referrers kept home."""

from __future__ import annotations

import re
from pathlib import Path

from litestar.testing import TestClient

from events.app import create_app
from tests.conftest import sign_in

EVENT_URL = "/events/2003-fredericton-learning-event"


def test_management_pages_cannot_be_framed_and_send_no_referrer_elsewhere(accounts, client):
    sign_in(client, accounts.organiser)
    for path in ("/manage", "/manage/login", f"/manage/events/{accounts.event_id}", "/upload/not-a-token"):
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy, path
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers  # plain http here


def test_public_pages_have_a_content_policy_and_may_be_embedded(demo, client):
    for path in (EVENT_URL, "/", "/speakers", "/no-such-page"):
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors" not in policy, path
        assert "x-frame-options" not in response.headers
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_downloads_keep_their_own_sandbox_policy(demo, client):
    page = client.get(EVENT_URL).text
    for href in re.findall(r'href="(/materials/[^"]+)"', page):
        response = client.get(href)
        if response.headers["content-type"].startswith("application/pdf"):
            assert "content-security-policy" not in response.headers  # the browser's viewer shows it
        else:
            assert response.headers["content-security-policy"] == "sandbox; default-src 'none'"


def test_https_sites_ask_browsers_to_stay_on_https(demo, settings):
    app = create_app(settings.with_changes(public_url="https://events.example.org"))
    with TestClient(app, base_url="https://testserver.local") as client:
        assert client.get(EVENT_URL).headers["strict-transport-security"] == "max-age=31536000"
        assert client.get("/manage/login").headers["strict-transport-security"] == "max-age=31536000"


def test_no_template_relies_on_inline_scripts_that_the_policy_refuses():
    from events.resources import TEMPLATES_DIR

    for template in Path(TEMPLATES_DIR).rglob("*.html"):
        source = template.read_text()
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", source)
        handlers = re.findall(r"\son[a-z]+=", source)
        assert not inline and not handlers, f"{template.name}: {inline or handlers}"
