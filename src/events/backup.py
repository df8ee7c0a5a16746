"""`events backup OUT` and `events restore IN`: the database and every stored file, with a manifest.

A backup is a folder:

    database.sqlite3    SQLite's online backup of the database (consistent while the site runs), or
    database.dump       pg_dump's custom format, for PostgreSQL
    files/<key>         every stored object that a row of that copy refers to
    manifest.json       written last (a folder without it is no backup): rows per table, and each
                        file's key, size and SHA-256

The database is copied first, then the files its rows refer to. Stored objects never change once
written, so a backup taken while uploads commit is consistent: a file stored after the copy is simply
not in it, and every row in it has its file. On PostgreSQL, pg_dump and our own reads share one
exported snapshot. A module of its own, above the floors: it reads every table, not one area's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import anyio
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from .config import Settings
from .domain.materials.stored import EXPECTED_FILES
from .i18n import gettext
from .storage import CHUNK_SIZE, Storage, create_storage
from .storage.check import Expected, present, sha256_of

FORMAT = "events-backup/1"
MANIFEST = "manifest.json"
SQLITE_COPY, PG_DUMP = "database.sqlite3", "database.dump"
KEPT_WHEN_EMPTY = {"alembic_version", "site_state"}  # rows an empty, migrated install already has


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Summary:
    tables: dict[str, int]
    files: list[Expected]
    problems: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)


# --- reading a database ----------------------------------------------------------------------------


def _counts(connection: Connection) -> dict[str, int]:
    names = sorted(inspect(connection).get_table_names())
    return {
        name: connection.execute(select(func.count()).select_from(table(name))).scalar_one() for name in names
    }


def _files(connection: Connection) -> list[Expected]:
    return [Expected(*row) for row in connection.execute(EXPECTED_FILES)]


def _sqlite_path(url: URL) -> Path:
    return Path(url.database or "")


def _pg_command(url: URL, program: str) -> tuple[list[str], dict[str, str]]:
    """A libpq client's connection arguments, the password in the environment (not on the command line)."""
    args = [program, "--host", url.host or "localhost", "--port", str(url.port or 5432)]
    args += ["--username", url.username or "postgres", "--dbname", url.database or ""]
    env = {**os.environ, "PGPASSWORD": url.password or ""} if url.password else dict(os.environ)
    if "ssl" in url.query or "sslmode" in url.query:
        env["PGSSLMODE"] = str(url.query.get("sslmode") or url.query["ssl"])
    return args, env


async def _run(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        process = await asyncio.create_subprocess_exec(
            *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
    except FileNotFoundError:
        message = gettext("%(program)s is not installed: it comes with PostgreSQL's client tools.")
        raise BackupError(message % {"program": args[0]}) from None
    _, errors = await process.communicate()
    if process.returncode:
        message = gettext("%(program)s failed: %(errors)s")
        raise BackupError(message % {"program": what, "errors": errors.decode(errors="replace").strip()})


async def _snapshot(settings: Settings, out: Path) -> Summary:
    """Copy the database into ``out``; the rows and files of that very copy."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if not _sqlite_path(url).is_file():
            message = gettext("There is no database at %(path)s: check EVENTS_DATABASE_URL.")
            raise BackupError(message % {"path": _sqlite_path(url)})
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(out / SQLITE_COPY)
        try:
            source.backup(target)  # one step: a consistent copy, while others keep writing
        finally:
            target.close()
            source.close()
        engine = create_engine(f"sqlite:///{out / SQLITE_COPY}")
        try:
            with engine.connect() as connection:
                return Summary(_counts(connection), _files(connection))
        finally:
            engine.dispose()
    engine = create_async_engine(settings.database_url, isolation_level="REPEATABLE READ")
    try:
        async with engine.connect() as connection, connection.begin():
            snapshot = (await connection.execute(text("SELECT pg_export_snapshot()"))).scalar_one()
            args, env = _pg_command(url, "pg_dump")
            await _run([*args, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                        f"--file={out / PG_DUMP}"], env, "pg_dump")  # fmt: skip
            return Summary(*await connection.run_sync(lambda sync: (_counts(sync), _files(sync))))
    finally:
        await engine.dispose()


# --- files -----------------------------------------------------------------------------------------


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as handle:
        while chunk := await handle.read(CHUNK_SIZE):
            yield chunk


async def _copy_out(storage: Storage, expected: Expected, target: Path) -> str | None:
    """Copy one object into the backup; a problem to report, or None."""
    if not await present(storage, expected.key):
        return gettext("%(key)s: missing from storage") % {"key": expected.key}
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    async with await anyio.open_file(target, "wb") as handle:
        async for chunk in storage.read(expected.key):
            digest.update(chunk)
            size += len(chunk)
            await handle.write(chunk)
    if (size, digest.hexdigest()) != (expected.size, expected.sha256):
        message = gettext("%(key)s: %(size)d bytes with SHA-256 %(sha)s, not what its row says")
        return message % {"key": expected.key, "size": size, "sha": digest.hexdigest()}
    return None


# --- the commands ----------------------------------------------------------------------------------


async def backup(settings: Settings, out: Path) -> Summary:
    """Write a backup of the install into the new folder ``out``."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        message = gettext("%(folder)s already exists and is not an empty folder; choose a new one.")
        raise BackupError(message % {"folder": out})
    out.mkdir(parents=True, exist_ok=True)
    summary = await _snapshot(settings, out)
    storage = create_storage(settings)
    try:
        for expected in summary.files:
            problem = await _copy_out(storage, expected, out / "files" / expected.key)
            if problem:
                summary.problems.append(problem)
    finally:
        storage.close()
    manifest = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": make_url(settings.database_url).get_backend_name(),
        "tables": summary.tables,
        "files": [{"key": f.key, "size": f.size, "sha256": f.sha256} for f in summary.files],
        "problems": summary.problems,
    }
    (out / f"{MANIFEST}.partial").write_text(json.dumps(manifest, indent=1))
    os.replace(out / f"{MANIFEST}.partial", out / MANIFEST)
    return summary


def _read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError):
        message = gettext("%(folder)s holds no complete backup (no readable %(manifest)s).")
        raise BackupError(message % {"folder": source, "manifest": MANIFEST}) from None
    if manifest.get("format") != FORMAT:
        message = gettext("%(folder)s is not a backup this version can read (%(format)r).")
        raise BackupError(message % {"folder": source, "format": manifest.get("format")})
    return manifest


