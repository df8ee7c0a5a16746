"""Every state-changing route, and every public address, fed input that no form would send.

The routes are the permission matrix's (tests/domain/accounts/test_permissions.py), so a new route is
fuzzed as soon as it is listed there. Each request must get an answer that is not a server error; a
refused one (4xx) must leave the database and the stored files exactly as they were; and at the end no
stored text may hold a forbidden character or exceed its column.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select
from sqlalchemy.ext.asyncio import create_async_engine

from events.models import metadata
from events.models.validation import forbidden_character
from tests.conftest import csrf_token, sign_in
from tests.domain.accounts.test_permissions import CSV, PDF, ROUTES, _ids

NUL = "x\x00y"
OVERSIZED = "o" * 100_001  # past every column's limit (20,000 for the longest texts)
WRONG = ["²", "-1", "9" * 30, "abc", "1.5"]
# Fields that some forms read as ids, sent to every form, where a handler that reads them must cope.
STRAY_IDS = {"session_id": "²", "presentation_id": "9" * 25, "person_id": "abc", "survivor": "-1"}
# Tables that change on every request whatever its fate: the sign-in session and login throttles.
VOLATILE = {"user_session", "login_throttle"}


class Snapshot:
    """A digest of every table's rows and of the stored files, read through a connection of its own."""

    def __init__(self, url: str, storage: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.engine = create_async_engine(url)
        self.storage = storage
        self.tables = [t for t in metadata.sorted_tables if t.name not in VOLATILE]

    async def _rows(self) -> str:
        digest = hashlib.sha256()
        async with self.engine.connect() as connection:
            for table in self.tables:
                order = [column for column in table.primary_key.columns]
                rows = (await connection.execute(select(table).order_by(*order))).all()
                digest.update(repr((table.name, rows)).encode())
        return digest.hexdigest()

    def take(self) -> tuple[str, tuple[str, ...]]:
        # Stored objects and staged files; each process's staging journal lives as long as it does.
        files = tuple(
            sorted(
                str(p.relative_to(self.storage))
                for p in self.storage.rglob("*")
                if p.is_file() and not p.name.endswith(".journal")
            )
        )
        return self.loop.run_until_complete(self._rows()), files

    async def _bad_texts(self) -> list[str]:
        found = []
        async with self.engine.connect() as connection:
            for table in metadata.sorted_tables:
                for column in table.columns:
                    if not isinstance(column.type, String | Text):
                        continue
                    limit = getattr(column.type, "length", None) or column.info.get("max_length")
                    for (value,) in await connection.execute(select(column).where(column.is_not(None))):
                        if (limit and len(value) > limit) or forbidden_character(value):
                            found.append(f"{table.name}.{column.name}: {value[:40]!r} ({len(value)} chars)")
        return found

    def bad_texts(self) -> list[str]:
        return self.loop.run_until_complete(self._bad_texts())

    def close(self) -> None:
        self.loop.run_until_complete(self.engine.dispose())
        self.loop.close()


def _variants(form: dict[str, str]):
    """(label, form) pairs: each field NUL-laden, oversized, wrong-typed and missing, and stray ids."""
    for name in form:
        yield f"{name}=NUL", {**form, name: NUL}, True
        yield f"{name}=oversized", {**form, name: OVERSIZED}, False
        for wrong in WRONG:
            yield f"{name}={wrong[:8]}", {**form, name: wrong}, False
        yield f"{name} missing", {k: v for k, v in form.items() if k != name}, False
    yield "stray ids", {**form, **STRAY_IDS}, False
    yield "empty form", {}, False


UPLOAD_VARIANTS = [
    ("no file", {}, {"kind": "slides"}),
    ("empty file", {"files": ("empty.pdf", b"", "application/pdf")}, {}),
    ("html named pdf", {"files": ("x.pdf", b"<html><script>alert(1)</script>", "application/pdf")}, {}),
    ("NUL in a field", {"files": PDF}, {"kind": NUL}),
    ("huge field", {"files": PDF}, {"kind": "k" * 70_000}),
    ("wrong kind", {"files": PDF}, {"kind": "²"}),
    ("NUL in the name", {"files": ("a\x00b.pdf", PDF[1], "application/pdf")}, {}),
    ("csv of junk", {"files": CSV[:1] + (b"\xff\xfe\x00junk",) + CSV[2:]}, {}),
]


@pytest.fixture
def fuzzing(accounts, db, client, settings):
    ids = _ids(db, accounts.event_id)
    sign_in(client, accounts.admin)
    snapshot = Snapshot(settings.database_url, settings.storage_dir)
    try:
        yield ids, snapshot
    finally:
        snapshot.close()


def test_every_form_survives_hostile_fields_and_refusals_store_nothing(fuzzing, client):
    ids, snapshot = fuzzing
    token = csrf_token(client, "/manage")
    problems, tried = [], 0
    before = snapshot.take()
    for method, template, data, _allowed in ROUTES:
        if method != "POST":
            continue
        path = template.format(**ids)
        if data in ("upload", "csv"):
            cases = [
                (label, files, {**fields, "_csrf_token": token}, False)
                for label, files, fields in UPLOAD_VARIANTS
            ]
        else:
            base = {key.format(**ids): str(value).format(**ids) for key, value in data.items()}
            cases = [
                (label, None, {**form, "_csrf_token": token}, nul) for label, form, nul in _variants(base)
            ]
        for label, files, form, has_nul in cases:
            tried += 1
            response = client.post(path, data=form, files=files, follow_redirects=False)
            after = snapshot.take()
            status = response.status_code
            if status >= 500:
                problems.append(f"{template} [{label}]: {status} {response.text[:200]!r}")
            elif has_nul and status != 400:
                problems.append(f"{template} [{label}]: a NUL was not refused ({status})")
            elif status >= 400 and after != before:
                problems.append(f"{template} [{label}]: refused with {status} but something was stored")
            before = after
    assert problems == [], "\n".join(problems)
    assert snapshot.bad_texts() == []
    assert tried > 300  # the whole matrix was walked


def test_every_query_and_body_shape_is_answered_without_a_server_error(fuzzing, client):
    ids, _snapshot = fuzzing
    token = csrf_token(client, "/manage")
    problems = []
    for method, template, _data, _allowed in ROUTES:
        path = template.format(**ids)
        if method == "GET":
            for query in ("?q=%00", "?page=%C2%B2", f"?page={2**63}", "?q=" + "a" * 5000, "?kind=%E2%80%AE"):
                response = client.get(path.split("?")[0] + query, follow_redirects=False)
                if response.status_code >= 500:
                    problems.append(f"GET {template}{query[:20]}: {response.status_code}")
            continue
        for label, kwargs in (
            ("json", {"json": {"title": NUL}}),
            ("text", {"content": b"\x00\xff" * 100, "headers": {"content-type": "text/plain"}}),
            (
                "bad form",
                {"content": b"%%%=&&=%zz", "headers": {"content-type": "application/x-www-form-urlencoded"}},
            ),
            (
                "bad multipart",
                {"content": b"--x\r\n\r\n", "headers": {"content-type": "multipart/form-data"}},
            ),
        ):
            headers = {**kwargs.pop("headers", {}), "x-csrftoken": token}
            response = client.post(path, headers=headers, follow_redirects=False, **kwargs)
            if response.status_code >= 500:
                problems.append(f"POST {template} [{label}]: {response.status_code} {response.text[:200]!r}")
    assert problems == [], "\n".join(problems)


PUBLIC_VALUES = [
    "%00",
    "%E2%80%AE",
    "x" * 400,
    str(2**63),
    str(2**70),
    "0",
    "-1",
    "%C2%B2",
    "..%2F..%2Fetc",
    "%FF",
]


def test_every_public_address_answers_impossible_parameters_with_404(demo, client):
    routes = sorted(
        {
            (route.path, "GET" in route.methods)
            for route in client.app.routes
            if not route.path.startswith(("/manage", "/static")) and "{" in route.path
        }
    )
    assert ("/events/{slug:str}", True) in routes and (
        "/upload/{token:str}/materials/{material_id:int}",
        False,
    ) in routes
    problems = []
    for route, readable in routes:
        for value in PUBLIC_VALUES:
            path = re.sub(r"\{[^}]+\}", value, route)
            response = client.get(path) if readable else client.post(path, files={"files": PDF})
            if response.status_code not in (404, 400):
                problems.append(f"{'GET' if readable else 'POST'} {path[:80]}: {response.status_code}")
    assert problems == [], "\n".join(problems)
