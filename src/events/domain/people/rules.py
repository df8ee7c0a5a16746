"""The directory's rules for names and fields, shared by the service, the bulk writer and the CSV import."""

from __future__ import annotations

from typing import Any

from ...i18n import gettext
from ...models.organisations import folded_organisation_names
from ...models.people import folded_person_names
from ...text import fold


class DirectoryError(ValueError):
    """A write the directory refuses, with a message for the person who asked; ``field`` names the
    record's field at fault when it is one (a form shows the message beside it)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


PERSON_FIELDS = (
    "given_name",
    "family_name",
    "honorific",
    "job_title",
    "organisation_id",
    "biography",
    "email",
    "aliases",
)
ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "name_fr",
    "acronym_fr",
    "kind",
    "jurisdiction",
    "website",
    "aliases",
    "parent_id",
    "successor_id",
)


def clean_aliases(aliases: list[str] | None, *own_names: str | None) -> list[str]:
    """Aliases without blanks, repeats (accents and case ignored) or the record's own names."""
    seen = {fold(name) for name in own_names if name}
    kept = []
    for alias in aliases or []:
        alias = " ".join(alias.split())
        folded = fold(alias)
        if alias and folded not in seen:
            seen.add(folded)
            kept.append(alias)
    return kept


def clean_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    if email and ("@" not in email or " " in email or len(email) > 320):
        raise DirectoryError(
            gettext("“%(email)s” is not an e-mail address.") % {"email": email}, field="email"
        )
    return email or None


def has_a_letter(name: str) -> bool:
    return any(character.isalpha() for character in name)


def clean_organisation_name(name: str | None) -> str:
    """An organisation's name with its spaces tidied; refuses a blank one or one without a letter
    (typed digits are never taken for a record's id, nor do they make an organisation called "42")."""
    name = " ".join((name or "").split())
    if not name:
        raise DirectoryError(gettext("An organisation needs a name."), field="name")
    if not has_a_letter(name):
        raise DirectoryError(
            gettext("“%(name)s” is not an organisation's name: a name has at least one letter.")
            % {"name": name},
            field="name",
        )
    return name


def loop_refusal(name: str, relation: str) -> str:
    """Why an organisation cannot be its own parent or successor, however indirectly."""
    message = (
        gettext("%(name)s cannot be part of itself, directly or through others.")
        if relation == "parent_id"
        else gettext("%(name)s cannot be succeeded by itself, directly or through others.")
    )
    return message % {"name": name}


# --- the same rules over plain rows, for the bulk writer (bulk.py) ---------------------------------------


def _spaces(text: str | None) -> str:
    return " ".join((text or "").split())


def _unknown(fields: dict[str, Any], known: tuple[str, ...]) -> None:
    unknown = set(fields) - set(known) - {"slug"}
    if unknown:
        raise TypeError(f"Not directory fields: {sorted(unknown)}")


def new_person(fields: dict[str, Any]) -> dict[str, Any]:
    """The columns of a new person, by the rules of ``service.create_person``."""
    _unknown(fields, PERSON_FIELDS)
    given, family = _spaces(fields.get("given_name")), _spaces(fields.get("family_name"))
    if not family:
        raise DirectoryError(gettext("A person needs a family name."), field="family_name")
    aliases = clean_aliases(fields.get("aliases"), f"{given} {family}")
    values = {name: fields.get(name) for name in PERSON_FIELDS}
    values |= {"given_name": given, "family_name": family, "email": clean_email(fields.get("email"))}
    return values | {"aliases": aliases} | folded_person_names(given, family, aliases)


def changed_person(person: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The columns that change, by the rules of ``service.update_person``."""
    _unknown(fields, PERSON_FIELDS)
    fields = dict(fields)
    for name in ("given_name", "family_name"):
        if name in fields:
            fields[name] = _spaces(fields[name])
    given, family = fields.get("given_name", person.given_name), fields.get("family_name", person.family_name)
    if not family:
        raise DirectoryError(gettext("A person needs a family name."), field="family_name")
    if "email" in fields:
        fields["email"] = clean_email(fields["email"])
    if "aliases" in fields:
        fields["aliases"] = clean_aliases(fields["aliases"], f"{given} {family}")
    changes = {name: value for name, value in fields.items() if getattr(person, name) != value}
    if changes.keys() & {"given_name", "family_name", "aliases"}:
        folded = folded_person_names(given, family, changes.get("aliases", person.aliases))
        changes |= {name: value for name, value in folded.items() if getattr(person, name) != value}
    return changes


def new_organisation(fields: dict[str, Any]) -> dict[str, Any]:
    """The columns of a new organisation, by the rules of ``service.create_organisation``."""
    _unknown(fields, ORGANISATION_FIELDS)
    name = clean_organisation_name(fields.get("name"))
    aliases = clean_aliases(fields.get("aliases"), name, fields.get("acronym"))
    values = {column: fields.get(column) for column in ORGANISATION_FIELDS} | {
        "name": name,
        "name_fr": _spaces(fields.get("name_fr")) or None,
        "aliases": aliases,
    }
    return values | folded_organisation_names(
        name, values["acronym"], aliases, values["name_fr"], values["acronym_fr"]
    )


def changed_organisation(organisation: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The columns that change, by the rules of ``service.update_organisation`` (loops: ``_refuse_loops``)."""
    _unknown(fields, ORGANISATION_FIELDS)
    fields = dict(fields)
    if "name" in fields:
        fields["name"] = clean_organisation_name(fields["name"])
    if "name_fr" in fields:
        fields["name_fr"] = _spaces(fields["name_fr"]) or None
    name, acronym = fields.get("name", organisation.name), fields.get("acronym", organisation.acronym)
    if "aliases" in fields:
        fields["aliases"] = clean_aliases(fields["aliases"], name, acronym)
    changes = {column: value for column, value in fields.items() if getattr(organisation, column) != value}
    if changes.keys() & {"name", "acronym", "name_fr", "acronym_fr", "aliases"}:
        folded = folded_organisation_names(
            name,
            acronym,
            changes.get("aliases", organisation.aliases),
            fields.get("name_fr", organisation.name_fr),
            fields.get("acronym_fr", organisation.acronym_fr),
        )
        changes |= {
            column: value for column, value in folded.items() if getattr(organisation, column) != value
        }
    return changes
