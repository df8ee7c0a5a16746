"""Password guessing in parallel: each attempt is counted before its password is checked, so that
no burst of simultaneous guesses gets more checks than one guesser waiting for each answer."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from argon2 import PasswordHasher
from litestar.testing import TestClient
from sqlalchemy import select

from events.app import create_app
from events.domain.accounts.service import FREE_FAILURES
from events.models import LoginThrottle
from tests.conftest import PASSWORD, csrf_token

PARALLEL = 15


def _failures(db) -> dict[str, int]:
    async def read(session, _storage):
        return dict((await session.execute(select(LoginThrottle.key, LoginThrottle.failures))).all())

    return db.run(read)


def _post(client, email, password, token):
    return client.post(
        "/manage/login",
        data={"email": email, "password": password, "_csrf_token": token, "next": "/manage"},
        follow_redirects=False,
    )


@pytest.mark.parametrize("earlier", [0, 1], ids=["first failures", "after one failure"])
def test_parallel_wrong_passwords_get_no_more_checks_than_the_free_ones(
    accounts, settings, db, monkeypatch, earlier
):
    checked = []
    verify = PasswordHasher.verify

    def counted_verify(self, hash, password):  # noqa: A002 - argon2's own names
        checked.append(password)
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted_verify)
    # One app per thread stands for one worker process each: they share nothing but the database.
    with ExitStack() as stack:
        clients = [stack.enter_context(TestClient(create_app(settings))) for _ in range(PARALLEL)]
        tokens = [csrf_token(client) for client in clients]
        statuses = [
            _post(clients[0], accounts.organiser, "guess", csrf_token(clients[0])).status_code
            for _ in range(earlier)
        ]
        start = threading.Barrier(PARALLEL)

        def guess(number: int) -> int:
            start.wait()
            return _post(clients[number], accounts.organiser, f"guess {number}", tokens[number]).status_code

        with ThreadPoolExecutor(PARALLEL) as pool:
            statuses += pool.map(guess, range(PARALLEL))

    assert set(statuses) <= {401, 429}, statuses  # refused, never a 500 (a busy database included)
    assert len(checked) == FREE_FAILURES
    stored = _failures(db)
    assert stored[f"account:{accounts.organiser}"] == len(checked)
    assert stored["address:testclient"] == len(checked)
    assert statuses.count(401) == FREE_FAILURES - 1  # the last free guess already answers "wait"


def test_a_success_does_not_count_against_the_address(accounts, client):
    for number in range(FREE_FAILURES - 1):
        assert _post(client, f"guess{number}@example.org", "guess", csrf_token(client)).status_code == 401
    assert _post(client, accounts.admin, PASSWORD, csrf_token(client)).status_code == 302
    client.post("/manage/logout", data={"_csrf_token": csrf_token(client, "/manage")})
    assert _post(client, accounts.staff, PASSWORD, csrf_token(client)).status_code == 302


def test_a_success_resets_the_account(accounts, client, db):
    for _ in range(FREE_FAILURES - 1):
        assert _post(client, accounts.staff, "guess", csrf_token(client)).status_code == 401
    assert _post(client, accounts.staff, PASSWORD, csrf_token(client)).status_code == 302
    assert f"account:{accounts.staff}" not in _failures(db)


def test_an_office_signing_in_at_once_from_one_address_is_not_held_up(accounts, settings, db):
    """Each attempt counts against the shared address until its password is checked; the address is
    allowed enough that colleagues signing in at the same moment all get in."""
    from events.audit import COMMAND_LINE
    from events.domain.accounts.service import create_user
    from events.models import Role

    colleagues = [f"colleague{number}@example.org" for number in range(8)]

    async def make(session, _storage):
        for email in colleagues:
            await create_user(session, COMMAND_LINE, email=email, password=PASSWORD, role=Role.ORGANISER)

    db.run(make)
    with ExitStack() as stack:
        clients = [stack.enter_context(TestClient(create_app(settings))) for _ in colleagues]
        tokens = [csrf_token(client) for client in clients]
        start = threading.Barrier(len(colleagues))

        def sign_in(number: int) -> int:
            start.wait()
            return _post(clients[number], colleagues[number], PASSWORD, tokens[number]).status_code

        with ThreadPoolExecutor(len(colleagues)) as pool:
            statuses = list(pool.map(sign_in, range(len(colleagues))))
    assert statuses == [302] * len(colleagues)
    assert _failures(db).get("address:testclient", 0) == 0
