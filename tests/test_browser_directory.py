"""The staff directory in Chromium: results follow what staff type, without pressing Search."""

from __future__ import annotations

import pytest

from events.audit import COMMAND_LINE
from events.domain.people import service as people
from tests.browser import BASE, browser_page
from tests.conftest import sign_in

# Browser checks are about the page's behaviour: one database is enough.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True, scope="session")


def test_results_follow_what_staff_type(accounts, db, client):
    async def add(session, _storage):
        societe = await people.create_organisation(
            session, COMMAND_LINE, name="Société d'habitation du Québec"
        )
        await people.create_person(
            session, COMMAND_LINE, given_name="Hélène", family_name="Côté", organisation=societe
        )

    db.run(add)
    sign_in(client, accounts.staff)
    with browser_page(client) as page:
        page.goto(f"{BASE}/manage/people")
        results = page.locator("#results")
        assert "McKendy" in results.inner_text()
        page.locator("#q").press_sequentially("Societe", delay=30)
        page.wait_for_function("() => !document.getElementById('results').innerText.includes('McKendy')")
        assert "Côté, Hélène" in results.inner_text()
        assert "1 person matching “Societe”" in results.inner_text()
        assert "q=Societe" in page.url  # the address follows, so that it can be shared or bookmarked
        page.select_option("#show", "no-talks")
        page.wait_for_function("() => location.search.includes('show=no-talks')")
        assert "Côté, Hélène" in results.inner_text()