async def _rows_present(connection: AsyncConnection) -> int:
    counts = await connection.run_sync(_counts)
    return sum(count for name, count in counts.items() if name not in KEPT_WHEN_EMPTY)


async def _restore_database(settings: Settings, source: Path, backend: str) -> None:
    url = make_url(settings.database_url)
    if url.get_backend_name() != backend:
        message = gettext("This backup is of a %(backend)s database; EVENTS_DATABASE_URL is %(url)s.")
        raise BackupError(message % {"backend": backend, "url": url.get_backend_name()})
    if backend == "sqlite":
        _sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
        copy, target = sqlite3.connect(source / SQLITE_COPY), sqlite3.connect(_sqlite_path(url))
        try:
            copy.backup(target)  # replaces the (empty) target wholesale
        finally:
            target.close()
            copy.close()
        return
    args, env = _pg_command(url, "pg_restore")
    await _run([*args, "--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction",
                "--exit-on-error", str(source / PG_DUMP)], env, "pg_restore")  # fmt: skip


async def restore(settings: Settings, source: Path) -> Summary:
    """Restore the backup in ``source`` into this install, which must be empty; then verify it."""
    manifest = _read_manifest(source)
    storage = create_storage(settings)
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            rows = await _rows_present(connection)
        await engine.dispose()  # no connection stays open on the database being replaced
        stored = sum(1 for _ in storage.objects())
        if rows or stored:
            message = gettext(
                "This install is not empty (%(rows)d rows in its database, %(stored)d stored files): "
                "restore into a new database and an empty storage folder."
            )
            raise BackupError(message % {"rows": rows, "stored": stored})
        await _restore_database(settings, source, manifest["database"])
        summary = Summary(manifest["tables"], [Expected(**f) for f in manifest["files"]])
        for expected in summary.files:
            if (source / "files" / expected.key).is_file():
                await storage.put(expected.key, _file_chunks(source / "files" / expected.key))
        # Verify what is now in place, read back from the database and from the storage.
        async with engine.connect() as connection:
            restored = await connection.run_sync(_counts)
        for name, count in summary.tables.items():
            if restored.get(name) != count:
                message = gettext("table %(table)s: %(found)s rows, not %(expected)d")
                summary.problems.append(
                    message % {"table": name, "found": restored.get(name), "expected": count}
                )
        for expected in summary.files:
            if not await present(storage, expected.key):
                summary.problems.append(gettext("%(key)s: not restored") % {"key": expected.key})
                continue
            if await sha256_of(storage, expected.key) != expected.sha256:
                summary.problems.append(
                    gettext("%(key)s: SHA-256 differs from the manifest") % {"key": expected.key}
                )
        return summary
    finally:
        storage.close()
        await engine.dispose()
