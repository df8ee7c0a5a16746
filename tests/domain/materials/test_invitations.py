"""Upload links for speakers: one presentation, expiring, revocable, hashed, audited "by invitation"."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from litestar.testing import TestClient
from sqlalchemy import select, update

from events.app import create_app
from events.models import AuditEntry, Material, MaterialVersion, Presentation, UploadInvitation
from tests.conftest import csrf_token, sign_in

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _first_presentation(db, event_id):
    async def find(session, _storage):
        return await session.scalar(
            select(Presentation.id)
            .where(Presentation.event_id == event_id)
            .order_by(Presentation.position)
            .limit(1)
        )

    return db.run(find)


def _make_link(client, accounts, presentation_id, until="2099-12-31"):
    response = client.post(
        f"/manage/events/{accounts.event_id}/presentations/{presentation_id}/invitations",
        data={"expires_on": until, "_csrf_token": csrf_token(client, "/manage")},
    )
    assert response.status_code == 200, response.text
    found = re.search(r'value="(http://[^"]+/upload/([^"]+))"', response.text)
    assert found, "the page shows the link to copy"
    return "/upload/" + found.group(2), found.group(2)


def test_an_organiser_makes_a_link_that_is_shown_once_and_stored_hashed(accounts, client, db):
    sign_in(client, accounts.organiser)
    path, token = _make_link(client, accounts, _first_presentation(db, accounts.event_id))

    async def stored(session, _storage):
        return list(await session.scalars(select(UploadInvitation.token_hash)))

    (token_hash,) = db.run(stored)
    assert token not in token_hash and len(token_hash) == 64
    assert len(token) >= 40


def test_a_speaker_uploads_through_the_link_for_that_presentation_only(accounts, client, db, settings):
    presentation_id = _first_presentation(db, accounts.event_id)
    sign_in(client, accounts.organiser)
    path, _ = _make_link(client, accounts, presentation_id)
    with TestClient(create_app(settings)) as speaker:  # no account, no session of the organiser
        page = speaker.get(path)
        assert page.status_code == 200
        assert "Joint Federal-Provincial Project" in page.text
        assert "Single Window Service Delivery" not in page.text  # nothing of the other talks
        assert 'href="/manage' not in page.text  # no way into the management pages
        response = speaker.post(
            path,
            files={
                "files": (
                    "cbn-final.pdf",
                    (FIXTURES / "common-business-number.pdf").read_bytes(),
                    "application/pdf",
                )
            },
            data={"_csrf_token": csrf_token(speaker, path)},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 200, response.text
        assert (
            speaker.get("/manage", follow_redirects=False).status_code == 302
        )  # the link opens nothing else

        other = next(m for m in db.run(lambda s, _: _materials(s)) if m.presentation_id != presentation_id)
        reach = speaker.post(
            f"{path}/materials/{other.id}",
            files={"files": ("x.pdf", (FIXTURES / "single-window.pdf").read_bytes(), "application/pdf")},
            data={"_csrf_token": csrf_token(speaker, path)},
        )
        assert reach.status_code == 404

    async def audit(session, _storage):
        version = await session.scalar(
            select(MaterialVersion).where(MaterialVersion.filename == "cbn-final.pdf")
        )
        entry = await session.scalar(
            select(AuditEntry).where(
                AuditEntry.entity_type == "material_version", AuditEntry.entity_id == version.id
            )
        )
        return version, entry

    version, entry = db.run(audit)
    assert version.invitation_id is not None and version.uploaded_by_id is None
    assert entry.actor_label == "by invitation" and entry.actor_user_id is None


async def _materials(session):
    return list(await session.scalars(select(Material)))


def test_a_speaker_replaces_slides_and_the_public_address_stays(accounts, client, db, settings):
    presentation_id = _first_presentation(db, accounts.event_id)
    sign_in(client, accounts.organiser)
    path, _ = _make_link(client, accounts, presentation_id)
    material = next(m for m in db.run(lambda s, _: _materials(s)) if m.presentation_id == presentation_id)
    public_href = next(
        h
        for h in re.findall(
            r'href="(/materials/[^"]+)"', client.get("/events/2003-fredericton-learning-event").text
        )
        if h.startswith(f"/materials/{material.id}/")
    )
    new_bytes = (FIXTURES / "single-window.pdf").read_bytes()
    with TestClient(create_app(settings)) as speaker:
        response = speaker.post(
            f"{path}/materials/{material.id}",
            files={"files": ("revised.pdf", new_bytes, "application/pdf")},
            data={"_csrf_token": csrf_token(speaker, path)},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 200, response.text
        assert speaker.get(public_href).content == new_bytes


def test_revoked_and_expired_links_stop_working(accounts, client, db, settings):
    presentation_id = _first_presentation(db, accounts.event_id)
    sign_in(client, accounts.organiser)
    revoked_path, _ = _make_link(client, accounts, presentation_id)
    expired_path, _ = _make_link(client, accounts, presentation_id)

    async def ids(session, _storage):
        return list(await session.scalars(select(UploadInvitation.id).order_by(UploadInvitation.id)))

    first, second = db.run(ids)
    response = client.post(
        f"/manage/events/{accounts.event_id}/presentations/{presentation_id}/invitations/{first}/revoke",
        data={"_csrf_token": csrf_token(client, "/manage")},
        follow_redirects=True,
    )
    assert "Revoked the upload link" in response.text

    async def expire(session, _storage):
        await session.execute(
            update(UploadInvitation)
            .where(UploadInvitation.id == second)
            .values(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        )

    db.run(expire)
    with TestClient(create_app(settings)) as speaker:
        for path in (revoked_path, expired_path, "/upload/not-a-real-token"):
            page = speaker.get(path)
            assert page.status_code == 404
            assert "not valid" in page.text
            assert speaker.post(
                path, files={"files": ("x.pdf", b"%PDF-1.4", "application/pdf")}
            ).status_code in (403, 404)


def test_a_link_cannot_be_made_for_the_past(accounts, client, db):
    sign_in(client, accounts.organiser)
    presentation_id = _first_presentation(db, accounts.event_id)
    response = client.post(
        f"/manage/events/{accounts.event_id}/presentations/{presentation_id}/invitations",
        data={"expires_on": "2001-01-01", "_csrf_token": csrf_token(client, "/manage")},
        follow_redirects=True,
    )
    assert "must be valid until a date in the future" in response.text
