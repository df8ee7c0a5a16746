"""The directory's management forms, as schemas: a field of the wrong type is a 400 naming it."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

from ...models import OrganisationKind
from ...web.forms import FormSchema, Id


def lines(value: str | None) -> list[str]:
    """One alias a line, blanks dropped."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class RecordForm(FormSchema):
    # The form field that holds each record field typed as a name (an error about it is shown there).
    TYPED: ClassVar[dict[str, str]] = {}

    @classmethod
    def field_of(cls, record_field: str | None) -> str | None:
        """The form's field for a field of the record; None when the form has no such field."""
        name = cls.TYPED.get(record_field or "", record_field)
        return name if name in cls.__struct_fields__ else None


class PersonForm(RecordForm):
    TYPED: ClassVar[dict[str, str]] = {"organisation_id": "organisation"}

    given_name: str = ""
    family_name: str = ""
    honorific: str | None = None
    job_title: str | None = None
    organisation: str | None = None  # a name, acronym or alias: never an id
    biography: str | None = None
    email: str | None = None
    aliases: str = ""

    def fields(self) -> dict[str, Any]:
        """The record's fields, but the organisation (typed as a name: see manage/people.py)."""
        return {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "honorific": self.honorific,
            "job_title": self.job_title,
            "biography": self.biography,
            "email": self.email,
            "aliases": lines(self.aliases),
        }


class OrganisationForm(RecordForm):
    TYPED: ClassVar[dict[str, str]] = {"parent_id": "parent", "successor_id": "successor"}

    name: str = ""
    acronym: str | None = None
    name_fr: str | None = None
    acronym_fr: str | None = None
    kind: str | None = None  # a value of OrganisationKind; any other is no kind, as the select offers
    jurisdiction: str | None = None
    website: str | None = None
    aliases: str = ""
    parent: str | None = None  # names, acronyms or aliases: never ids
    successor: str | None = None

    def fields(self) -> dict[str, Any]:
        """The record's fields, but the parent and successor (typed as names)."""
        return {
            "name": self.name,
            "acronym": self.acronym,
            "name_fr": self.name_fr,
            "acronym_fr": self.acronym_fr,
            "kind": OrganisationKind(self.kind) if self.kind in {k.value for k in OrganisationKind} else None,
            "jurisdiction": self.jurisdiction,
            "website": self.website,
            "aliases": lines(self.aliases),
        }


class MergeForm(FormSchema):
    survivor: Id | None = None  # the record to keep: one of the pair


def values_of(form: FormSchema) -> dict[str, Any]:
    """The form as it was sent, to fill it in again beside its errors."""
    return msgspec.structs.asdict(form)
