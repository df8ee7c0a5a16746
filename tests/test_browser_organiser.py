"""An organiser's day in real Chromium against a real server (uvicorn in a subprocess).

Sign in, create an event, add a session and a presentation, find an existing speaker by typing
(the JavaScript type-ahead), upload a PDF through the file input (the JavaScript upload), publish,
sign out, then open the public page as anyone would and download the file: it must be the same bytes.
It runs on both backends (about 8 s each): the server and the pages are the same, the database is not.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from events.config import Settings
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require
from tests.conftest import FIXTURES, PASSWORD, Accounts

WAIT = 15_000  # milliseconds: the longest any single step may take
PDF = FIXTURES / "single-window.pdf"
EVENT_TITLE = "Service Delivery Forum 2024"
SESSION_TITLE = "Single windows in practice"
PRESENTATION_TITLE = "One counter for every permit"
SPEAKER = "Mike McKendy"


# --- the server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(settings: Settings, log: Path) -> Iterator[str]:
    """The application under uvicorn on a free port, on the test database; its address."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "EVENTS_DATABASE_URL": settings.database_url,
        "EVENTS_STORAGE_DIR": str(settings.storage_dir),
        "EVENTS_DATA_DIR": str(settings.data_dir),
        "EVENTS_SECRET_KEY": settings.secret_key,
        "EVENTS_PUBLIC_URL": base,
    }
    command = [sys.executable, "-m", "uvicorn", "events.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_until_answering(server, f"{base}/manage/login", log)
            yield base
        finally:
            server.kill()
            server.wait(timeout=10)


def _wait_until_answering(server: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT / 1000
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped with code {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # polling for a condition: the port opening
    pytest.fail(f"the server did not answer {url} within {WAIT // 1000} s:\n{log.read_text()}")


@contextmanager
def chromium_page(problems: list[str]) -> Iterator[Page]:
    """A fresh Chromium page; JavaScript errors and console errors are collected into ``problems``."""
    require("chromium", CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.set_default_timeout(WAIT)
            context.set_default_navigation_timeout(WAIT)
            page = context.new_page()

            def console(message: ConsoleMessage) -> None:
                source = message.location.get("url", "")
                # The site has no favicon; Chromium's request for one is not the page's doing.
                if message.type == "error" and not source.endswith("/favicon.ico"):
                    problems.append(f"console error on {page.url}: {message.text} ({source})")

            page.on("console", console)
            page.on("pageerror", lambda error: problems.append(f"page error on {page.url}: {error}"))
            yield page
        finally:
            browser.close()


# --- the steps ------------------------------------------------------------------------------------


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/manage")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=WAIT)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Events", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(f"Signed in as {email}.")).to_be_visible(timeout=WAIT)


def create_event(page: Page) -> None:
    page.get_by_role("link", name="New event").click()
    expect(page.get_by_role("heading", name="New event")).to_be_visible(timeout=WAIT)
    page.get_by_label("Title (English)").fill(EVENT_TITLE)
    page.get_by_label("First day").fill("2024-05-14")
    page.get_by_label("Last day").fill("2024-05-15")
    page.get_by_label("City").fill("Fredericton")
    page.get_by_label("Province or region").fill("New Brunswick")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("heading", name=EVENT_TITLE, level=1)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(f"Created the draft event “{EVENT_TITLE}”.")).to_be_visible(timeout=WAIT)


def _form_under_heading(page: Page, heading: str) -> Locator:
    """Two forms on the event page have a field labelled "Title": tell them apart by their heading."""
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading))


def add_session(page: Page) -> None:
    form = _form_under_heading(page, "Add a session")
    form.get_by_label("Session title (English)").fill(SESSION_TITLE)
    form.get_by_role("button", name="Add session").click()
    expect(page.get_by_text(f"Added the session “{SESSION_TITLE}”.")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("heading", name=SESSION_TITLE, level=3)).to_be_visible(timeout=WAIT)


def add_presentation(page: Page) -> None:
    form = _form_under_heading(page, "Add a presentation")
    form.get_by_label("Presentation title (English)").fill(PRESENTATION_TITLE)
    expect(form.get_by_label("Session")).to_have_value(re.compile(r"\d+"))  # the new session, preselected
    form.get_by_role("button", name="Add presentation").click()
    expect(page.get_by_role("heading", name=PRESENTATION_TITLE, level=1)).to_be_visible(timeout=WAIT)
    expect(page.get_by_label("Session").locator("option:checked")).to_have_text(SESSION_TITLE)


