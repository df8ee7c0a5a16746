"""The interface's two languages: message catalogues (Babel) and locale-aware formatting.

The language of the work at hand lives in a context variable, set once per request (see
web/locale.py) or per CLI command, so that `gettext` in a service, a form or a template all speak
the reader's language without passing it around.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_month_names
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}  # each in its own language, for the switch
URL_PREFIXES = {"en": "", "fr": "/fr"}  # English keeps the site's first addresses; French is under /fr/
_BABEL_LOCALE = {"en": "en_CA", "fr": "fr_CA"}
CATALOGUE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


def negotiate(accept_language: str | None) -> str | None:
    """The first of our locales a browser's Accept-Language asks for ('fr-CA,fr;q=0.9,en' -> 'fr')."""
    ranked = []
    for position, part in enumerate((accept_language or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for _quality, _position, language in sorted(ranked):
        if language in LOCALES:
            return language
    return None


def locale_or_default(code: str | None) -> str:
    return code if code in LOCALES else DEFAULT_LOCALE


@contextlib.contextmanager
def use_locale(code: str) -> Iterator[None]:
    """Speak `code` within the block (a CLI command, an e-mail to someone with another preference)."""
    token = current_locale.set(locale_or_default(code))
    try:
        yield
    finally:
        current_locale.reset(token)


@cache
def translations(code: str) -> NullTranslations:
    """The compiled catalogue of `code`: the .mo built with the package, else the .po compiled in memory
    (a checkout: the .po in git is then never out of step with what is served)."""
    if code == DEFAULT_LOCALE:
        return NullTranslations()  # msgids are the English text
    folder = CATALOGUE_DIR / code / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as stream:
            return Translations(stream, domain=DOMAIN)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as stream:
        catalogue = read_po(stream, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return translations(current_locale.get()).pgettext(context, message)


_ = gettext


def N_(message: str) -> str:  # noqa: N802
    """Mark a module-level text for the catalogue; it is translated where it is shown (gettext)."""
    return message


def cli_locale() -> str:
    """The CLI speaks French when the shell's language is French (LANG=fr_CA.UTF-8), else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return locale_or_default(value[:2].lower())
    return DEFAULT_LOCALE


# Formatting, per the conventions of Government of Canada sites in each language.


def _babel_locale() -> Locale:
    return Locale.parse(_BABEL_LOCALE[current_locale.get()])


def format_number(value: float, pattern: str | None = None) -> str:
    """12,345 in English, 12 345 in French (a non-breaking space)."""
    return format_decimal(value, pattern, locale=_BABEL_LOCALE[current_locale.get()])


_SIZE_UNITS = {"en": ("bytes", "KB", "MB", "GB"), "fr": ("octets", "Ko", "Mo", "Go")}


def _decimal(value: float, places: int) -> str:
    """A number as en_CA and fr_CA write it (12,345.6 / 12 345,6): what Babel's format_decimal gives
    for these two locales, without its cost on a page that lists hundreds of files."""
    written = f"{value:,.{places}f}"
    if current_locale.get() == "fr":
        return written.replace(",", "\xa0").replace(".", ",")
    return written


def file_size(size: int | None) -> str:
    """228 KB, 2.2 MB; in French 228 Ko, 2,2 Mo (powers of 1024, few digits, as the old listings)."""
    if size is None:
        return ""
    units = _SIZE_UNITS[current_locale.get()]
    space = "\xa0" if current_locale.get() == "fr" else " "
    if size < 1024:
        return f"{_decimal(size, 0)}{space}{units[0]}"
    if size < 1024 * 1024:
        return f"{_decimal(round(size / 1024), 0)}{space}{units[1]}"
    if size < 1024**3:
        return f"{_decimal(size / 1024**2, 1)}{space}{units[2]}"
    return f"{_decimal(size / 1024**3, 1)}{space}{units[3]}"


def _month(value: dt.date) -> str:
    return get_month_names("wide", locale=_babel_locale())[value.month]


def long_date(value: dt.date | None) -> str:
    """Monday, September 22, 2003 / lundi 22 septembre 2003."""
    if value is None:
        return ""
    return babel_format_date(value, "full", locale=_babel_locale())


def short_date(value: dt.date | None) -> str:
    """September 22, 2003 / 22 septembre 2003."""
    if value is None:
        return ""
    return babel_format_date(value, "long", locale=_babel_locale())


def date_range(start: dt.date, end: dt.date | None) -> str:
    """September 22–23, 2003 / 22 au 23 septembre 2003."""
    if end is None or end == start:
        return long_date(start)
    french = current_locale.get() == "fr"
    if (start.year, start.month) == (end.year, end.month):
        if french:
            return f"{start.day} au {end.day} {_month(start)} {start.year}"
        return f"{_month(start)} {start.day}–{end.day}, {start.year}"
    if french:
        return f"{long_date(start)} au {long_date(end)}"
    return f"{long_date(start)} – {long_date(end)}"


def time_of_day(value: dt.datetime | dt.time | None) -> str:
    """9:30 a.m. / 9 h 30 (no leading zero, as federal sites write it)."""
    if value is None:
        return ""
    if current_locale.get() == "fr":
        return f"{value.hour} h {value.minute:02d}"
    return babel_format_time(value, "h:mm a", locale=_babel_locale())


def date_and_time(value: dt.datetime | None) -> str:
    """September 22, 2003, 9:30 a.m. / 22 septembre 2003, 9 h 30."""
    if value is None:
        return ""
    separator = ", " if current_locale.get() == "en" else " à "
    return f"{short_date(value.date())}{separator}{time_of_day(value)}"


# The languages a record (an event, a material) may be in: the two official languages first, then
# Indigenous languages of Canada and other languages a Canadian public body may publish in. One list,
# used by the forms (a <select>) and by the input schemas that refuse any other code.
RECORD_LANGUAGES: dict[str, str] = {
    "en": N_("English"),
    "fr": N_("French"),
    "iu": N_("Inuktitut"),
    "cr": N_("Cree"),
    "oj": N_("Ojibwe"),
    "mic": N_("Mi’kmaq"),
    "moh": N_("Mohawk"),
    "den": N_("Slavey"),
    "es": N_("Spanish"),
    "pt": N_("Portuguese"),
    "de": N_("German"),
    "zh": N_("Chinese"),
    "ar": N_("Arabic"),
}


def record_language_choices() -> list[tuple[str, str]]:
    """(code, name in the interface's language) for a language <select>: official languages first."""
    return [(code, gettext(name)) for code, name in RECORD_LANGUAGES.items()]


# Provinces and territories, the place names an event's region most often holds, in each language.
_PROVINCES_EN_FR = {
    "Alberta": "Alberta",
    "British Columbia": "Colombie-Britannique",
    "Manitoba": "Manitoba",
    "New Brunswick": "Nouveau-Brunswick",
    "Newfoundland and Labrador": "Terre-Neuve-et-Labrador",
    "Northwest Territories": "Territoires du Nord-Ouest",
    "Nova Scotia": "Nouvelle-Écosse",
    "Nunavut": "Nunavut",
    "Ontario": "Ontario",
    "Prince Edward Island": "Île-du-Prince-Édouard",
    "Quebec": "Québec",
    "Saskatchewan": "Saskatchewan",
    "Yukon": "Yukon",
}
_PROVINCES = {"fr": _PROVINCES_EN_FR, "en": {fr: en for en, fr in _PROVINCES_EN_FR.items()}}


def place_name(name: str | None) -> str:
    """A province's or territory's name in the language spoken now ("New Brunswick" on a French page
    is "Nouveau-Brunswick"); any other place name as it was typed."""
    if not name:
        return ""
    return _PROVINCES[current_locale.get()].get(name.strip(), name)
