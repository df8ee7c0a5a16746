"""An embargo's release time is read as the organiser typed it: UTC, or with the offset they gave."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from events.models import Material
from tests.conftest import csrf_token, sign_in


def _first_material(db, event_id):
    async def find(session, _storage):
        return await session.scalar(
            select(Material.id).where(Material.event_id == event_id).order_by(Material.id)
        )

    return db.run(find)


def _release_at(db, material_id):
    async def find(session, _storage):
        return await session.scalar(select(Material.release_at).where(Material.id == material_id))

    return db.run(find)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2030-01-01T12:00", dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)),
        ("2030-01-01T12:00+02:00", dt.datetime(2030, 1, 1, 10, 0, tzinfo=dt.UTC)),
        ("2030-01-01T12:00-04:00", dt.datetime(2030, 1, 1, 16, 0, tzinfo=dt.UTC)),
        ("2030-01-01T12:00Z", dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)),
    ],
)
def test_a_release_time_with_an_offset_is_converted_to_utc(accounts, client, db, typed, stored):
    sign_in(client, accounts.organiser)
    material_id = _first_material(db, accounts.event_id)
    response = client.post(
        f"/manage/events/{accounts.event_id}/materials/{material_id}/settings",
        data={"visibility": "public", "kind": "slides", "release_at": typed,
              "_csrf_token": csrf_token(client, "/manage")},
    )  # fmt: skip
    assert response.status_code == 200 and "Saved." in response.text
    assert _release_at(db, material_id) == stored


@pytest.mark.parametrize("typed", ["9999-12-31T23:59-05:00", "tomorrow", "2030-13-01T00:00"])
def test_an_impossible_release_time_is_refused_and_changes_nothing(accounts, client, db, typed):
    sign_in(client, accounts.organiser)
    material_id = _first_material(db, accounts.event_id)
    response = client.post(
        f"/manage/events/{accounts.event_id}/materials/{material_id}/settings",
        data={"visibility": "public", "kind": "slides", "release_at": typed,
              "_csrf_token": csrf_token(client, "/manage")},
    )  # fmt: skip
    assert "Please give the release time as YYYY-MM-DDTHH:MM (UTC)." in response.text
    assert _release_at(db, material_id) is None
