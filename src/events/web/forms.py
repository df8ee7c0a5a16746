"""What every management form handler reads its body with."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, TypeVar, get_args, get_type_hints

import msgspec
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.params import Body

from ..i18n import N_, gettext
from ..models.validation import MAX_ID, as_id, check_text

S = TypeVar("S", bound="FormSchema")

# A URL-encoded form as a plain dict (fields whose name repeats arrive as lists).
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def form_text(data: dict[str, Any], name: str) -> str | None:
    """The field's text with surrounding blanks removed, or None when it is empty or absent."""
    value = data.get(name)
    value = value.strip() if isinstance(value, str) else None
    return value or None


# Listings are paged 25 to 50 at a time: past this a page number is a mistake (and too large an OFFSET).
MAX_PAGE = 10_000


def form_id(data: dict[str, Any], name: str) -> int | None:
    """The id in field ``name`` (None when it is empty); a value that cannot be an id answers 400."""
    value = form_text(data, name)
    if value is None:
        return None
    found = as_id(value)
    if found is None:
        raise ValidationException(_not_an_id(name, value))
    return found


def read_date(
    value: str | None, name: str, errors: dict[str, str], *, required: bool = False
) -> dt.date | None:
    """The date typed in field `name`, or None with the reason in `errors`."""
    if value is None:
        if required:
            errors[name] = gettext("Please give a date.")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = gettext("Please give a date as YYYY-MM-DD.")
        return None


def page_number(value: str | None) -> int:
    """A page number from a query string: 1 unless it is a whole number from 1 to MAX_PAGE."""
    return min(as_id(value) or 1, MAX_PAGE)


# --- input schemas ---------------------------------------------------------------------------------
# A form is declared as a msgspec Struct and parsed with `parse(data, Schema)`: blanks are trimmed, an
# empty field takes the schema's default, and a field of the wrong type or out of range answers 400
# naming the field (a tampered form is the client's mistake, never a 500).

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


class FormSchema(msgspec.Struct, forbid_unknown_fields=False):
    """Base of every management form's input schema."""


# What can be wrong with a field, each said as a whole sentence (the field's name in it).
_REASONS = {
    "is required.": N_("The field “%(field)s” is required."),
    "was sent more than once.": N_("The field “%(field)s” was sent more than once."),
    "does not hold a valid value.": N_("The field “%(field)s” does not hold a valid value."),
    "is not a valid event id.": N_("The field “%(field)s” is not a valid event id."),
}


def _not_an_id(field: str, value: object) -> str:
    return gettext("The field “%(field)s” is not a valid id: %(value)s.") % {
        "field": field,
        "value": repr(str(value)[:40]),
    }


class FormError(ValidationException):
    """A form field that cannot be read: 400, naming the field. `message` is one of the reasons above
    ("is required."), or a whole sentence."""

    def __init__(self, field: str, message: str) -> None:
        reason = _REASONS.get(message)
        super().__init__(gettext(reason) % {"field": field} if reason else message)
        self.field = field


_FIELD_PATH = re.compile(r"at `\$\.(\w+)")
_MAX_LENGTH = re.compile(r"Expected `str` of length <= (\d+)")


def _cleaned(data: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if value:
                cleaned[name] = value
        elif isinstance(value, list):
            cleaned[name] = [item.strip() if isinstance(item, str) else item for item in value]
        else:
            cleaned[name] = value
    return cleaned


def _is_id(schema: type, field: str) -> bool:
    hint = get_type_hints(schema, include_extras=True).get(field)
    return hint is not None and (hint == Id or Id in get_args(hint))


def parse(data: dict[str, Any] | None, schema: type[S]) -> S:
    """The form `data` read as `schema`, or a 400 that names the field at fault."""
    cleaned = _cleaned(data or {})
    try:
        return msgspec.convert(cleaned, type=schema, strict=False)
    except msgspec.ValidationError as error:
        message = str(error)
        found = _FIELD_PATH.search(message)
        field = found.group(1) if found else "form"
        if message.startswith("Object missing required field"):
            field = message.rpartition("`")[0].rpartition("`")[2] or field
            raise FormError(field, "is required.") from None
        if "Expected `array`" in message:
            raise FormError(field, "was sent more than once.") from None
        if _is_id(schema, field):  # the words form_id has always answered with
            raise FormError(field, _not_an_id(field, cleaned.get(field))) from None
        longest = _MAX_LENGTH.search(message)
        if longest and isinstance(cleaned.get(field), str):  # the sentence the models say (InvalidText)
            check_text(field.replace("_", " "), cleaned[field], int(longest.group(1)))
        raise FormError(field, "does not hold a valid value.") from None
