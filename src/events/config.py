"""Settings from the environment (``EVENTS_*``), read once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

# Every variable the application reads, with its default and meaning; the README's table and the
# docker-compose test are checked against this mapping.
ENVIRONMENT = {
    "EVENTS_DATA_DIR": ("./data", "Folder for the embedded SQLite file and, by default, stored files."),
    "EVENTS_DATABASE_URL": (
        "sqlite+aiosqlite:///<EVENTS_DATA_DIR>/events.sqlite3",
        "SQLAlchemy async URL; use postgresql+asyncpg://... in production.",
    ),
    "EVENTS_STORAGE_DIR": ("<EVENTS_DATA_DIR>/files", "Where uploaded and demo files are stored."),
    "EVENTS_SECRET_KEY": (
        "a random key kept in <EVENTS_DATA_DIR>/.secret_key",
        "Signs sessions and CSRF tokens; set it in production.",
    ),
    "EVENTS_PAGE_CACHE": (
        "on",
        "Keep rendered public pages in memory, validated by the site revision (on/off).",
    ),
    "EVENTS_PUBLIC_URL": (
        "http://127.0.0.1:8000",
        "The address people use; with https:// the sign-in cookie is Secure.",
    ),
    "EVENTS_MAX_UPLOAD_MB": ("512", "Largest upload accepted, in megabytes (answered with 413 past it)."),
    "EVENTS_SITE_NAME": ("Learning Events Archive", "Shown in the header and page titles."),
    "EVENTS_SITE_NAME_FR": (
        "Archives des activités d’apprentissage",
        "The site's name on French pages.",
    ),
    "EVENTS_DB_WAIT_SECONDS": (
        "15",
        "How long a request waits for a database busy with other writes before answering 503.",
    ),
    "EVENTS_DEBUG": ("off", "Litestar debug mode with tracebacks (on/off); never in production."),
    "EVENTS_HOST": ("127.0.0.1", "Address `events serve` listens on."),
    "EVENTS_PORT": ("8000", "Port `events serve` listens on."),
    "EVENTS_WORKERS": ("1", "Worker processes for `events serve`."),
}


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret(data_dir: Path) -> str:
    """A development key kept in the data folder, so that every worker and restart shares it."""
    path = data_dir / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = os.urandom(32).hex()
        path.write_text(key)
        path.chmod(0o600)
        return key


@dataclass(frozen=True)
class Settings:
    database_url: str
    storage_dir: Path
    data_dir: Path
    secret_key: str
    page_cache: bool = True
    public_url: str = "http://127.0.0.1:8000"
    max_upload_mb: int = 512
    site_name: str = "Learning Events Archive"
    site_name_fr: str = "Archives des activités d’apprentissage"
    debug: bool = False
    db_wait_seconds: float = 15.0
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("EVENTS_DATA_DIR", "./data")).expanduser().resolve()
        database_url = env.get("EVENTS_DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'events.sqlite3'}"
        storage_dir = Path(env.get("EVENTS_STORAGE_DIR") or data_dir / "files").expanduser().resolve()
        secret_key = env.get("EVENTS_SECRET_KEY") or _local_secret(data_dir)
        return cls(
            database_url=database_url,
            storage_dir=storage_dir,
            data_dir=data_dir,
            secret_key=secret_key,
            page_cache=_flag(env.get("EVENTS_PAGE_CACHE", "on")),
            public_url=env.get("EVENTS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            max_upload_mb=int(env.get("EVENTS_MAX_UPLOAD_MB", "512")),
            site_name=env.get("EVENTS_SITE_NAME", "Learning Events Archive"),
            site_name_fr=env.get("EVENTS_SITE_NAME_FR", "Archives des activités d’apprentissage"),
            debug=_flag(env.get("EVENTS_DEBUG", "off")),
            db_wait_seconds=float(env.get("EVENTS_DB_WAIT_SECONDS", "15")),
            host=env.get("EVENTS_HOST", "127.0.0.1"),
            port=int(env.get("EVENTS_PORT", "8000")),
            workers=int(env.get("EVENTS_WORKERS", "1")),
        )

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings.from_env()
