"""The first administrator comes from the command line; after that, administrators work in the browser."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from litestar.testing import TestClient
from sqlalchemy import select

from events.app import create_app
from events.audit import COMMAND_LINE
from events.domain.accounts.service import set_grants
from events.domain.events.service import create_event
from events.models import AuditEntry, EventGrant, Role, User
from tests.conftest import csrf_token, sign_in


def _cli(settings, *args, stdin=""):
    env = {**os.environ, "EVENTS_DATABASE_URL": settings.database_url, "EVENTS_DATA_DIR": str(settings.data_dir),
           "EVENTS_STORAGE_DIR": str(settings.storage_dir)}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "events.cli", *args], input=stdin, env=env, capture_output=True, text=True
    )


def test_create_user_reads_the_password_from_standard_input(db, settings):
    made = _cli(
        settings,
        "create-user",
        "First.Admin@Example.org",
        "--role",
        "admin",
        "--name",
        "First Admin",
        stdin="a long enough password\n",
    )
    assert made.returncode == 0, made.stderr
    assert "Created admin first.admin@example.org." in made.stdout

    async def user(session, _storage):
        return await session.scalar(select(User).where(User.email == "first.admin@example.org"))

    created = db.run(user)
    assert created.role is Role.ADMIN and created.password_hash.startswith("$argon2id$")
    with TestClient(create_app(settings)) as client:
        sign_in(client, "first.admin@example.org", "a long enough password")
        assert client.get("/manage/users").status_code == 200


def test_create_user_refuses_bad_input_with_a_clear_message(db, settings):
    short = _cli(settings, "create-user", "x@example.org", stdin="short\n")
    assert short.returncode != 0 and "at least 10 characters" in short.stderr
    _cli(settings, "create-user", "x@example.org", stdin="long enough password\n")
    again = _cli(settings, "create-user", "X@example.org", stdin="long enough password\n")
    assert again.returncode != 0 and "already an account" in again.stderr


def test_an_admin_grants_an_organiser_another_event(accounts, client, settings):
    with TestClient(create_app(settings)) as organiser:
        sign_in(organiser, accounts.organiser)
        assert organiser.get(f"/manage/events/{accounts.other_event_id}").status_code == 403

        sign_in(client, accounts.admin)
        users = client.get("/manage/users").text
        user_id = (
            users.split("organiser@example.org</a>")[0].rsplit('href="/manage/users/', 1)[1].split('"')[0]
        )
        client.post(
            f"/manage/users/{user_id}",
            data={"role": "organiser", "is_active": "1", f"event_{accounts.event_id}": str(accounts.event_id),
                  f"event_{accounts.other_event_id}": str(accounts.other_event_id), "_csrf_token": csrf_token(client, "/manage")},
        )  # fmt: skip
        assert organiser.get(f"/manage/events/{accounts.other_event_id}").status_code == 200

        client.post(
            f"/manage/users/{user_id}",
            data={"role": "organiser", "_csrf_token": csrf_token(client, "/manage")},
        )  # unticked: inactive
        assert (
            organiser.get("/manage", follow_redirects=False).status_code == 302
        )  # a deactivated account is signed out


def test_an_admin_cannot_lock_themselves_out(accounts, client):
    sign_in(client, accounts.admin)
    users = client.get("/manage/users").text
    my_id = users.split("admin@example.org</a>")[0].rsplit('href="/manage/users/', 1)[1].split('"')[0]
    response = client.post(
        f"/manage/users/{my_id}",
        data={"role": "staff", "is_active": "1", "_csrf_token": csrf_token(client, "/manage")},
        follow_redirects=True,
    )
    assert "cannot take away your own administrator rights" in response.text
    assert client.get("/manage/users").status_code == 200


def test_the_versions_list_says_who_uploaded_each(accounts, client):
    sign_in(client, accounts.organiser)
    page = client.get(f"/manage/events/{accounts.event_id}").text
    material = page.split(f"/manage/events/{accounts.event_id}/presentations/")[1].split('"')[0]
    presentation_page = client.get(f"/manage/events/{accounts.event_id}/presentations/{material}").text
    material_id = presentation_page.split(f"/manage/events/{accounts.event_id}/materials/")[1].split('"')[0]
    client.post(
        f"/manage/events/{accounts.event_id}/materials/{material_id}/versions",
        files={"files": ("new.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        data={"_csrf_token": csrf_token(client, "/manage")},
    )
    versions = client.get(f"/manage/events/{accounts.event_id}/materials/{material_id}").text
    assert "by organiser@example.org" in versions and "from the command line" in versions


def test_grants_are_set_in_one_insert_and_one_delete_with_an_entry_per_event(accounts, db, count_statements):
    async def make_events(session, _storage):
        user = await session.scalar(select(User).where(User.email == accounts.organiser))
        made = [
            await create_event(session, COMMAND_LINE, title=f"Event {n}", start_date=dt.date(2020, 1, n + 1))
            for n in range(6)
        ]
        return user.id, [event.id for event in made]

    user_id, new_ids = db.run(make_events)
    wanted = {*new_ids[:4], accounts.other_event_id}  # and no longer accounts.event_id

    async def save(session, _storage):
        user = await session.get(User, user_id)
        count_statements.statements.clear()
        await set_grants(session, COMMAND_LINE, user, wanted | {2**40})  # an id of no event is ignored
        entries = sorted((e.action, e.event_id) for e in session.new if isinstance(e, AuditEntry))
        await session.flush()
        grants = set(await session.scalars(select(EventGrant.event_id).where(EventGrant.user_id == user_id)))
        return list(count_statements.statements), entries, grants

    statements, entries, grants = db.run(save)
    writes = [
        s.split()[0].upper()
        for s in statements
        if "event_grant" in s and not s.lstrip().upper().startswith("SELECT")
    ]
    assert writes == ["INSERT", "DELETE"], statements
    assert grants == wanted
    assert entries == sorted([("grant", event_id) for event_id in wanted] + [("revoke", accounts.event_id)])

    async def save_again(session, _storage):  # nothing to change: no write, no entry
        count_statements.statements.clear()
        await set_grants(session, COMMAND_LINE, await session.get(User, user_id), wanted)
        return list(count_statements.statements), [e for e in session.new if isinstance(e, AuditEntry)]

    statements, entries = db.run(save_again)
    assert not [s for s in statements if "event_grant" in s and not s.lstrip().upper().startswith("SELECT")]
    assert entries == []
