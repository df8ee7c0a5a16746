"""Both languages by address: /fr/... is the same page in French, each page leads to its counterpart,
and a visitor's choice sticks on the pages whose address has no language (sign-in, management)."""

from __future__ import annotations

import pytest

from events.demo import EVENT_SLUG
from tests.pages import elements, main_text, parse, text_of

PRINT_VIEW = f"/events/{EVENT_SLUG}/print"  # no navigation, no switch: it is for paper
PUBLIC_PAGES = [
    "/",
    "/events",
    f"/events/{EVENT_SLUG}",
    PRINT_VIEW,
    "/topics/integrated-service-delivery",
    "/speakers",
    "/speakers/mike-mckendy",
    "/organisations",
    "/organisations/service-new-brunswick",
    "/organisations/canada-customs-and-revenue-agency",
]


def french(path: str) -> str:
    return f"/fr{path}"


def page_language(html: str) -> str | None:
    return parse(html).get("lang")


def hreflang_alternates(html: str) -> dict[str, str]:
    return {
        link.get("hreflang"): link.get("href")
        for link in elements(parse(html), "link")
        if link.get("rel") == "alternate" and link.get("hreflang")
    }


def language_switch(html: str) -> tuple[str, str, str]:
    """(href, hreflang, text) of the link to the page in the other language."""
    # Downloads may carry an hreflang too (a deck in English only); the switch leads to a page.
    (switch,) = [
        a
        for a in elements(parse(html), "a")
        if a.get("hreflang") and a.get("href", "").startswith("/") and "/materials/" not in a.get("href")
    ]
    return switch.get("href"), switch.get("hreflang"), text_of(switch)


def test_french_addresses_serve_the_same_pages_in_french(demo, client):
    for path in PUBLIC_PAGES:
        english, in_french = client.get(path), client.get(french(path))
        assert (english.status_code, in_french.status_code) == (200, 200), path
        assert page_language(english.text) == "en", path
        assert page_language(in_french.text) == "fr", path
        if path != PRINT_VIEW:
            assert "Activités" in text_of(parse(in_french.text)), path  # the navigation speaks French
    assert client.get(f"/events/{EVENT_SLUG}").request.url.path == f"/events/{EVENT_SLUG}"


def test_every_public_page_links_to_its_counterpart_and_declares_both(demo, client, settings):
    base = settings.public_url
    for path in PUBLIC_PAGES:
        english, in_french = client.get(path).text, client.get(french(path)).text
        if path != PRINT_VIEW:
            assert language_switch(english) == (french(path), "fr", "Français"), path
            assert language_switch(in_french) == (path, "en", "English"), path
        expected = {"en": f"{base}{path}", "fr": f"{base}{french(path)}"}
        assert hreflang_alternates(english) == expected, path
        assert hreflang_alternates(in_french) == expected, path
        assert base.startswith("http")


def test_reading_in_french_makes_the_sign_in_page_french(demo, client):
    assert page_language(client.get("/manage/login").text) == "en"
    response = client.get(french("/events"))
    assert "lang=fr" in response.headers.get("set-cookie", "")
    sign_in = client.get("/manage/login")
    assert sign_in.status_code == 200
    assert page_language(sign_in.text) == "fr"
    assert "Activités" in text_of(parse(sign_in.text))
    # Reading an English page again brings the choice back to English.
    assert "lang=en" in client.get("/events").headers.get("set-cookie", "")
    assert page_language(client.get("/manage/login").text) == "en"


def test_the_switch_on_pages_without_a_language_remembers_it_and_stays_on_the_site(db, client):
    response = client.get("/language/fr", params={"next": "/manage/login"}, follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/manage/login"
    assert "lang=fr" in response.headers["set-cookie"]
    assert page_language(client.get("/manage/login").text) == "fr"
    for off_site in ("//evil.example", "/\\evil.example", "https://evil.example/", "/\\/evil.example"):
        response = client.get("/language/en", params={"next": off_site}, follow_redirects=False)
        assert response.status_code in (302, 303), off_site
        assert response.headers["location"] == "/", off_site
    assert client.get("/language/xx", follow_redirects=False).status_code == 404


def test_management_has_one_address(accounts, client):
    from tests.conftest import sign_in

    response = client.get("/fr/manage/login", follow_redirects=False)
    assert response.status_code in (301, 302, 303, 307, 308)
    assert response.headers["location"] == "/manage/login"
    sign_in(client, accounts.admin)
    for path in ("/fr/manage", f"/fr/manage/events/{accounts.event_id}"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (301, 302, 303, 307, 308), path
        assert response.headers["location"] == path.removeprefix("/fr"), path
    assert client.get("/fr/manage").url.path == "/manage"


def test_a_missing_page_under_fr_is_in_french(demo, client):
    response = client.get(french("/events/no-such-event"))
    assert response.status_code == 404
    assert page_language(response.text) == "fr"
    assert "Page introuvable" in main_text(response.text)
    english = client.get("/events/no-such-event")
    assert english.status_code == 404 and page_language(english.text) == "en"


def test_the_browser_language_decides_when_there_is_no_choice_yet(db, client):
    sign_in = client.get("/manage/login", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.8"})
    assert page_language(sign_in.text) == "fr"
    sign_in = client.get("/manage/login", headers={"Accept-Language": "en-CA,en;q=0.9,fr;q=0.8"})
    assert page_language(sign_in.text) == "en"
    # Public pages say their language in their address, whatever the browser prefers.
    events = client.get("/events", headers={"Accept-Language": "fr-CA"})
    assert page_language(events.text) == "en"


@pytest.mark.parametrize("planted", ["xx", "<script>", "fr-evil", "", "%3Cscript%3E", "FR"])
def test_a_bogus_language_cookie_is_ignored(db, client, planted):
    response = client.get("/manage/login", headers={"Cookie": f"lang={planted}"})
    assert response.status_code == 200
    assert page_language(response.text) == "en"
    assert "<script>" not in response.text.split("</head>")[0]
    response = client.get("/events", headers={"Cookie": f"lang={planted}"})
    assert response.status_code == 200 and page_language(response.text) == "en"
