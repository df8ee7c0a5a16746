"""The materials forms read as schemas: a tampered field answers 400 naming it, and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from events.domain.materials.forms import DeleteForm, LinkForm, MaterialSettingsForm, UploadFields
from events.models import AuditEntry, Material, MaterialKind, Visibility
from events.web.forms import FormError, parse
from tests.conftest import csrf_token, sign_in

PDF = ("deck.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def test_the_schemas_read_what_the_pages_send():
    assert parse({"url": " https://example.org ", "title": "", "presentation_id": "7"}, LinkForm) == LinkForm(
        url="https://example.org", title=None, presentation_id=7
    )
    assert parse({}, MaterialSettingsForm) == MaterialSettingsForm(
        title=None, kind=None, visibility=Visibility.PUBLIC, release_at=None
    )
    assert (
        parse({"kind": "handout", "visibility": "organisers"}, MaterialSettingsForm).kind
        == MaterialKind.HANDOUT
    )
    assert parse({"restore": "1"}, DeleteForm).restore is True
    assert parse({}, DeleteForm).restore is False
    assert parse({"kind": ""}, UploadFields).kind == MaterialKind.SLIDES


@pytest.mark.parametrize(
    ("schema", "data", "field"),
    [
        (LinkForm, {"url": "https://example.org", "presentation_id": "abc"}, "presentation_id"),
        (LinkForm, {"url": "https://example.org", "presentation_id": str(2**70)}, "presentation_id"),
        (LinkForm, {"url": "https://example.org", "presentation_id": "0"}, "presentation_id"),
        (MaterialSettingsForm, {"kind": "spreadsheet"}, "kind"),
        (MaterialSettingsForm, {"visibility": "everyone"}, "visibility"),
        (DeleteForm, {"restore": "perhaps"}, "restore"),
        (UploadFields, {"kind": "²"}, "kind"),
    ],
)
def test_a_tampered_field_is_named(schema, data, field):
    with pytest.raises(FormError) as refused:
        parse(data, schema)
    assert refused.value.field == field and refused.value.status_code == 400


def _counts(db):
    async def count(session, _storage):
        return (
            await session.scalar(select(func.count()).select_from(Material)),
            await session.scalar(select(func.count()).select_from(AuditEntry)),
        )

    return db.run(count)


def _first_material(db, event_id):
    async def find(session, _storage):
        return await session.scalar(
            select(Material.id).where(Material.event_id == event_id).order_by(Material.id)
        )

    return db.run(find)


@pytest.mark.parametrize(
    ("where", "data", "field"),
    [
        ("link", {"url": "https://example.org/video", "presentation_id": "abc"}, "presentation_id"),
        ("settings", {"visibility": "public", "kind": "spreadsheet"}, "kind"),
        ("settings", {"visibility": "everyone", "kind": "slides"}, "visibility"),
        ("delete", {"restore": "perhaps"}, "restore"),
    ],
)
def test_a_tampered_form_answers_400_naming_the_field(accounts, client, db, where, data, field):
    sign_in(client, accounts.organiser)
    material_id = _first_material(db, accounts.event_id)
    path = {
        "link": f"/manage/events/{accounts.event_id}/materials/link",
        "settings": f"/manage/events/{accounts.event_id}/materials/{material_id}/settings",
        "delete": f"/manage/events/{accounts.event_id}/materials/{material_id}/delete",
    }[where]
    before = _counts(db)
    response = client.post(path, data={**data, "_csrf_token": csrf_token(client, "/manage")})
    assert response.status_code == 400
    assert f"“{field}”" in response.text
    assert _counts(db) == before


def test_an_upload_of_a_tampered_kind_answers_400_and_keeps_nothing(accounts, client, db):
    sign_in(client, accounts.organiser)
    before = _counts(db)
    response = client.post(
        f"/manage/events/{accounts.event_id}/materials",
        files={"files": PDF},
        data={"kind": "spreadsheet", "_csrf_token": csrf_token(client, "/manage")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and "“kind”" in response.json()["error"]
    assert _counts(db) == before
