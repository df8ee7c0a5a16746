"""The events area's forms, read with `events.web.forms.parse`: a field that cannot be read (an id that is
no id, a field sent twice) answers 400 naming it; what a person can get wrong is said on the form."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from ...i18n import RECORD_LANGUAGES, gettext
from ...web.forms import FormSchema, Id, read_date

# The longest text each column keeps (models/events.py): longer answers 400 naming the field.
Title = Annotated[str, msgspec.Meta(max_length=300)]
LongTitle = Annotated[str, msgspec.Meta(max_length=500)]
Text = Annotated[str, msgspec.Meta(max_length=20_000)]
# A record's language, chosen from the list (i18n.RECORD_LANGUAGES); anything else answers 400.
RecordLanguage = Literal[tuple(RECORD_LANGUAGES)]  # type: ignore[valid-type]


class EventForm(FormSchema):
    """An event's details, as created or edited."""

    title: Title | None = None
    title_fr: Title | None = None
    start_date: str | None = None
    end_date: str | None = None
    description: Text | None = None
    description_fr: Text | None = None
    venue: str | None = None
    city: str | None = None
    region: str | None = None
    host: str | None = None
    host_fr: str | None = None
    language: RecordLanguage = "en"

    def values(self) -> dict[str, Any]:
        """The fields as typed, to show the form again."""
        return msgspec.structs.asdict(self)

    def fields(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The event's fields for the service, and the message of each field that is wrong."""
        errors: dict[str, str] = {}
        fields = {
            "title": self.title or "",  # a French-only event keeps its English title empty
            "title_fr": self.title_fr,
            "start_date": read_date(self.start_date, "start_date", errors, required=True),
            "end_date": read_date(self.end_date, "end_date", errors),
            "description": self.description,
            "description_fr": self.description_fr,
            "venue": self.venue,
            "city": self.city,
            "region": self.region,
            "host": self.host,
            "host_fr": self.host_fr,
            "language": self.language,
        }
        if not self.title and not self.title_fr:
            errors["title"] = gettext("Please give the event a title.")
        if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
            errors["end_date"] = gettext("The end date is before the start date.")
        return fields, errors


class StatusForm(FormSchema):
    status: str = ""


class Titled:
    """A title in English, French or both: at least one is needed."""

    title: str | None
    title_fr: str | None

    @property
    def has_title(self) -> bool:
        return bool(self.title or self.title_fr)


class SessionForm(FormSchema, Titled):
    title: Title | None = None
    title_fr: Title | None = None
    host_organisation: str | None = None  # an organisation's name or acronym, created if it is new
    description: Text | None = None
    description_fr: Text | None = None


class MoveForm(FormSchema):
    direction: str | None = None  # "up", anything else moves down

    @property
    def step(self) -> int:
        return -1 if self.direction == "up" else 1


class PresentationForm(FormSchema, Titled):
    title: LongTitle | None = None
    title_fr: LongTitle | None = None
    abstract: Text | None = None
    abstract_fr: Text | None = None
    session_id: Id | None = None  # empty: not in a session


class SpeakerForm(FormSchema):
    """A speaker added from the directory (person_id), or a new person (given and family name)."""

    person_id: Id | None = None
    given_name: str | None = None
    family_name: str | None = None
    job_title: Title | None = None
    job_title_fr: Title | None = None  # at this event only (the directory keeps the person's English one)
    organisation: str | None = None


class SpeakerCreditForm(FormSchema):
    """A speaker's title (in English and French) and organisation at this event."""

    job_title: Title | None = None
    job_title_fr: Title | None = None
    organisation: str | None = None
