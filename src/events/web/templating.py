"""The Jinja environment: filters that turn stored values into what a reader expects to see."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from jinja2 import Environment, pass_environment
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from markupsafe import Markup, escape, soft_str

from ..audit import action_label
from ..config import Settings
from ..i18n import (
    LANGUAGE_NAMES,
    N_,
    current_locale,
    date_and_time,
    date_range,
    file_size,
    format_number,
    gettext,
    long_date,
    ngettext,
    pgettext,
    place_name,
    short_date,
    time_of_day,
    use_locale,
)
from ..models.validation import printable
from ..resources import TEMPLATES_DIR
from .locale import alternates

_TYPE_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.oasis.opendocument.presentation": N_("OpenDocument presentation"),
    "application/vnd.oasis.opendocument.text": N_("OpenDocument text"),
    "application/vnd.oasis.opendocument.spreadsheet": N_("OpenDocument spreadsheet"),
    "text/plain": N_("text"),
    "text/csv": "CSV",
}
_MEDIA_LABELS = {"image": N_("image"), "audio": N_("audio"), "video": N_("video")}


def file_type(content_type: str | None, filename: str | None = None) -> str:
    if content_type in _TYPE_LABELS:
        return gettext(_TYPE_LABELS[content_type])
    major = (content_type or "").partition("/")[0]
    if major in _MEDIA_LABELS:
        return gettext(_MEDIA_LABELS[major])
    suffix = PurePosixPath(filename or "").suffix.lstrip(".")
    return suffix.upper() or gettext("file")


_ID, _NAME = "MATERIALID", "FILENAME"  # stand-ins that quoting leaves as they are


@pass_environment
def material_href(environment: Environment, material) -> str:  # noqa: ANN001
    """Where a material is fetched: its download URL (route "download"), or the external link.

    An event page links to each of its files: the route's path is taken once from its name, as a
    format string, and filled in here: as fast as the hand-built path it replaces, where a full
    `url(...)` call per link took twice as long (measured).
    """
    if material.external_url:
        return material.external_url
    path = environment.globals.get("download_path")
    if path is None:
        built = environment.globals["url"]("download", material_id=_ID, filename=_NAME)
        path = environment.globals["download_path"] = built.replace(_ID, "{0}").replace(_NAME, "{1}")
    return path.format(material.id, quote(material.current_version.filename, safe=""))


def material_label(material, language: str | None = None) -> str:  # noqa: ANN001
    """'(PDF, 228 KB)' for a file, '(link)' for an external one; in `language`'s words if given
    ('(PDF, 240 Ko)' for the French file offered beside an English one on the English page)."""
    if language is not None and language != current_locale.get():
        with use_locale(language):
            return material_label(material)
    version = material.current_version
    if material.external_url or version is None:
        return gettext("(link)")
    return (
        f"({file_type(version.content_type, version.filename)}, {file_size(version.size)})"  # alike in both
    )


_KIND_LABELS = {
    "slides": N_("Slides"),
    "handout": N_("Handout"),
    "paper": N_("Paper"),
    "recording": N_("Recording"),
    "link": N_("Link"),
}


_ORGANISATION_KINDS = {
    "federal": N_("Federal"),
    "provincial": N_("Provincial"),
    "municipal": N_("Municipal"),
    "agency": N_("Agency"),
    "crown corporation": N_("Crown corporation"),
    "intergovernmental": N_("Intergovernmental"),
    "academic": N_("Academic"),
    "non-profit": N_("Non-profit"),
    "private": N_("Private"),
}


def _label(labels: dict[str, str], kind) -> str:  # noqa: ANN001
    value = getattr(kind, "value", kind)
    return gettext(labels[value]) if value in labels else str(value).capitalize()


def kind_label(kind) -> str:  # noqa: ANN001
    """A material's kind as a reader names it: 'Slides', 'Diapositives'."""
    return _label(_KIND_LABELS, kind)


def organisation_kind(kind) -> str:  # noqa: ANN001
    """An organisation's kind as a reader names it: 'Crown corporation', 'Société d’État'."""
    return _label(_ORGANISATION_KINDS, kind)


def with_job_titles(links) -> bool:  # noqa: ANN001
    """Whether any speaker of a talk was credited with a job title, in either language."""
    return any(link.job_title or link.job_title_fr for link in links)


# A language named in its own words, in running text: "· français (PDF, 240 Ko)".
OWN_NAMES = {"en": "English", "fr": "français"}


def material_language(material) -> str:  # noqa: ANN001
    """The language of a material's file; none given means English (the archive's first decks)."""
    return "fr" if material.language == "fr" else "en"


@dataclass(slots=True)
class Offer:
    """A material as a listing offers it: in the page's language first when it exists in both."""

    material: object
    translation: object | None = None  # the same kind of material in the other language
    only_in: str | None = None  # its language, when it has no translation and the page speaks the other


