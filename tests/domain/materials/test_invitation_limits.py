"""What an upload link reaches: the talk's public materials and its own files; live until the upload ends;
a quota of files and bytes that parallel uploads cannot overrun."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update

from events.app import create_app
from events.audit import COMMAND_LINE
from events.domain.materials import queries
from events.domain.materials import service as materials
from events.models import (
    LearningEvent,
    Material,
    MaterialKind,
    MaterialVersion,
    Presentation,
    UploadInvitation,
    Visibility,
)
from tests.conftest import csrf_token, sign_in
from tests.domain.materials.test_invitations import _first_presentation, _make_link
from tests.domain.materials.test_uploads import _state
from tests.pages import links, main_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PDF_BYTES = (FIXTURES / "single-window.pdf").read_bytes()


async def _chunks(data: bytes):
    yield data


def _add_hidden_materials(db, presentation_id):
    """Beside the talk's public slides: an organisers-only file, an embargoed one, an organisers-only link
    and a deleted file; and a public link."""

    async def add(session, storage):
        presentation = await session.get(Presentation, presentation_id)
        event = await session.get(LearningEvent, presentation.event_id)
        made = {}
        for name in ("internal-notes.pdf", "embargoed.pdf", "withdrawn.pdf"):
            made[name] = await materials.add_file_material(
                session, storage, COMMAND_LINE, event=event, presentation=presentation,
                chunks=_chunks(PDF_BYTES), filename=name, content_type="application/pdf",
            )  # fmt: skip
        for url in ("https://intranet.example/secret-minutes", "https://example.org/public-video"):
            made[url] = await materials.new_material(
                session, COMMAND_LINE, event=event, presentation=presentation, kind=MaterialKind.LINK,
                external_url=url,
            )  # fmt: skip
        made["internal-notes.pdf"].visibility = Visibility.ORGANISERS
        made["https://intranet.example/secret-minutes"].visibility = Visibility.ORGANISERS
        made["embargoed.pdf"].release_at = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
        await materials.set_material_deleted(session, COMMAND_LINE, made["withdrawn.pdf"], deleted=True)
        return {key: material.id for key, material in made.items()}

    return db.run(add)


def _upload(speaker, path, files, token=None):
    return speaker.post(
        path,
        files=files,
        data={"_csrf_token": token or csrf_token(speaker, path.split("/materials/")[0])},
        headers={"Accept": "application/json"},
    )


@pytest.fixture
def link(accounts, client, db):
    """An upload link for the demo's first talk, made by its organiser (who stays signed in on ``client``)."""
    presentation_id = _first_presentation(db, accounts.event_id)
    sign_in(client, accounts.organiser)
    path, _ = _make_link(client, accounts, presentation_id)
    return path, presentation_id


def test_a_link_shows_and_replaces_only_public_materials_and_its_own_files(
    link, client, accounts, db, settings
):
    path, presentation_id = link
    hidden = _add_hidden_materials(db, presentation_id)
    with TestClient(create_app(settings)) as speaker:
        page = speaker.get(path).text
        assert "single-window" in page or "Joint" in page  # the talk's public slides are there
        for secret in (
            "internal-notes.pdf",
            "embargoed.pdf",
            "withdrawn.pdf",
            "intranet.example",
            "secret-minutes",
        ):
            assert secret not in page
        assert "https://example.org/public-video" in page
        for key in (
            "internal-notes.pdf",
            "embargoed.pdf",
            "withdrawn.pdf",
            "https://example.org/public-video",
        ):
            before = _state(db)
            response = _upload(
                speaker,
                f"{path}/materials/{hidden[key]}",
                {"files": ("new.pdf", PDF_BYTES, "application/pdf")},
            )
            assert response.status_code == 404, key
            assert _state(db) == before

        sent = _upload(speaker, path, {"files": ("my-slides.pdf", PDF_BYTES, "application/pdf")})
        assert sent.status_code == 200, sent.text

    async def hide_the_speakers_file(session, _storage):
        version = await session.scalar(
            select(MaterialVersion).where(MaterialVersion.filename == "my-slides.pdf")
        )
        material = await session.get(Material, version.material_id)
        material.visibility = Visibility.ORGANISERS
        return material.id

    own = db.run(hide_the_speakers_file)
    with TestClient(create_app(settings)) as speaker:
        assert "my-slides.pdf" in speaker.get(path).text  # what came through the link stays in its reach
        replaced = _upload(
            speaker, f"{path}/materials/{own}", {"files": ("my-slides-2.pdf", PDF_BYTES, "application/pdf")}
        )
        assert replaced.status_code == 200, replaced.text


def _revoke_through_the_site(client, accounts, presentation_id):
    async def latest(session, _storage):
        return await session.scalar(select(UploadInvitation.id).order_by(UploadInvitation.id.desc()).limit(1))

    def revoke(db):
        invitation_id = db.run(latest)
        response = client.post(
            f"/manage/events/{accounts.event_id}/presentations/{presentation_id}/invitations/{invitation_id}/revoke",
            data={"_csrf_token": csrf_token(client, "/manage")},
        )
        assert response.status_code in (200, 303), response.text

    return revoke


