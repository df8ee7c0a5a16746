"""Simultaneous replacements of one material, through the real route of a real server: every upload
becomes a version with its own number, and every file is kept."""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from events.models import Material, MaterialVersion
from tests.conftest import FIXTURES, PASSWORD
from tests.server import Server, environment, signed_in

UPLOADS = 8


def _first_material(db, event_id: int) -> int:
    async def find(session, _storage):
        return await session.scalar(
            select(Material.id).where(Material.event_id == event_id).order_by(Material.id).limit(1)
        )

    return db.run(find)


def _versions(db, material_id: int) -> list[tuple[int, int, str]]:
    async def read(session, _storage):
        rows = await session.execute(
            select(MaterialVersion.id, MaterialVersion.number, MaterialVersion.sha256)
            .where(MaterialVersion.material_id == material_id)
            .order_by(MaterialVersion.number)
        )
        return [tuple(row) for row in rows]

    return db.run(read)


def test_eight_simultaneous_replacements_all_become_versions(accounts, db, settings, tmp_path):
    material_id = _first_material(db, accounts.event_id)
    route = f"/manage/events/{accounts.event_id}/materials/{material_id}/versions"
    deck = (FIXTURES / "single-window.pdf").read_bytes()
    # Each file differs (a comment after the end of the PDF), so each version can be told apart.
    files = [deck + f"\n% upload {n} {os.urandom(8).hex()}\n".encode() for n in range(UPLOADS)]
    with Server(environment(settings), tmp_path / "server.log") as server:
        clients = [signed_in(server.base, accounts.organiser, PASSWORD) for _ in range(UPLOADS)]
        start = threading.Barrier(UPLOADS)

        def replace(n: int):
            start.wait()  # all at once
            return clients[n].post(route, files={"files": (f"deck-{n}.pdf", files[n], "application/pdf")})

        with ThreadPoolExecutor(UPLOADS) as pool:
            answers = list(pool.map(replace, range(UPLOADS)))

        assert [a.status_code for a in answers] == [200] * UPLOADS, [a.text[:200] for a in answers]
        versions = _versions(db, material_id)
        assert [number for _, number, _ in versions] == list(range(1, UPLOADS + 2))  # the demo's, then 8
        expected = {hashlib.sha256(data).hexdigest() for data in files}
        assert expected <= {sha for _, _, sha in versions}
        for version_id, _, sha256 in versions:
            download = clients[0].get(f"/manage/events/{accounts.event_id}/materials/{material_id}"
                                      f"/versions/{version_id}/file")  # fmt: skip
            assert download.status_code == 200
            assert hashlib.sha256(download.content).hexdigest() == sha256
        assert "Traceback" not in server.output
