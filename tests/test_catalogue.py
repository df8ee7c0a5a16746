"""The French catalogue is complete and current, and no template shows a text that bypasses it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "src/events/locale/fr/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}


def _catalogue():
    with PO.open("rb") as stream:
        return read_po(stream, locale="fr_CA")


def _extracted() -> set[str]:
    """Every text the code and the templates hand to the catalogue (as `make messages` extracts them)."""
    found = set()
    for folder, method in (("src", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        options = {"trim_blocks": "true", "lstrip_blocks": "true"}
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[(pattern, method)], options_map={pattern: options}, keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_french_entry_is_translated_and_none_is_fuzzy():
    catalogue = _catalogue()
    untranslated, fuzzy = [], []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):  # French has several plural forms: every one of them is shown for some n
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{len(untranslated)} entries without French: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy entries: {fuzzy[:20]}"


def test_translations_keep_every_placeholder():
    problems = [(message.id, [str(error) for error in errors]) for message, errors in _catalogue().check()]
    assert not problems, problems[:10]


def test_the_catalogue_holds_exactly_the_texts_of_the_code_and_templates():
    in_catalogue = {message.id if isinstance(message.id, str) else message.id[0] for message in _catalogue()}
    in_catalogue.discard("")
    extracted = _extracted()
    missing, obsolete = sorted(extracted - in_catalogue), sorted(in_catalogue - extracted)
    assert not missing, f"run `make messages` and translate: {missing[:20]}"
    assert not obsolete, f"run `make messages` to drop: {obsolete[:20]}"


# Attributes whose value a person reads or hears (a screen reader says aria-label and alt).
_VISIBLE_ATTRIBUTES = re.compile(r'\b(?:aria-label|alt|title|placeholder)\s*=\s*"([^"]*)"')
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>", re.S)
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
_VALUE = "\x00"  # where an expression or a statement was: never a text of its own


def _visible_texts(source: str) -> list[str]:
    """Texts written straight into a template, outside {{ }}, {% %} and {% trans %}: what a reader sees."""
    written, in_trans, previous = [], 0, None
    for _line, kind, value in Environment(extensions=["jinja2.ext.i18n"]).lex(source):
        if kind == "name" and previous == "block_begin":
            in_trans += {"trans": 1, "pluralize": 0, "endtrans": -1}.get(value, 0)
        if kind == "data" and not in_trans:
            written.append(value)
        elif not written or written[-1] != _VALUE:
            written.append(_VALUE)
        if kind not in ("whitespace",):
            previous = kind
    page = "".join(written)
    found = [text.replace(_VALUE, "…") for text in _VISIBLE_ATTRIBUTES.findall(page) if _WORD.search(text)]
    text = html.unescape(_TAG.sub(_VALUE, page))
    found += [piece.strip() for piece in re.split(r"[\x00\n]", text) if _WORD.search(piece)]
    return found


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT / "templates")))
def test_templates_show_no_text_outside_the_catalogue(template: Path):
    loose = _visible_texts(template.read_text())
    assert not loose, f"wrap these in _() or {{% trans %}}: {loose}"


def test_the_lint_finds_loose_text():
    # The check above must be able to fail: text between tags and in a visible attribute is loose.
    loose = _visible_texts('<p>Hello {{ name }}</p><img alt="A chart" src="x.png"><p>{{ _("Fine") }}</p>')
    assert sorted(loose) == ["A chart", "Hello"]
