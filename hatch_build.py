"""Wheel build hook: compile the .po catalogues into .mo files, so an installed wheel speaks French.

A checkout compiles them in memory on first use (events/i18n.py); a wheel carries them ready.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        compiled = Path(tempfile.mkdtemp(prefix="events-mo-"))
        for po in sorted(Path(self.root, "src/events/locale").glob("*/LC_MESSAGES/*.po")):
            language = po.parent.parent.name
            with po.open("rb") as stream:
                catalogue = read_po(stream, locale=language)
            mo = compiled / language / f"{po.stem}.mo"
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as stream:
                write_mo(stream, catalogue)
            build_data["force_include"][str(mo)] = f"events/locale/{language}/LC_MESSAGES/{mo.name}"
