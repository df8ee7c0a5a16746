"""Reading a person's or organisation's form: the schema, then the organisations typed by name."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ....i18n import gettext
from ....models import Organisation, Person
from .. import queries
from ..forms import OrganisationForm, PersonForm
from ..rules import ORGANISATION_FIELDS, PERSON_FIELDS, DirectoryError, clean_email, has_a_letter


async def _named(
    db: AsyncSession, value: str | None, field: str, errors: dict[str, str]
) -> Organisation | None:
    """The organisation typed in ``field``, by name: unknown names are an error, not a new record."""
    if value is None:
        return None
    if not has_a_letter(value):
        errors[field] = gettext(
            "“%(value)s” is not an organisation's name: type its name or acronym, which has at least one letter."
        ) % {"value": value}
        return None
    found = await queries.organisation_named(db, value)
    if found is None:
        errors[field] = gettext(
            "No organisation is called “%(value)s”. Add it to the directory first, or check the spelling."
        ) % {"value": value}
    return found


async def person_fields(
    db: AsyncSession, form: PersonForm
) -> tuple[dict[str, Any], Organisation | None, dict[str, str]]:
    """The person's fields, their organisation, and the errors by form field."""
    errors: dict[str, str] = {}
    fields = form.fields()
    organisation = await _named(db, form.organisation, "organisation", errors)
    if not fields["family_name"]:
        errors["family_name"] = gettext("Please give the family name.")
    if fields["email"]:
        try:
            fields["email"] = clean_email(fields["email"])
        except DirectoryError as error:
            errors["email"] = str(error)
    return fields, organisation, errors


async def organisation_fields(
    db: AsyncSession, form: OrganisationForm
) -> tuple[dict[str, Any], dict[str, Organisation | None], dict[str, str]]:
    """The organisation's fields, its parent and successor, and the errors by form field."""
    errors: dict[str, str] = {}
    fields = form.fields()
    related = {
        "parent": await _named(db, form.parent, "parent", errors),
        "successor": await _named(db, form.successor, "successor", errors),
    }
    if not fields["name"]:
        errors["name"] = gettext("Please give the organisation's name.")
    elif not has_a_letter(fields["name"]):
        errors["name"] = gettext("Please give the organisation's name: a name has at least one letter.")
    if fields["website"] and not fields["website"].startswith(("https://", "http://")):
        errors["website"] = gettext("Please give the website as an address starting with https://.")
    return fields, related, errors


def person_values(person: Person) -> dict[str, Any]:
    values = {name: getattr(person, name) for name in PERSON_FIELDS}
    values["organisation"] = person.organisation.name if person.organisation else ""
    values["aliases"] = "\n".join(person.aliases)
    return values


def organisation_values(organisation: Organisation) -> dict[str, Any]:
    values = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
    values["kind"] = organisation.kind.value if organisation.kind else ""
    values["parent"] = organisation.parent.name if organisation.parent else ""
    values["successor"] = organisation.successor.name if organisation.successor else ""
    values["aliases"] = "\n".join(organisation.aliases)
    return values
