"""The events area's forms, read with `events.web.forms.parse`: a field that cannot be read (an id that is
no id, a field sent twice) answers 400 naming it; what a person can get wrong is said on the form."""

from __future__ import annotations

from typing import Any

import msgspec

from ...web.forms import FormSchema, Id, read_date


class EventForm(FormSchema):
    """An event's details, as created or edited."""

    title: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    description: str | None = None
    venue: str | None = None
    city: str | None = None
    region: str | None = None
    host: str | None = None
    language: str | None = None

    def values(self) -> dict[str, Any]:
        """The fields as typed, to show the form again."""
        return msgspec.structs.asdict(self)

    def fields(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The event's fields for the service, and the message of each field that is wrong."""
        errors: dict[str, str] = {}
        fields = {
            "title": self.title,
            "start_date": read_date(self.start_date, "start_date", errors, required=True),
            "end_date": read_date(self.end_date, "end_date", errors),
            "description": self.description,
            "venue": self.venue,
            "city": self.city,
            "region": self.region,
            "host": self.host,
            "language": self.language or "en",
        }
        if not fields["title"]:
            errors["title"] = "Please give the event a title."
        if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
            errors["end_date"] = "The end date is before the start date."
        return fields, errors


class StatusForm(FormSchema):
    status: str = ""


class SessionForm(FormSchema):
    title: str | None = None
    host_organisation: str | None = None  # an organisation's name or acronym, created if it is new
    description: str | None = None


class MoveForm(FormSchema):
    direction: str | None = None  # "up", anything else moves down

    @property
    def step(self) -> int:
        return -1 if self.direction == "up" else 1


class PresentationForm(FormSchema):
    title: str | None = None
    abstract: str | None = None
    session_id: Id | None = None  # empty: not in a session


class SpeakerForm(FormSchema):
    """A speaker added from the directory (person_id), or a new person (given and family name)."""

    person_id: Id | None = None
    given_name: str | None = None
    family_name: str | None = None
    job_title: str | None = None
    organisation: str | None = None


class SpeakerCreditForm(FormSchema):
    """A speaker's title and organisation at this event."""

    job_title: str | None = None
    organisation: str | None = None
