"""Error pages: a plain HTML page with the right status for people; JSON problems under /api."""

from __future__ import annotations

import logging
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect
from litestar.status_codes import HTTP_401_UNAUTHORIZED, HTTP_403_FORBIDDEN, HTTP_500_INTERNAL_SERVER_ERROR

logger = logging.getLogger("events")

_TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    413: "File too large",
    500: "Something went wrong",
}


def _respond(request: Request, status: int, detail: str) -> Response:
    title = _TITLES.get(status, "Error")
    if request.url.path.startswith("/api") or "application/json" in request.headers.get("accept", ""):
        return Response(
            content={"status": status, "title": title, "detail": detail, "error": detail},
            status_code=status,
            media_type="application/problem+json",
        )
    template = request.app.template_engine.get_template("errors/error.html")
    body = template.render(status=status, title=title, detail=detail, request_path=request.url.path)
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
        return Redirect(f"/manage/login?next={quote(back)}")
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


exception_handlers = {HTTPException: http_exception_handler, Exception: internal_error_handler}
