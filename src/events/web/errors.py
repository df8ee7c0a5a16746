"""Error pages: a plain HTML page with the right status for people; JSON problems under /api."""

from __future__ import annotations

import logging
from http import HTTPStatus

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..i18n import N_, gettext
from ..models.validation import InvalidText
from .locale import path_without_language
from .urls import url

logger = logging.getLogger("events")

_TITLES = {
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    409: N_("Changed meanwhile"),
    413: N_("File too large"),
    500: N_("Something went wrong"),
    503: N_("Busy: please try again"),
}
# Litestar's own details are the status's English phrase ("Not Found"): a sentence is shown instead.
_PLAIN_DETAILS = {
    400: N_("The request could not be understood."),
    401: N_("Please sign in to see this page."),
    403: N_("You are not allowed to do this."),
    404: N_("There is no page at this address. It may have moved, or the address may be mistyped."),
    405: N_("This address does not accept this kind of request."),
    409: N_("Someone changed this meanwhile. Reload the page and try again."),
    413: N_("What was sent is too large."),
    415: N_("This kind of content is not accepted here."),
    429: N_("Too many requests at once. Please wait a moment and try again."),
    500: N_("The error has been logged. Please try again later."),
    503: N_("The site is busy. Please try again in a few seconds."),
}
BUSY = N_(
    "The database is busy with other changes right now; nothing was changed. Please try again in a few seconds."
)
RETRY_AFTER_SECONDS = 5
# PostgreSQL errors that mean "busy" or "unreachable", not "wrong": lock or statement timeouts, deadlocks,
# serialisation failures, too many connections, the server shutting down or the connection lost.
_BUSY_SQLSTATES = {"55P03", "57014", "40P01", "40001", "53300", "57P01", "57P02", "57P03"}
_BUSY_SQLITE = ("database is locked", "database is busy", "database table is locked")


def _plain_detail(status: int, detail: str) -> str:
    """The detail a person reads: Litestar's bare status phrase becomes a sentence in their language."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = None
    if not detail or detail == phrase:
        return gettext(_PLAIN_DETAILS.get(status, N_("The request could not be completed.")))
    return detail


def _respond(request: Request, status: int, detail: str) -> Response:
    title = gettext(_TITLES.get(status, N_("Error")))
    detail = _plain_detail(status, detail)
    if request.url.path.startswith("/api") or "application/json" in request.headers.get("accept", ""):
        return Response(
            content={"status": status, "title": title, "detail": detail, "error": detail},
            status_code=status,
            media_type="application/problem+json",
        )
    template = request.app.template_engine.get_template("errors/error.html")
    body = template.render(
        status=status,
        title=title,
        detail=detail,
        request_path=request.url.path,
        switch_next=path_without_language(request),
    )
    return Response(content=body, status_code=status, media_type=MediaType.HTML)


CSRF_FAILED = N_(
    "This form could not be accepted: it has expired, or it was sent from another site. Nothing was changed. "
    "Go back, reload the page and try again."
)


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    if exc.status_code >= HTTP_500_INTERNAL_SERVER_ERROR:
        logger.error("error on %s", request.url.path, exc_info=exc)
    if exc.status_code == HTTP_401_UNAUTHORIZED and not request.url.path.startswith("/api"):
        # People are sent to sign in, and come back to where they were going.
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(url(request, "login", query={"next": back}))
    detail = exc.detail
    if exc.status_code == HTTP_403_FORBIDDEN and "CSRF" in detail:
        detail = gettext(CSRF_FAILED)
    response = _respond(request, exc.status_code, detail)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def internal_error_handler(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return _respond(request, HTTP_500_INTERNAL_SERVER_ERROR, gettext(_PLAIN_DETAILS[500]))


def invalid_text_handler(request: Request, exc: InvalidText) -> Response:
    """Text a field cannot hold (see models.validation): nothing was stored, the transaction is undone."""
    return _respond(request, HTTP_400_BAD_REQUEST, gettext("%(reason)s Nothing was saved.") % {"reason": exc})


def is_busy(exc: Exception) -> bool:
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _BUSY_SQLSTATES or (isinstance(code, str) and code.startswith("08")):
        return True
    return any(message in str(exc.orig) for message in _BUSY_SQLITE)


def database_error_handler(request: Request, exc: Exception) -> Response:
    """A busy database is a reason to come back shortly (503 with Retry-After), not a fault (500)."""
    if not is_busy(exc):
        return internal_error_handler(request, exc)
    logger.warning("database busy on %s: %s", request.url.path, exc)
    response = _respond(request, HTTP_503_SERVICE_UNAVAILABLE, gettext(BUSY))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


exception_handlers = {
    HTTPException: http_exception_handler,
    InvalidText: invalid_text_handler,
    DBAPIError: database_error_handler,
    PoolTimeout: database_error_handler,
    Exception: internal_error_handler,
}
