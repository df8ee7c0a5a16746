"""Accounts: the input schemas of the sign-in and user administration forms."""

from __future__ import annotations

from typing import Any

import msgspec

from ...i18n import N_
from ...models import Role
from ...web.forms import FormError, FormSchema, Id

# What the pages call each role (translated where shown: ``_(label)``).
ROLE_LABELS = {Role.ADMIN: N_("Admin"), Role.STAFF: N_("Staff"), Role.ORGANISER: N_("Organiser")}
GRANT_PREFIX = "event_"  # the user page ticks one box per event: event_<id> = <id>


class SignInForm(FormSchema):
    email: str = ""
    next: str | None = None


class NewUserForm(FormSchema):
    email: str = ""
    role: Role = Role.ORGANISER
    display_name: str | None = None


class UserForm(FormSchema):
    role: Role | None = None  # absent: unchanged
    is_active: bool = False  # an unticked box is not sent
    display_name: str | None = None
    language: str | None = None  # "en", "fr", or empty: follow the browser


class LanguageForm(FormSchema):
    """The switch in the management header and the own account page."""

    language: str | None = None  # "en", "fr", or empty: follow the browser
    next: str | None = None  # the page to go back to


def password(data: dict[str, Any]) -> str:
    """The password as typed: blanks around it are part of it (schemas trim every field)."""
    value = data.get("password", "")
    if not isinstance(value, str):
        raise FormError("password", "was sent more than once.")
    return value


def granted_ids(data: dict[str, Any]) -> set[int]:
    """The ids of the events ticked on the user page; a box whose value is no id answers 400."""
    ids: set[int] = set()
    for name, value in data.items():
        if name.startswith(GRANT_PREFIX):
            try:
                ids.add(msgspec.convert(value.strip() if isinstance(value, str) else value, Id, strict=False))
            except msgspec.ValidationError:
                raise FormError(name, "is not a valid event id.") from None
    return ids
