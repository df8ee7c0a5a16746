"""Uploads waiting for confirmation, on disk in the storage's holding folder.

Each is a folder named after its user and a random token, holding the files and their names. Every
function here touches the disk: callers run them in a worker thread (``anyio.to_thread``), never on
the event loop.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
from contextlib import suppress
from pathlib import Path

from ....storage import Storage
from .format import ORGANISATIONS, PEOPLE, ImportRefused, Table, read_table

STAGING_FOLDER = "directory-imports"
STAGED_FOR = dt.timedelta(days=1)  # an import neither confirmed nor cancelled is removed after this
TOKEN = re.compile(r"[0-9a-f]{32}")
APPLYING = ".applying"


def folder_of(storage: Storage, user_id: int, token: str) -> Path | None:
    """Where an upload waits for confirmation; the user's id in the name keeps it theirs."""
    if not TOKEN.fullmatch(token):
        return None
    return storage.holding_dir / STAGING_FOLDER / f"{user_id}-{token}"


def read_uploads(files: list[tuple[str, Path]]) -> list[Table]:
    """The uploaded files (name as sent, where it was received) read as tables; ImportRefused if not."""
    if not files:
        raise ImportRefused("Please choose a CSV file to import.")
    tables = [read_table(Path(name).name or "the file", path.read_bytes()) for name, path in files]
    if len(tables) == 2 and tables[0].kind == tables[1].kind:
        raise ImportRefused(f"Both files hold {tables[0].kind}; choose one file of each kind at most.")
    return tables


def stage(folder: Path, received: list[Path], tables: list[Table]) -> None:
    """Move the received files into the import's folder, with the names they were sent under."""
    folder.mkdir(parents=True)
    for path, table in zip(received, tables, strict=True):
        os.replace(path, folder / f"{table.kind}.csv")
    (folder / "names.json").write_text(json.dumps({table.kind: table.filename for table in tables}))


def is_staged(folder: Path | None) -> bool:
    return folder is not None and folder.is_dir()


def staged_tables(folder: Path) -> list[Table]:
    names = json.loads((folder / "names.json").read_text())
    return [
        read_table(names[kind], (folder / f"{kind}.csv").read_bytes())
        for kind in (ORGANISATIONS, PEOPLE)
        if kind in names
    ]


def claim(folder: Path) -> Path | None:
    """Take the import for applying (atomic: a second click finds nothing left), or None if it is gone."""
    claimed = folder.with_name(folder.name + APPLYING)
    try:
        os.rename(folder, claimed)
    except OSError:
        return None
    return claimed


def release(claimed: Path) -> None:
    """Put a claimed import back, to be confirmed again."""
    os.rename(claimed, claimed.with_name(claimed.name.removesuffix(APPLYING)))


def remove(folder: Path) -> None:
    shutil.rmtree(folder)


def forget_old_imports(storage: Storage) -> None:
    """Imports neither confirmed nor cancelled are removed after a day."""
    limit = time.time() - STAGED_FOR.total_seconds()
    for folder in (storage.holding_dir / STAGING_FOLDER).glob("*"):
        with suppress(OSError):  # another request may be removing it right now
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
