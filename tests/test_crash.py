"""The server killed with SIGKILL in the middle of uploads, then started again: nothing half-stored.

Some uploads are still arriving when the server dies (their bytes are in staging); others have arrived
and been moved into storage, their rows written but not committed: the test holds the database's
write lock meanwhile, so they wait there, as an upload does for the few milliseconds before its
commit. After the restart no row lacks its file, no file lacks its row, staging is empty, and
`events storage check` is clean.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import anyio.from_thread
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from events.models import Material, MaterialVersion, Presentation, SiteState
from tests.conftest import FIXTURES, staged_uploads
from tests.server import Server, environment, events, signed_in

EMAIL, PASSWORD = "crash@example.org", "a long enough password for the crash test"
BOUNDARY = "crash-test-boundary"
SLOW_UPLOADS = 3  # still sending when the server dies
WAITING_UPLOADS = 2  # sent in full, stored, waiting for the commit when the server dies


def _multipart(filename: str, data: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def _begin_upload(server: Server, client, path: str, body: bytes, send: int) -> socket.socket:
    """An upload over a raw socket, of which only the first ``send`` bytes of the body are sent."""
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAccept: application/json\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len(body)}\r\n"
        f"Cookie: {cookies}\r\nx-csrftoken: {client.headers['x-csrftoken']}\r\n\r\n"
    ).encode()
    connection = socket.create_connection(("127.0.0.1", server.port))
    connection.sendall(head + body[:send])
    return connection


@contextlib.contextmanager
def writes_held(database_url: str) -> Iterator[None]:
    """Every write to the database waits while this is open (SQLite's write lock; on PostgreSQL the
    site revision's row, which every write bumps)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.rollback()
            connection.close()
        return
    with anyio.from_thread.start_blocking_portal() as portal:
        engine = create_async_engine(database_url)

        async def lock():  # noqa: ANN202
            connection = await engine.connect()
            await connection.execute(select(SiteState).with_for_update())
            return connection

        connection = portal.call(lock)
        try:
            yield
        finally:
            portal.call(connection.rollback)
            portal.call(connection.close)
            portal.call(engine.dispose)


def _wait_for(condition, what: str, timeout: float = 20) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)  # polling for a condition: the server's progress on disk


def _objects(root: Path) -> set[str]:
    return {f"{p.parent.name}/{p.name}" for p in root.glob("??/*") if p.is_file()}


def _rows(db) -> dict[str, tuple[int, str]]:
    async def read(session, _storage):
        rows = await session.execute(
            select(MaterialVersion.storage_key, MaterialVersion.size, MaterialVersion.sha256)
        )
        return {key: (size, sha256) for key, size, sha256 in rows}

    return db.run(read)


def _targets(db) -> tuple[int, int, int]:
    async def read(session, _storage):
        presentation = await session.scalar(select(Presentation).order_by(Presentation.id).limit(1))
        material = await session.scalar(select(Material.id).order_by(Material.id).limit(1))
        return presentation.event_id, presentation.id, material

    return db.run(read)


def test_a_server_killed_during_uploads_leaves_nothing_half_stored(demo, settings, tmp_path):
    env = environment(settings)
    created = events(env, "create-user", EMAIL, "--role", "admin", stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    event_id, presentation_id, material_id = _targets(demo)
    new_material = f"/manage/events/{event_id}/presentations/{presentation_id}/materials"
    new_version = f"/manage/events/{event_id}/materials/{material_id}/versions"
    deck = (FIXTURES / "single-window.pdf").read_bytes()
    server = Server(env, tmp_path / "server.log")
    sockets: list[socket.socket] = []
    try:
        server.start()
        client = signed_in(server.base, EMAIL, PASSWORD)
        kept = client.post(new_material, files={"files": ("kept.pdf", deck, "application/pdf")})
        assert kept.status_code == 200, kept.text
        before = _objects(settings.storage_dir)
        big = _multipart("slow.pdf", deck + bytes(8 * 1024 * 1024))
        for _ in range(SLOW_UPLOADS):
            sockets.append(_begin_upload(server, client, new_material, big, send=len(big) // 4))
        waiting = [
            _multipart(f"waiting-{n}.pdf", deck + f"\n% {n}\n".encode()) for n in range(WAITING_UPLOADS)
        ]
        for path, body in zip([new_material, new_version], waiting, strict=False):
            sockets.append(_begin_upload(server, client, path, body, send=len(body) - 100))
        # Every upload has begun (its sign-in session was read, which writes its expiry) ...
        _wait_for(lambda: len(staged_uploads(settings.storage_dir)) == len(sockets), "staged uploads")
        with writes_held(settings.database_url):
            for connection, body in zip(sockets[SLOW_UPLOADS:], waiting, strict=True):
                connection.sendall(body[-100:])  # ... and these now end, are stored, and wait to commit
            _wait_for(
                lambda: len(_objects(settings.storage_dir) - before) == WAITING_UPLOADS, "stored uploads"
            )
            server.kill()  # SIGKILL, the whole process group
        # What the crash left: partial uploads in staging, stored files whose rows never committed.
        assert len(staged_uploads(settings.storage_dir)) == SLOW_UPLOADS
        assert len(_objects(settings.storage_dir) - set(_rows(demo))) == WAITING_UPLOADS

        server.start()

        assert staged_uploads(settings.storage_dir) == []
        rows = _rows(demo)
        assert _objects(settings.storage_dir) == set(rows)  # no row without its file, no file without a row
        for key, (size, sha256) in rows.items():
            data = (settings.storage_dir / key).read_bytes()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha256)
        check = events(env, "storage", "check")
        assert check.returncode == 0, check.stdout + check.stderr
        download = client.get(kept.json()["next"])  # the page of the presentation still works
        assert download.status_code == 200 and "kept.pdf" in download.text
    finally:
        for connection in sockets:
            connection.close()
        server.kill()
