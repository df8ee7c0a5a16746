"""Input that can never be right, refused before any handler reads it (an app-wide ``before_request``).

A path parameter that no record can have (an id past BIGINT, a slug with a NUL byte) answers 404, as
any unknown address does; a query parameter or form field with a forbidden character, or a query value
no page needs, answers 400 naming it. Stored text is checked again, with each column's own limit, by
``models.validation`` before every flush.
"""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import NotFoundException, ValidationException

from ..i18n import N_, format_number, gettext
from ..models.validation import MAX_ID, forbidden_character

MAX_PATH_TEXT = 255  # longer than any slug, token or file name we give out
MAX_QUERY_TEXT = 2_000
_FORM_TYPES = ("application/x-www-form-urlencoded",)


def _refuse(sentence: str, name: str, **values: object) -> ValidationException:
    """A 400 whose `sentence` (translated) names the parameter or field."""
    return ValidationException(gettext(sentence) % {"name": name[:60], **values})


def _check_query(name: str, value: str) -> None:
    if len(value) > MAX_QUERY_TEXT:
        raise _refuse(
            N_("The query parameter “%(name)s” is longer than %(limit)s characters."),
            name,
            limit=format_number(MAX_QUERY_TEXT),
        )
    character = forbidden_character(value, multiline=False) or forbidden_character(name, multiline=False)
    if character:
        raise _refuse(
            N_("The query parameter “%(name)s” holds a character that is not allowed: %(character)s."),
            name,
            character=character,
        )
    if value.isascii() and value.isdigit() and int(value) > MAX_ID:
        raise _refuse(N_("The query parameter “%(name)s” is a number too large to be an id or a page."), name)


async def refuse_impossible_input(request: Request) -> None:
    for value in request.path_params.values():
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            raise NotFoundException(gettext("There is no such page."))
        if isinstance(value, str) and (
            len(value) > MAX_PATH_TEXT or forbidden_character(value, multiline=False)
        ):
            raise NotFoundException(gettext("There is no such page."))
    for name, value in request.query_params.multi_items():
        _check_query(name, value)
    if request.method in ("POST", "PUT", "PATCH") and request.content_type[0] in _FORM_TYPES:
        form = await request.form()
        for name, value in form.multi_items():
            character = forbidden_character(name) or (isinstance(value, str) and forbidden_character(value))
            if character:
                raise _refuse(
                    N_("The field “%(name)s” holds a character that is not allowed: %(character)s."),
                    name,
                    character=character,
                )
