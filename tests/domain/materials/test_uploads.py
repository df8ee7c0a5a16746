"""Uploads by organisers: checked by content, streamed, versioned, and never half-stored."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from events.app import create_app
from events.models import AuditEntry, Material, MaterialVersion
from tests.conftest import csrf_token, sign_in, staged_uploads
from tests.pages import links

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EVENT_PAGE = "/events/2003-fredericton-learning-event"


def _state(db):
    """What is stored: rows of materials and versions, files in storage, files left in staging."""

    async def count(session, _storage):
        return (
            await session.scalar(select(func.count()).select_from(Material)),
            await session.scalar(select(func.count()).select_from(MaterialVersion)),
        )

    root = db.settings.storage_dir
    stored = sorted(p for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts)
    return db.run(count), stored, staged_uploads(root)


def _upload(client, accounts, files, *, presentation=None, token=None):
    target = (
        f"/manage/events/{accounts.event_id}/presentations/{presentation}/materials"
        if presentation
        else f"/manage/events/{accounts.event_id}/materials"
    )
    return client.post(target, files=files, data={"_csrf_token": token or csrf_token(client, "/manage"), "kind": "slides"},
                       headers={"Accept": "application/json"})  # fmt: skip


@pytest.fixture
def organiser(accounts, client):
    sign_in(client, accounts.organiser)
    return client


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("agenda.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "an HTML page"),
        (
            "diagram.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "an SVG image",
        ),
        ("empty.pdf", b"", "empty"),
        (
            "tool.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200),
            "Windows program",
        ),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "script"),
    ],
    ids=["html-as-pdf", "svg-with-script", "zero-bytes", "executable", "shell-script"],
)
def test_hostile_content_is_refused_and_nothing_is_stored(organiser, accounts, db, name, content, found):
    before = _state(db)
    response = _upload(organiser, accounts, {"files": (name, content, "application/pdf")})
    assert response.status_code == (422 if found == "empty" else 415)  # unusable, or not a type we take
    assert found in response.json()["error"]
    assert (
        "Nothing was uploaded" in response.json()["error"]
        or "nothing was uploaded" in response.json()["error"]
    )
    assert _state(db) == before


def test_one_bad_file_stops_the_whole_upload(organiser, accounts, db):
    before = _state(db)
    response = _upload(organiser, accounts, [
        ("files", ("good.pdf", (FIXTURES / "single-window.pdf").read_bytes(), "application/pdf")),
        ("files", ("bad.pdf", b"<html><script></script></html>", "application/pdf")),
    ])  # fmt: skip
    assert response.status_code == 415 and "bad.pdf" in response.json()["error"]
    assert _state(db) == before


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\Desktop\\deck.pdf", "deck.pdf"),
        ("x" * 1000 + ".pdf", None),
    ],
    ids=["path-traversal", "windows-path", "1000-characters"],
)
def test_hostile_names_are_sanitised_and_keys_never_come_from_them(organiser, accounts, db, name, shown):
    data = (FIXTURES / "single-window.pdf").read_bytes()
    response = _upload(organiser, accounts, {"files": (name, data, "application/pdf")})
    assert response.status_code == 200, response.text
    (stored_name,) = response.json()["uploaded"]
    if shown:
        assert stored_name == shown
    else:
        assert stored_name.endswith(".pdf") and len(stored_name.encode()) <= 200
    assert "/" not in stored_name and "\x00" not in stored_name and ".." not in stored_name
    (_, versions), files, staging = _state(db)
    assert staging == []
    assert all(f.name != stored_name for f in files)  # storage keys are random, never the client's name
    assert not (db.settings.storage_dir.parent / "etc").exists()


def test_a_nul_or_control_character_in_the_name_is_removed(organiser, accounts, db):
    """Browsers percent-encode such names; a hand-made request can send the raw bytes."""
    token = csrf_token(organiser, "/manage")
    boundary = "rawNAME"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"bad\x00na\x07me.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + (FIXTURES / "single-window.pdf").read_bytes() + f"\r\n--{boundary}--\r\n".encode()  # fmt: skip
    response = organiser.post(
        f"/manage/events/{accounts.event_id}/materials",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["uploaded"] == ["badname.pdf"]
    assert _state(db)[2] == []


def test_a_body_over_the_limit_is_refused_while_streaming(accounts, settings, db):
    small = settings.with_changes(max_upload_mb=1)
    with TestClient(create_app(small)) as client:
        sign_in(client, accounts.organiser)
        before = _state(db)
        big = b"%PDF-1.4\n" + bytes(2 * 1024 * 1024)
        response = _upload(client, accounts, {"files": ("big.pdf", big, "application/pdf")})
        assert response.status_code == 413
        assert "limit of 1 MB" in response.text
        assert _state(db) == before

        # The same without a Content-Length: a chunked body is counted as it arrives.
        token = csrf_token(client, "/manage")
        boundary = "xyzBOUNDARY"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf_token\"\r\n\r\n{token}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.pdf\"\r\n"
                "Content-Type: application/pdf\r\n\r\n").encode()  # fmt: skip

        def chunks():
            yield head
            for _ in range(40):
                yield bytes(64 * 1024)
            yield f"\r\n--{boundary}--\r\n".encode()

        response = client.post(
            f"/manage/events/{accounts.event_id}/materials",
            content=chunks(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert response.status_code == 413
        assert "limit of 1 MB" in response.text
        assert _state(db) == before


def test_a_truncated_body_is_refused_and_leaves_nothing(organiser, accounts, db):
    before = _state(db)
    token = csrf_token(organiser, "/manage")
    boundary = "cutHERE"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"deck.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + (FIXTURES / "single-window.pdf").read_bytes()[:5000]  # fmt: skip
    response = organiser.post(
        f"/manage/events/{accounts.event_id}/materials",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 400
    assert "cut off before its end" in response.text
    assert _state(db) == before


def test_refusals_are_explained_to_the_upload_script_in_json(organiser, accounts, settings):
    forged = organiser.post(
        f"/manage/events/{accounts.event_id}/materials",
        files={"files": ("deck.pdf", b"%PDF-1.4", "application/pdf")},
        headers={"Accept": "application/json", "x-csrftoken": "forged"},
    )
    assert forged.status_code == 403
    assert "Nothing was changed" in forged.json()["error"]


def test_an_upload_without_a_valid_token_is_refused(organiser, accounts, db):
    before = _state(db)
    response = _upload(
        organiser,
        accounts,
        {"files": ("deck.pdf", (FIXTURES / "single-window.pdf").read_bytes(), "application/pdf")},
        token="forged",
    )
    assert response.status_code == 403
    assert _state(db) == before


@pytest.mark.parametrize(
    "fixture",
    [
        "single-window.ppt",
        "single-window.pptx",
        "single-window.odp",
        "common-business-number.docx",
        "attendance.xls",
    ],
)
def test_office_files_are_accepted_and_served_with_their_real_type(organiser, accounts, client, fixture):
    data = (FIXTURES / fixture).read_bytes()
    response = _upload(
        organiser,
        accounts,
        {"files": (fixture, data, "application/octet-stream")},
        presentation=1 if False else None,
    )
    assert response.status_code == 200, response.text
    organiser.post(
        f"/manage/events/{accounts.event_id}/status",
        data={"status": "published", "_csrf_token": csrf_token(organiser, "/manage")},
    )
    href = next(h for h in links(organiser.get(EVENT_PAGE).text) if h.endswith("/" + fixture))
    download = organiser.get(href)
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(data).hexdigest()
    assert download.headers["content-type"] != "application/octet-stream"


def test_a_new_version_keeps_the_public_address_and_old_versions_can_be_restored(organiser, accounts, db):
    href = next(h for h in links(organiser.get(EVENT_PAGE).text) if h.startswith("/materials/"))
    material_id = int(href.split("/")[2])
    original = organiser.get(href).content
    replacement = (FIXTURES / "single-window.pdf").read_bytes()
    response = organiser.post(
        f"/manage/events/{accounts.event_id}/materials/{material_id}/versions",
        files={"files": ("revised deck.pdf", replacement, "application/pdf")},
        data={"_csrf_token": csrf_token(organiser, "/manage")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert organiser.get(href).content == replacement  # the old address, the new bytes
    page = organiser.get(f"/manage/events/{accounts.event_id}/materials/{material_id}").text
    assert "revised deck.pdf" in page and "(current)" in page and "Make current" in page

    async def first_version(session, _storage):
        return await session.scalar(
            select(MaterialVersion.id).where(
                MaterialVersion.material_id == material_id, MaterialVersion.number == 1
            )
        )

    restore = organiser.post(
        f"/manage/events/{accounts.event_id}/materials/{material_id}/versions/{db.run(first_version)}/restore",
        data={"_csrf_token": csrf_token(organiser, "/manage")},
        follow_redirects=False,
    )
    assert restore.status_code == 303
    assert organiser.get(href).content == original

    async def actions(session, _storage):
        return list(await session.scalars(select(AuditEntry.action).where(AuditEntry.actor_label.is_(None))))

    assert "upload" in db.run(actions) and "restore version" in db.run(actions)


def test_organisers_only_and_embargoed_materials_stay_private(organiser, accounts, settings):
    href = next(h for h in links(organiser.get(EVENT_PAGE).text) if h.startswith("/materials/"))
    material_id = int(href.split("/")[2])
    settings_url = f"/manage/events/{accounts.event_id}/materials/{material_id}/settings"
    organiser.post(
        settings_url,
        data={"visibility": "organisers", "kind": "slides", "_csrf_token": csrf_token(organiser, "/manage")},
    )
    with TestClient(create_app(settings)) as anonymous:  # another worker, nobody signed in
        assert anonymous.get(href).status_code == 404
        assert href not in links(anonymous.get(EVENT_PAGE).text)
        organiser.post(settings_url, data={"visibility": "public", "kind": "slides", "release_at": "2999-01-01T00:00",
                                           "_csrf_token": csrf_token(organiser, "/manage")})  # fmt: skip
        assert anonymous.get(href).status_code == 404
        organiser.post(settings_url, data={"visibility": "public", "kind": "slides", "release_at": "",
                                           "_csrf_token": csrf_token(organiser, "/manage")})  # fmt: skip
        assert anonymous.get(href).status_code == 200


def test_external_links_and_event_documents(organiser, accounts):
    token = csrf_token(organiser, "/manage")
    organiser.post(
        f"/manage/events/{accounts.event_id}/materials/link",
        data={"url": "https://example.org/video", "title": "Recording", "_csrf_token": token},
    )
    response = _upload(
        organiser,
        accounts,
        {"files": ("agenda.pdf", (FIXTURES / "single-window.pdf").read_bytes(), "application/pdf")},
    )
    assert response.status_code == 200
    page = organiser.get(EVENT_PAGE).text
    assert "https://example.org/video" in links(page)
    assert any(h.endswith("/agenda.pdf") for h in links(page))
    bad = organiser.post(
        f"/manage/events/{accounts.event_id}/materials/link",
        data={"url": "javascript:alert(1)", "_csrf_token": token},
        follow_redirects=True,
    )
    assert "must start with https://" in bad.text
