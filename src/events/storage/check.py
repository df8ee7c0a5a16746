"""`events storage check`: the stored objects against what the rows say, and the repair of orphans.

The rows come from the caller (this floor knows nothing of the database), read after the objects were
listed: an upload that lands between the two is then seen as a row whose object arrived late, never
as an orphan, and objects that live processes are still storing (their journals) are left out.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ..i18n import gettext
from .base import ObjectInfo, Storage
from .staging import Area, Referenced, Swept

ORPHAN_AGE = 3600  # seconds: --repair leaves younger orphans, whose upload may still be committing


@dataclass(frozen=True)
class Expected:
    """What a row says about its object."""

    key: str
    size: int
    sha256: str


@dataclass
class Report:
    rows: int = 0
    objects: int = 0
    stored_bytes: int = 0
    missing: list[Expected] = field(default_factory=list)
    orphans: list[ObjectInfo] = field(default_factory=list)
    wrong_size: list[tuple[Expected, int]] = field(default_factory=list)
    wrong_sha256: list[tuple[Expected, str]] = field(default_factory=list)
    in_progress: int = 0  # objects being stored right now by live processes
    abandoned: list[Area] = field(default_factory=list)  # staging of processes that are gone
    loose_files: list[str] = field(default_factory=list)  # staged by an earlier version

    def findings(self) -> list[tuple[str, list[str]]]:
        """Each kind of problem with its items, for people to read."""
        wrong_size, wrong_sha = (
            gettext("%(key)s: %(found)s, not %(expected)s bytes"),
            gettext("%(key)s: %(found)s, not %(expected)s"),
        )
        abandoned = gettext("%(folder)s: %(files)d file(s), %(keys)d key(s) unsettled")
        return [
            (gettext("rows whose file is missing"), [row.key for row in self.missing]),
            (gettext("files no row refers to"), [info.key for info in self.orphans]),
            (gettext("files of the wrong size"), [wrong_size % {"key": row.key, "found": size, "expected": row.size} for row, size in self.wrong_size]),
            (gettext("files whose SHA-256 differs"), [wrong_sha % {"key": row.key, "found": sha, "expected": row.sha256} for row, sha in self.wrong_sha256]),
            (gettext("staging left by stopped processes"), [abandoned % {"folder": area.journal.name, "files": area.staged_files, "keys": len(area.pending)} for area in self.abandoned]),
            (gettext("files staged by an earlier version"), self.loose_files),
        ]  # fmt: skip

    @property
    def ok(self) -> bool:
        return not any(items for _, items in self.findings())

    @property
    def damaged(self) -> bool:
        """Missing or altered files, which no repair here can bring back."""
        return bool(self.missing or self.wrong_size or self.wrong_sha256)


@dataclass
class Repaired:
    swept: Swept
    removed: list[ObjectInfo] = field(default_factory=list)
    left_recent: list[ObjectInfo] = field(default_factory=list)


async def sha256_of(storage: Storage, key: str) -> str:
    digest = hashlib.sha256()
    async for chunk in storage.read(key):
        digest.update(chunk)
    return digest.hexdigest()


async def present(storage: Storage, key: str) -> bool:
    """Whether the object exists; a row holding something that is not a key has no object."""
    try:
        return await storage.exists(key)
    except ValueError:
        return False


async def check(storage: Storage, rows: Callable[[], Awaitable[list[Expected]]]) -> Report:
    """Compare every stored object with its row: presence, size and SHA-256 (every byte is read)."""
    objects = {info.key: info for info in storage.objects()}
    areas = list(storage.staging.areas())
    in_progress = set().union(*(area.pending for area in areas if area.alive))
    expected = await rows()
    report = Report(rows=len(expected), abandoned=[a for a in areas if not a.alive])
    report.loose_files = [path.name for path in storage.staging.loose_files()]
    for row in expected:
        found = objects.pop(row.key, None)
        if found is None and not await present(storage, row.key):  # (or stored since the listing)
            report.missing.append(row)
            continue
        size = found.size if found else row.size
        if size != row.size:
            report.wrong_size.append((row, size))
        elif (actual := await sha256_of(storage, row.key)) != row.sha256:
            report.wrong_sha256.append((row, actual))
        report.objects += 1
        report.stored_bytes += size
    for key, info in objects.items():  # what is left has no row
        if key in in_progress:
            report.in_progress += 1
        else:
            report.orphans.append(info)
            report.objects += 1
            report.stored_bytes += info.size
    return report


async def repair(
    storage: Storage, report: Report, referenced: Referenced, *, older_than: float = ORPHAN_AGE
) -> Repaired:
    """Sweep the staging of processes that are gone, then remove orphans older than ``older_than``
    seconds, asking the database once more right before: never a file that a row refers to."""
    repaired = Repaired(swept=await storage.sweep_staging(referenced))
    limit = time.time() - older_than
    old = [info for info in report.orphans if info.modified < limit]
    repaired.left_recent = [info for info in report.orphans if info.modified >= limit]
    still_referenced = await referenced({info.key for info in old}) if old else set()
    for info in old:
        if info.key not in still_referenced and await storage.exists(info.key):
            storage.discard(info.key)
            repaired.removed.append(info)
    return repaired
