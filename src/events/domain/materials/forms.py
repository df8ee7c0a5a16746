"""What the materials forms accept: a tampered field answers 400 naming it, never a 500."""

from __future__ import annotations

from typing import Literal

from ...i18n import RECORD_LANGUAGES
from ...models import MaterialKind, Visibility
from ...web.forms import FormSchema, Id

# A material's language, chosen from the list (i18n.RECORD_LANGUAGES); empty: the presentation's.
MaterialLanguage = Literal[tuple(RECORD_LANGUAGES)]  # type: ignore[valid-type]


class LinkForm(FormSchema):
    """An external link added to the event or to one of its presentations."""

    url: str = ""
    title: str | None = None
    presentation_id: Id | None = None


class MaterialSettingsForm(FormSchema):
    """Title, kind, visibility and release time (typed as YYYY-MM-DDTHH:MM, read by the handler)."""

    title: str | None = None
    kind: MaterialKind | None = None  # absent: the material keeps its kind
    visibility: Visibility = Visibility.PUBLIC
    release_at: str | None = None
    language: MaterialLanguage | None = None  # empty: the same as the presentation


class DeleteForm(FormSchema):
    restore: bool = False  # "1": restore a deleted material


class UploadFields(FormSchema):
    """The text fields of an upload (its files are read apart, as they stream in)."""

    kind: MaterialKind = MaterialKind.SLIDES
    language: MaterialLanguage | None = None  # empty: the same as the presentation (the French deck: "fr")


class InvitationForm(FormSchema):
    person_id: Id | None = None  # empty: anyone with the link
    expires_on: str | None = None