def _expire(db):
    async def expire(session, _storage):
        await session.execute(
            update(UploadInvitation).values(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        )

    db.run(expire)


def _in_a_thread(work, *args):
    """``db.run`` starts its own event loop, which cannot happen inside the app's: a thread has none."""
    thread = threading.Thread(target=work, args=args)
    thread.start()
    thread.join()


@pytest.mark.parametrize("ending", ["revoked", "expired"])
def test_a_link_that_ends_while_the_body_arrives_stores_nothing(link, client, accounts, db, settings, ending):
    path, presentation_id = link
    end = _revoke_through_the_site(client, accounts, presentation_id) if ending == "revoked" else _expire
    with TestClient(create_app(settings)) as speaker:
        token = csrf_token(speaker, path)
        before = _state(db)
        boundary = "midSTREAM"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf_token\"\r\n\r\n{token}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"deck.pdf\"\r\n"
                "Content-Type: application/pdf\r\n\r\n").encode()  # fmt: skip
        ended = []

        def body():
            yield head + PDF_BYTES[:1000]
            _in_a_thread(end, db)  # the page was checked and the body is under way: now the link ends
            ended.append(True)
            yield PDF_BYTES[1000:] + f"\r\n--{boundary}--\r\n".encode()

        response = speaker.post(
            path,
            content=body(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Accept": "application/json",
            },
        )
        assert ended, "the link ended while the body was being sent"
        assert response.status_code == 403, response.text
        assert "stopped working" in response.json()["error"]
        assert _state(db) == before  # no row, nothing in storage, nothing left in staging


def test_a_link_has_a_quota_of_files_and_bytes(link, accounts, db, settings, monkeypatch):
    path, _ = link
    monkeypatch.setattr(materials, "LINK_MAX_FILES", 3)
    monkeypatch.setattr(materials, "LINK_MAX_BYTES", 3 * len(PDF_BYTES) + 20)
    pdf = ("files", ("deck.pdf", PDF_BYTES, "application/pdf"))
    with TestClient(create_app(settings)) as speaker:
        assert _upload(speaker, path, [pdf, pdf]).status_code == 200
        before = _state(db)
        refused = _upload(speaker, path, [pdf, pdf])
        assert refused.status_code == 413
        assert "3 files" in refused.json()["error"] and "2 have" in refused.json()["error"]
        assert _state(db) == before
        assert _upload(speaker, path, [pdf]).status_code == 200  # the third fits

    monkeypatch.setattr(materials, "LINK_MAX_FILES", 10)
    with TestClient(create_app(settings)) as speaker:
        before = _state(db)
        refused = _upload(speaker, path, [pdf])
        assert refused.status_code == 413
        assert "57 KB in all" in refused.json()["error"]  # 3 × 19 KB and 20 bytes
        assert _state(db) == before
        small = _upload(speaker, path, [("files", ("note.txt", b"Thank you.\n", "text/plain"))])
        assert small.status_code == 200, small.text  # 20 bytes were left, enough for 11


def test_parallel_uploads_through_one_link_cannot_exceed_its_quota(link, accounts, db, settings, monkeypatch):
    """While one upload checks the quota, another arrives in a second worker: it must wait for the first
    to be stored, then find the quota used up; without the lock both would be stored."""
    path, _ = link
    monkeypatch.setattr(materials, "LINK_MAX_FILES", 1)
    pdf = {"files": ("deck.pdf", PDF_BYTES, "application/pdf")}
    answers = {}
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        second_token = csrf_token(second, path)
        real_usage = queries.invitation_usage
        started = []

        def send_second():
            answers["second"] = _upload(second, path, pdf, token=second_token)

        async def usage_then_a_rival(session, invitation_id):
            used = await real_usage(session, invitation_id)
            if not started:  # the first upload, with the link's row locked: the second one comes now
                started.append(threading.Thread(target=send_second))
                started[0].start()
                started[0].join(timeout=5)  # it finishes meanwhile only if nothing makes it wait
            return used

        monkeypatch.setattr(queries, "invitation_usage", usage_then_a_rival)
        answers["first"] = _upload(first, path, pdf)
        started[0].join()

    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 413], {name: answer.text for name, answer in answers.items()}

    async def through_the_link(session, _storage):
        return list(
            await session.scalars(
                select(MaterialVersion.id).where(MaterialVersion.invitation_id.is_not(None))
            )
        )

    assert len(db.run(through_the_link)) == 1


def test_a_refusal_through_the_link_form_answers_its_status_and_leads_back(link, db, settings):
    path, _ = link
    with TestClient(create_app(settings)) as speaker:
        before = _state(db)
        response = speaker.post(
            path,
            files={"files": ("deck.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")},
            data={"_csrf_token": csrf_token(speaker, path)},
            follow_redirects=False,
        )
        assert response.status_code == 415
        assert "an HTML page" in main_text(response.text)
        assert path in links(response.text)
        assert 'href="/manage' not in response.text
        assert _state(db) == before
