"""Each process's own staging folder, and the sweep that removes what dead processes left behind.

Under the staging root (``<storage root>/.incoming``):

    process-<pid>-<random>.journal   locked (flock) by its process for as long as it lives; lists the
                                     storage keys the process created (``+key``, written before the
                                     object appears) and settled (``-key``: committed or removed)
    process-<pid>-<random>/          that process's uploads while they arrive
    anything else (directory-imports/, ...): kept across requests by its owner; the sweep leaves it

A journal nobody holds belongs to a process that is gone. Its folder is removed, and so is every key it
created without settling, unless a row refers to it (the transaction may have committed just before the
crash): the caller answers that question, since this floor knows nothing of the database.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import uuid
import weakref
from collections.abc import Awaitable, Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "process-"
JOURNAL = ".journal"

Referenced = Callable[[set[str]], Awaitable[set[str]]]
"""Given storage keys, the ones that rows of the database refer to."""


@dataclass
class Swept:
    processes: int = 0  # processes that are gone, whose staging was removed
    staged_files: int = 0
    staged_bytes: int = 0
    orphans: int = 0  # objects they stored that no row refers to, removed


@dataclass
class Area:
    """One process's staging, as found on disk."""

    journal: Path
    alive: bool
    pending: set[str]  # keys created and not settled
    staged_files: int
    staged_bytes: int


@dataclass
class _Claim:
    pid: int
    fd: int
    journal: Path
    folder: Path
    pending: set[str] = field(default_factory=set)


def _release(claim: _Claim) -> None:
    """The end of a claim: its folder goes; its journal too, unless keys are unsettled (then the next
    sweep asks the database about them)."""
    if os.getpid() == claim.pid:  # not in a forked child: the folder is its parent's
        shutil.rmtree(claim.folder, ignore_errors=True)
        if not claim.pending:
            claim.journal.unlink(missing_ok=True)
    os.close(claim.fd)


def _lock(path: Path, how: int, *, create: bool = False) -> int | None:
    """An fd holding the lock of ``path``, or None if a process holds it or the file is gone or was
    replaced meanwhile."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | (os.O_CREAT | os.O_EXCL if create else 0), 0o600)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, how | fcntl.LOCK_NB)
        if os.stat(path).st_ino == os.fstat(fd).st_ino:
            return fd
    except (BlockingIOError, FileNotFoundError):
        pass
    os.close(fd)
    return None


def _pending(text: str) -> set[str]:
    keys: set[str] = set()
    for line in text.splitlines():
        sign, key = line[:1], line[1:].strip()
        if key and sign == "+":
            keys.add(key)
        elif sign == "-":
            keys.discard(key)
    return keys


def _folder_of(journal: Path) -> Path:
    return journal.with_name(journal.name.removesuffix(JOURNAL))


class StagingArea:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._claim: _Claim | None = None
        self._end: weakref.finalize | None = None
        self._guard = threading.RLock()  # claims and journal writes, whatever thread they come from

    @property
    def folder(self) -> Path:
        """This process's staging folder, claimed on first use."""
        return self._claimed().folder

    def _claimed(self) -> _Claim:
        with self._guard:
            if self._claim is not None and self._claim.pid == os.getpid():
                return self._claim
            if self._claim is not None and self._end is not None:  # inherited through fork
                self._end.detach()  # the lock, the folder and the journal stay the parent's
                os.close(self._claim.fd)
            self.root.mkdir(parents=True, exist_ok=True)
            fd = None
            while fd is None:  # a new name if a sweep took the journal between its creation and our lock
                journal = self.root / f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}{JOURNAL}"
                fd = _lock(journal, fcntl.LOCK_EX, create=True)
            _folder_of(journal).mkdir()
            self._claim = _Claim(os.getpid(), fd, journal, _folder_of(journal))
            self._end = weakref.finalize(self, _release, self._claim)  # at exit, or when dropped
            return self._claim

    def created(self, key: str) -> None:
        """Record a key before its object appears; from here on a crash leaves it to the sweep."""
        with self._guard:
            claim = self._claimed()
            claim.pending.add(key)
            os.write(claim.fd, f"+{key}\n".encode())  # one small O_APPEND write: it survives a kill -9

    def settled(self, key: str) -> None:
        """The key's transaction committed, or its object was removed: nothing left to sweep."""
        with self._guard:
            claim = self._claim
            if claim is None or claim.pid != os.getpid() or key not in claim.pending:
                return
            claim.pending.discard(key)
            if claim.pending:
                os.write(claim.fd, f"-{key}\n".encode())
            else:  # nothing left to sweep: start afresh, so that the journal stays small
                os.ftruncate(claim.fd, 0)

    def areas(self) -> Iterator[Area]:
        """Every process's staging, live or not, with the keys it has not settled."""
        for journal in sorted(self.root.glob(f"*{JOURNAL}")) if self.root.is_dir() else ():
            probe = _lock(journal, fcntl.LOCK_SH)
            if probe is not None:
                os.close(probe)
            folder = _folder_of(journal)
            try:
                staged = [p.stat().st_size for p in folder.iterdir()] if folder.is_dir() else []
                pending = _pending(journal.read_text())
            except FileNotFoundError:  # swept or closed meanwhile
                continue
            yield Area(journal, probe is None, pending, len(staged), sum(staged))

    def loose_files(self) -> list[Path]:
        """Files staged straight in the root by an earlier version of this program."""
        if not self.root.is_dir():
            return []
        return [p for p in self.root.iterdir() if p.is_file() and not p.name.endswith(JOURNAL)]

    async def sweep(self, discard: Callable[[str], None], referenced: Referenced) -> Swept:
        """Remove the staging of every process that is gone, and the objects it stored for a
        transaction that never committed. Safe while other processes run and sweep."""
        swept = Swept()
        for area in list(self.areas()):
            fd = None if area.alive else _lock(area.journal, fcntl.LOCK_EX)
            if fd is None:
                continue  # alive, or another process is sweeping it
            try:
                with open(fd, closefd=False) as journal:  # read again, now that it is ours
                    pending = _pending(journal.read())
                for key in pending - (await referenced(pending) if pending else set()):
                    with suppress(ValueError):  # not a key of this storage: nothing to remove
                        discard(key)
                        swept.orphans += 1
                shutil.rmtree(_folder_of(area.journal), ignore_errors=True)
                area.journal.unlink(missing_ok=True)  # last: if we crash first, the next sweep redoes it
            finally:
                os.close(fd)
            swept.processes += 1
            swept.staged_files += area.staged_files
            swept.staged_bytes += area.staged_bytes
        for loose in self.loose_files():
            with suppress(FileNotFoundError):
                swept.staged_bytes += loose.stat().st_size
                loose.unlink()
                swept.staged_files += 1
        return swept

    def close(self) -> None:
        """Release this process's staging (at shutdown): its folder goes, with anything in it."""
        with self._guard:
            if self._end is not None:
                self._end()
            self._claim = self._end = None
