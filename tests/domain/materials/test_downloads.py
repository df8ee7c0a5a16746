"""Downloads: the stored bytes, validators, byte ranges, safe headers, and nothing that is not public."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select, update

from events.audit import COMMAND_LINE
from events.demo import EVENT_SLUG
from events.domain.materials import service as materials
from events.models import LearningEvent, Material, MaterialVersion, Presentation, Visibility
from tests.pages import links

EVENT_URL = f"/events/{EVENT_SLUG}"


def _download_links(client) -> list[str]:
    return [href for href in links(client.get(EVENT_URL).text) if href.startswith("/materials/")]


def _versions(db) -> dict[str, MaterialVersion]:
    async def load(session, _storage):
        return {v.filename: v for v in (await session.scalars(select(MaterialVersion))).all()}

    return db.run(load)


def test_every_download_link_returns_the_stored_bytes(demo, client):
    versions = _versions(demo)
    hrefs = _download_links(client)
    assert len(hrefs) == 5
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200
        version = versions[href.rsplit("/", 1)[1]]
        assert hashlib.sha256(response.content).hexdigest() == version.sha256
        assert len(response.content) == version.size == int(response.headers["content-length"])
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["accept-ranges"] == "bytes"
        assert response.headers["content-disposition"].startswith("inline;")
        assert response.content.startswith(b"%PDF-")


def test_head_gives_the_headers_without_the_body(demo, client):
    href = _download_links(client)[3]
    full = client.get(href)
    head = client.head(href)
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-length", "etag", "last-modified", "content-type", "content-disposition"):
        assert head.headers[name] == full.headers[name]


def test_byte_ranges(demo, client):
    href = _download_links(client)[0]
    body = client.get(href).content
    size = len(body)

    first = client.get(href, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.content == body[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    assert first.headers["content-length"] == "100"

    middle = client.get(href, headers={"Range": "bytes=1000-1999"})
    assert middle.status_code == 206 and middle.content == body[1000:2000]

    suffix = client.get(href, headers={"Range": "bytes=-100"})
    assert suffix.status_code == 206
    assert suffix.content == body[-100:]
    assert suffix.headers["content-range"] == f"bytes {size - 100}-{size - 1}/{size}"

    open_ended = client.get(href, headers={"Range": f"bytes={size - 10}-"})
    assert open_ended.status_code == 206 and open_ended.content == body[-10:]

    beyond = client.get(href, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"

    malformed = client.get(href, headers={"Range": "pages=1-2"})
    assert malformed.status_code == 200 and malformed.content == body


def test_if_range_with_an_old_etag_sends_the_whole_file(demo, client):
    href = _download_links(client)[0]
    response = client.get(href, headers={"Range": "bytes=0-9", "If-Range": '"an-old-version"'})
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert client.get(href, headers={"Range": "bytes=0-9", "If-Range": etag}).status_code == 206


def test_revalidation_answers_304(demo, client):
    href = _download_links(client)[1]
    response = client.get(href)
    etag, last_modified = response.headers["etag"], response.headers["last-modified"]
    assert client.get(href, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(href, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert client.get(href, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(href, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_the_url_survives_a_new_version_under_another_name(demo, client):
    href = _download_links(client)[0]

    async def replace(session, storage):
        material = await session.scalar(select(Material).order_by(Material.id).limit(1))

        async def chunks():
            yield b"%PDF-1.4 second version"

        stored = await storage.save(chunks())
        await materials.add_version(
            session, storage, COMMAND_LINE, material=material, stored=stored,
            filename="cbn-revised.pdf", content_type="application/pdf",
        )  # fmt: skip

    demo.run(replace)
    response = client.get(href)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 second version"
    assert 'filename="cbn-revised.pdf"' in response.headers["content-disposition"]
    assert "/materials/1/cbn-revised.pdf" in links(client.get(EVENT_URL).text) or any(
        h.endswith("/cbn-revised.pdf") for h in links(client.get(EVENT_URL).text)
    )


def _attach_to_event(db, filename: str, content_type: str, body: bytes) -> int:
    """Attach a file to the demo event itself, as a service write would; returns the material id."""

    async def attach(session, storage):
        event = await session.scalar(select(LearningEvent).where(LearningEvent.slug == EVENT_SLUG))

        async def chunks():
            yield body

        material = await materials.add_file_material(
            session, storage, COMMAND_LINE, event=event, presentation=None,
            chunks=chunks(), filename=filename, content_type=content_type,
        )  # fmt: skip
        return material.id

    return db.run(attach)


@pytest.mark.parametrize(
    ("filename", "content_type", "body"),
    [
        ("notes.html", "text/html", b"<script>alert(1)</script>"),
        (
            "diagram.svg",
            "image/svg+xml",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
    ],
)
def test_anything_a_browser_could_run_is_an_attachment(demo, db, client, filename, content_type, body):
    material_id = _attach_to_event(db, filename, content_type, body)
    response = client.get(f"/materials/{material_id}/{filename}")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]


def test_unicode_file_names_are_offered_intact(demo, db, client):
    material_id = _attach_to_event(db, "Société d'État – résumé.pdf", "application/pdf", b"%PDF-1.4")
    disposition = client.get(f"/materials/{material_id}/x.pdf").headers["content-disposition"]
    assert (
        "filename*=UTF-8''Soci%C3%A9t%C3%A9%20d%27%C3%89tat%20%E2%80%93%20r%C3%A9sum%C3%A9.pdf" in disposition
    )


def _restrict_first_material(db, **values) -> None:
    async def restrict(session, _storage):
        first = await session.scalar(select(Material.id).order_by(Material.id).limit(1))
        await session.execute(update(Material).where(Material.id == first).values(**values))

    db.run(restrict)


@pytest.mark.parametrize(
    "restriction",
    [
        {"visibility": Visibility.ORGANISERS},
        {"release_at": dt.datetime(2999, 1, 1, tzinfo=dt.UTC)},
        {"deleted_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
    ],
    ids=["organisers-only", "embargoed", "deleted"],
)
def test_materials_not_public_404_and_leave_the_page(demo, client, restriction):
    href = _download_links(client)[0]
    _restrict_first_material(demo, **restriction)
    assert client.get(href).status_code == 404
    assert client.head(href).status_code == 404
    assert href not in _download_links(client)
    assert "Joint Federal-Provincial Project" in client.get(EVENT_URL).text  # the talk stays listed


def test_materials_of_a_deleted_presentation_404(demo, client):
    href = _download_links(client)[0]

    async def delete(session, _storage):
        first = await session.scalar(select(Presentation.id).order_by(Presentation.position).limit(1))
        await session.execute(
            update(Presentation).where(Presentation.id == first).values(deleted_at=dt.datetime.now(dt.UTC))
        )

    demo.run(delete)
    assert client.get(href).status_code == 404
    assert "Joint Federal-Provincial Project" not in client.get(EVENT_URL).text


def test_unknown_material_404s(db, client):
    assert client.get("/materials/999999/nothing.pdf").status_code == 404
    assert client.get("/materials/not-a-number/x.pdf").status_code == 404