def add_speaker_by_typing(page: Page) -> None:
    search = page.get_by_label("Find the person in the directory")
    search.click()
    with page.expect_response(lambda response: "/manage/people/search?q=mckend" in response.url):
        search.press_sequentially("mckend", delay=30)  # keystrokes, as a person types them
    match = page.locator("#add-speaker").get_by_role("button", name=re.compile(SPEAKER))
    expect(match).to_be_visible(timeout=WAIT)
    match.click()
    expect(page.get_by_text(f"Added {SPEAKER}.")).to_be_visible(timeout=WAIT)
    speakers = page.locator("#speakers .manage-speakers")
    expect(speakers.get_by_text(SPEAKER, exact=True)).to_be_visible(timeout=WAIT)


def upload_pdf(page: Page) -> None:
    materials = page.locator("#materials")
    expect(materials.get_by_text("No files yet.")).to_be_visible(timeout=WAIT)
    materials.get_by_label("Add files").set_input_files(PDF)
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        materials.get_by_role("button", name="Upload").click()
    # manage.js sends each file on its own and asks for JSON; the plain form would be redirected (303).
    assert sent.value.request.headers.get("accept") == "application/json"
    assert sent.value.status == 200
    # The script sends the file, shows its progress, then reloads the page, which lists the file.
    expect(materials.get_by_role("link", name=PDF.name)).to_be_visible(timeout=WAIT)
    expect(materials.get_by_text(re.compile(r"\(PDF, \d+ KB\)"))).to_be_visible(timeout=WAIT)


def publish(page: Page) -> str:
    """Publish the event from its page; the address of its public page."""
    page.get_by_role("link", name=f"← {EVENT_TITLE}").click()
    expect(page.get_by_role("heading", name=EVENT_TITLE, level=1)).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("link", name="Public page")).to_have_count(0)  # a draft has none
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: the event page is public now.")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name="Unpublish")).to_be_visible(timeout=WAIT)
    public = page.get_by_role("link", name="Public page")
    expect(public).to_be_visible(timeout=WAIT)
    return urljoin(page.url, public.get_attribute("href"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0, timeout=WAIT)
    expect(page.get_by_role("link", name="Manage")).to_have_count(0)


def download_from_public_page(page: Page, address: str) -> bytes:
    page.goto(address)
    expect(page.get_by_role("heading", name=EVENT_TITLE, level=1)).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("heading", name=SESSION_TITLE)).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("link", name=SPEAKER)).to_be_visible(timeout=WAIT)
    slides = page.get_by_role("link", name=re.compile(rf"^{re.escape(PRESENTATION_TITLE)} \(PDF, \d+ KB\)$"))
    expect(slides).to_be_visible(timeout=WAIT)
    # Chromium shows a PDF inline rather than downloading it, so fetch the link's address instead;
    # page.request shares the (signed-out) browser's cookies.
    response = page.request.get(urljoin(page.url, slides.get_attribute("href")), timeout=WAIT)
    assert response.ok, f"{response.status} for {response.url}"
    assert response.headers["content-type"].startswith("application/pdf")
    return response.body()


# --- the test -------------------------------------------------------------------------------------


def test_an_organiser_publishes_slides_that_anyone_can_download(
    settings: Settings, accounts: Accounts, tmp_path: Path
) -> None:
    require("chromium", CHROMIUM)
    problems: list[str] = []
    with serve(settings, tmp_path / "server.log") as base, chromium_page(problems) as page:
        try:
            sign_in(page, base, accounts.organiser)
            create_event(page)
            add_session(page)
            add_presentation(page)
            add_speaker_by_typing(page)
            upload_pdf(page)
            public_address = publish(page)
            sign_out(page)
            downloaded = download_from_public_page(page, public_address)
        finally:
            with suppress(PlaywrightError):  # a failed screenshot must not hide why a step failed
                page.screenshot(path=tmp_path / "last-page.png", full_page=True)

    assert problems == []
    assert hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(PDF.read_bytes()).hexdigest()
