"""Public pages: a bounded number of statements, always fresh, and nearly free when unchanged."""

from __future__ import annotations

import datetime as dt
import time

from litestar.testing import TestClient
from sqlalchemy import select

from events.app import create_app
from events.audit import COMMAND_LINE
from events.demo import EVENT_SLUG
from events.demo.large import load_large_event
from events.models import LearningEvent, Material
from tests.pages import links

EVENT_URL = f"/events/{EVENT_SLUG}"


def _statements_for(client, counter, path: str) -> int:
    before = counter.count
    assert client.get(path).status_code == 200
    return counter.count - before


def test_event_page_statement_count_does_not_grow_with_the_event(demo, client, count_statements):
    demo.run(lambda session, storage: load_large_event(session, storage, presentations=60, speakers=80))
    small = _statements_for(client, count_statements, EVENT_URL)
    large = _statements_for(client, count_statements, "/events/large-event")
    assert small == large
    assert small <= 10, count_statements.statements[-small:]
    assert "Presentation 60 on shared services" in client.get("/events/large-event").text


def test_an_unchanged_page_costs_one_statement(demo, client, count_statements):
    first = _statements_for(client, count_statements, EVENT_URL)
    assert first > 1
    assert _statements_for(client, count_statements, EVENT_URL) == 1
    assert _statements_for(client, count_statements, f"{EVENT_URL}/print") > 1  # its own entry


def test_without_the_cache_every_request_renders(demo, settings, count_statements):
    with TestClient(create_app(settings.with_changes(page_cache=False))) as client:
        first = _statements_for(client, count_statements, EVENT_URL)
        assert _statements_for(client, count_statements, EVENT_URL) == first > 1


def test_a_write_shows_on_the_very_next_request(demo, client):
    assert "Fredericton 2003" in client.get(EVENT_URL).text

    async def rename(session, _storage):
        event = await session.scalar(select(LearningEvent).where(LearningEvent.slug == EVENT_SLUG))
        event.title = "Fredericton Learning Day"

    demo.run(rename)
    for path in (EVENT_URL, "/", "/events", "/speakers/mike-mckendy"):
        assert "Fredericton Learning Day" in client.get(path).text


def test_conditional_get_answers_304_until_something_changes(demo, client):
    response = client.get(EVENT_URL)
    etag = response.headers["etag"]
    assert response.headers["cache-control"] == "no-cache"
    not_modified = client.get(EVENT_URL, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""

    async def touch(session, _storage):
        event = await session.scalar(select(LearningEvent).where(LearningEvent.slug == EVENT_SLUG))
        event.description = "Updated."

    demo.run(touch)
    changed = client.get(EVENT_URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "Updated." in changed.text


def test_an_embargo_lapsing_refreshes_the_page_without_any_write(demo, client):
    release_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1.5)

    async def embargo(session, _storage):
        material = await session.scalar(select(Material).order_by(Material.id).limit(1))
        material.release_at = release_at
        return material.id

    material_id = demo.run(embargo)
    hidden = [
        href for href in links(client.get(EVENT_URL).text) if href.startswith(f"/materials/{material_id}/")
    ]
    assert hidden == []
    time.sleep(max((release_at - dt.datetime.now(dt.UTC)).total_seconds(), 0) + 0.2)
    shown = [
        href for href in links(client.get(EVENT_URL).text) if href.startswith(f"/materials/{material_id}/")
    ]
    assert len(shown) == 1
    assert client.get(shown[0]).status_code == 200


def test_the_audit_log_records_the_demo_load(demo):
    from events.models import AuditEntry

    async def entries(session, _storage):
        return (await session.scalars(select(AuditEntry))).all()

    log = demo.run(entries)
    assert {entry.actor_label for entry in log} == {COMMAND_LINE.label}
    assert {"create", "upload", "status"} <= {entry.action for entry in log}
    assert any(entry.entity_type == "material_version" and entry.changes["sha256"]["after"] for entry in log)


def test_head_on_a_page_gives_its_headers_only(demo, client):
    full = client.get(EVENT_URL)
    head = client.head(EVENT_URL)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(full.content))
    assert head.headers["etag"] == full.headers["etag"]
    assert client.head("/events/no-such-event").status_code == 404
