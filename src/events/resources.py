"""Where the templates, static files and migrations are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_DIR = PACKAGE_DIR.parent.parent


def _locate(name: str) -> Path:
    # A wheel carries these folders inside the package; a checkout keeps them at the top level.
    for candidate in (PACKAGE_DIR / name, _CHECKOUT_DIR / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name!r} folder beside {PACKAGE_DIR}")


TEMPLATES_DIR = _locate("templates")
MIGRATIONS_DIR = _locate("migrations")
STATIC_DIR = PACKAGE_DIR / "static"
