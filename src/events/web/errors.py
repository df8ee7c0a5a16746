"""Error pages: a plain HTML page with the right status for people; JSON problems under /api."""

from __future__ import annotations

import logging

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

from ..models.validation import InvalidText
from .locale import path_without_language
from .urls import url

logger = logging.getLogger("events")

_TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    409: "Changed meanwhile",
    413: "File too large",
    500: "Something went wrong",
    503: "Busy: please try again",
}
BUSY = "The database is busy with other changes right now; nothing was changed. Please try again in a few seconds."
RETRY_AFTER_SECONDS = 5
# PostgreSQL errors that mean "busy" or "unreachable", not "wrong": lock or statement timeouts, deadlocks,
# serialisation failures, too many connections, the server shutting down or the connection lost.
_BUSY_SQLSTATES = {"55P03", "57014", "40P01", "40001", "53300", "57P01", "57P02", "57P03"}
_BUSY_SQLITE = ("database is locked", "database is busy", "database table is locked")


def _respond(request: Request, status: int, detail: str) -> Response:
    title = _TITLES.get(status, "Error")
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


CSRF_FAILED = (
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
        detail = CSRF_FAILED
    response = _respond(request, exc.status_code, detail)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def internal_error_handler(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return _respond(
        request, HTTP_500_INTERNAL_SERVER_ERROR, "The error has been logged. Please try again later."
    )


def invalid_text_handler(request: Request, exc: InvalidText) -> Response:
    """Text a field cannot hold (see models.validation): nothing was stored, the transaction is undone."""
    return _respond(request, HTTP_400_BAD_REQUEST, f"{exc} Nothing was saved.")


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
    response = _respond(request, HTTP_503_SERVICE_UNAVAILABLE, BUSY)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


exception_handlers = {
    HTTPException: http_exception_handler,
    InvalidText: invalid_text_handler,
    DBAPIError: database_error_handler,
    PoolTimeout: database_error_handler,
    Exception: internal_error_handler,
}