def in_pairs(materials) -> list[Offer]:  # noqa: ANN001
    """Pair each English material with a French one of the same kind (in their order), the page's
    language first; a material alone in the other language says so (`only_in`)."""
    page = current_locale.get()
    if page == "en":  # the archive's usual case, on its busiest page: nothing in French, nothing to pair
        for material in materials:
            if material.language == "fr":
                break
        else:
            return [Offer(material) for material in materials]
    offers: list[Offer] = []
    waiting: dict[tuple[object, str], list[Offer]] = {}
    for material in materials:
        language = material_language(material)
        partners = waiting.get((material.kind, "en" if language == "fr" else "fr"))
        if partners:
            offer = partners.pop(0)
            if language == page:
                offer.material, offer.translation = material, offer.material
            else:
                offer.translation = material
            continue
        offer = Offer(material)
        offers.append(offer)
        waiting.setdefault((material.kind, language), []).append(offer)
    for offer in offers:
        if offer.translation is None and material_language(offer.material) != page:
            offer.only_in = material_language(offer.material)
    return offers


def paragraphs(text: str | None) -> Markup:
    """Plain text with blank lines between paragraphs, as safe HTML paragraphs (a fallback to the
    other language, see LocalText, is wrapped in a block that says its language)."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    html = Markup("\n").join(Markup("<p>%s</p>") % escape(block) for block in blocks if block)
    lang = getattr(text, "lang", None)
    if html and lang and lang != current_locale.get():
        return Markup('<div lang="{0}">{1}</div>').format(lang, html)
    return html


class LocalText(str):
    """A record's text in the page's language, or in the other one when it has none there.

    Printed in a template, a fallback carries its language for screen readers and translators:
    `<span lang="en">Single Window</span>` on a French page. `.lang` says which language it is in.
    """

    lang: str

    def __new__(cls, text: str, lang: str) -> LocalText:
        made = super().__new__(cls, text)
        made.lang = lang
        return made

    def __html__(self) -> str:
        if self.lang == current_locale.get() or not self:
            return str(escape(str(self)))
        return str(Markup('<span lang="{0}">{1}</span>').format(self.lang, str(self)))


def in_language(record: object, field: str) -> str:
    """`record.field` (English) or `record.field_fr` (French), in the language spoken now if the record
    has it, else in the other, as a LocalText that says so: {{ event | tr("title") }}. Works on models
    and on read-model rows. Text in the page's language is a plain str (the event page's hot path)."""
    if current_locale.get() == "fr":
        french = getattr(record, f"{field}_fr", None)
        return french or LocalText(getattr(record, field, None) or "", "en")
    return getattr(record, field, None) or LocalText(getattr(record, f"{field}_fr", None) or "", "fr")


def as_string(value: object) -> str:
    """Jinja's `string` filter, that also drops a LocalText's language mark: where markup cannot go
    (`<title>`, an attribute), `{{ (event | tr("title")) | string }}` is the bare text."""
    return str(value) if isinstance(value, LocalText) else soft_str(value)


def written_in(text: str | None, lang: str | None = None) -> LocalText:
    """A text that exists in one language only (a person's current job title, a biography: English
    unless said otherwise), marked with its language on a page in the other."""
    return LocalText(text or "", lang or "en")


class _InLanguage:
    """A setting with a value per language (the site's name), printed in the language spoken now."""

    def __init__(self, **values: str) -> None:
        self._values = values

    def __str__(self) -> str:
        return self._values[current_locale.get()]

    def __html__(self) -> str:
        return str(escape(str(self)))


def script_messages() -> dict[str, str]:
    """What static/manage.js says, in the page's language (it reads them from <body data-messages>)."""
    return {
        "uploading_file": gettext("Uploading %(name)s"),
        "uploaded": gettext("uploaded"),
        "not_uploaded": gettext("not uploaded: %(reason)s"),
        "network_failure": gettext("failed (network)"),
        "uploading": gettext("Uploading…"),
        "checking_rows": gettext("Uploaded; checking every row…"),
        "not_imported": gettext("Not imported: %(reason)s"),
        "upload_network_failure": gettext("The upload failed (network). Please try again."),
    }


def configure_environment(environment: Environment, settings: Settings) -> None:
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)  # type: ignore[attr-defined]
    environment.filters.update(
        file_size=file_size,
        file_type=file_type,
        long_date=long_date,
        short_date=short_date,
        time_of_day=time_of_day,
        date_and_time=date_and_time,
        number=format_number,
        tr=in_language,
        written_in=written_in,
        place=place_name,
        string=as_string,
        paragraphs=paragraphs,
        material_href=material_href,
        material_label=material_label,
        material_language=material_language,
        kind_label=kind_label,
        organisation_kind=organisation_kind,
        in_pairs=in_pairs,
        with_job_titles=with_job_titles,
        printable=printable,
        action_label=action_label,
    )
    environment.globals.update(
        site_name=_InLanguage(en=settings.site_name, fr=settings.site_name_fr),
        date_range=date_range,
        lang=current_locale.get,
        page_alternates=alternates,
        script_messages=script_messages,
        public_url=settings.public_url,
        language_names=LANGUAGE_NAMES,
        own_names=OWN_NAMES,
        print_view=False,
        max_upload_mb=settings.max_upload_mb,
    )
    environment.trim_blocks = True
    environment.lstrip_blocks = True


def template_config(settings: Settings) -> TemplateConfig:
    return TemplateConfig(
        directory=TEMPLATES_DIR,
        engine=JinjaTemplateEngine,
        engine_callback=lambda engine: configure_environment(engine.engine, settings),
    )


def render_page(request, template_name: str, **context: object) -> str:  # noqa: ANN001
    """Render a template to a string (public pages are cached as strings by the page cache)."""
    template = request.app.template_engine.get_template(template_name)
    return template.render(request_path=request.url.path, alternates=alternates(request), **context)
