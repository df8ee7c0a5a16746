"""Debian's Chromium driven by Playwright, with pages served by the in-process test client."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BASE = "http://events.test"


def require(tool: str, path: str | None = None) -> None:
    """Skip without the tool, except under CI=true, where .ci/run installs it and its absence is a failure."""
    if (path and os.path.exists(path)) or (not path and shutil.which(tool)):
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{tool} is missing; .ci/run should have installed it")
    pytest.skip(f"{tool} is not installed (apt-get install {tool})")


@contextmanager
def browser_page(client, **context_options) -> Iterator:  # noqa: ANN001
    """A Chromium page whose every request to BASE is answered by the Litestar test client."""
    require("chromium", CHROMIUM)
    from playwright.sync_api import sync_playwright

    def answer(route) -> None:  # noqa: ANN001
        request = route.request
        response = client.request(request.method, request.url.removeprefix(BASE), headers=request.headers)
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.content)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**context_options)
            context.route(f"{BASE}/**", answer)
            yield context.new_page()
        finally:
            browser.close()
