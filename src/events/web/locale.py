"""Which language a request is answered in, and the /fr/ half of the site.

Public pages (routes with ``opt={"localized": True}``) are addressed by language: /events/x in
English, /fr/events/x in French, both served by the same handler. Every other page (management,
sign-in) speaks the signed-in user's preference, else the visitor's last choice (a cookie set when
they read a page in a language), else their browser's Accept-Language.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from ..i18n import DEFAULT_LOCALE, LOCALES, URL_PREFIXES, current_locale, negotiate
from .urls import same_site_path

FRENCH_PREFIX = URL_PREFIXES["fr"]
COOKIE = "lang"
_STATE_KEY = "locale_prefix"


def is_localized(request: Request) -> bool:
    handler = request.scope.get("route_handler")
    return bool(handler and handler.opt.get("localized"))


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value.decode("latin-1")
    return ""


def _chosen(scope: Scope) -> str | None:
    """The language the visitor last read pages in (our cookie), if any."""
    for part in _header(scope, b"cookie").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value in LOCALES:
            return value
    return None


def _guess(scope: Scope) -> str:
    """A visitor's language where the URL does not say: their last choice, else their browser's."""
    return _chosen(scope) or negotiate(_header(scope, b"accept-language")) or DEFAULT_LOCALE


def with_locale_prefix(asgi_handler: ASGIApp) -> ASGIApp:
    """Wrap the application's router: /fr/... is routed as ... with the language set to French.

    The prefix becomes part of the ASGI root_path, which Litestar strips before routing and keeps in
    request.url, so a page cached by its URL is cached per language.
    """

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            root = scope.get("root_path", "")
            path = scope["path"][len(root) :] if scope["path"].startswith(root) else scope["path"]
            if path == FRENCH_PREFIX or path.startswith(FRENCH_PREFIX + "/"):
                scope["root_path"] = root + FRENCH_PREFIX
                scope["state"][_STATE_KEY] = "fr"
                current_locale.set("fr")
            else:
                current_locale.set(_guess(scope))
        await asgi_handler(scope, receive, send)

    return handle


def choose_locale(request: Request) -> Redirect | None:
    """before_request: the language of this answer, now that the route and the user are known."""
    prefixed = request.scope["state"].get(_STATE_KEY)
    if is_localized(request):
        current_locale.set(prefixed or DEFAULT_LOCALE)
        return None
    if prefixed:  # management and files have one address, without /fr/
        return Redirect(counterpart(request, DEFAULT_LOCALE))
    user = request.scope.get("user")
    preference = getattr(user, "language", None)
    if preference in LOCALES:
        current_locale.set(preference)
    return None


def counterpart(request: Request, locale: str) -> str:
    """This page's address in `locale` (public pages only), query included."""
    path = request.url.path
    root = request.scope.get("root_path", "")
    bare = path[len(root) :] if root and path.startswith(root) else path
    if request.scope["state"].get(_STATE_KEY):
        root = root[: -len(FRENCH_PREFIX)]
    target = f"{root}{URL_PREFIXES[locale]}{bare}"
    query = request.url.query
    return f"{target}?{query}" if query else target


def path_without_language(request: Request) -> str:
    """The path asked for, without the deployment's root or /fr/ (also before routing, for a 404)."""
    scope = request.scope
    full = scope.get("root_path", "") + scope["path"] if "route_handler" in scope else scope["path"]
    root = scope.get("root_path", "")
    if scope["state"].get(_STATE_KEY):
        root = root[: -len(FRENCH_PREFIX)]
    bare = full[len(root) :] if full.startswith(root) else full
    if scope["state"].get(_STATE_KEY) and (bare == FRENCH_PREFIX or bare.startswith(FRENCH_PREFIX + "/")):
        bare = bare[len(FRENCH_PREFIX) :] or "/"
    return bare


def alternates(request: Request) -> dict[str, str] | None:
    """{language: path} of a public page in each language (hreflang, the switch); None elsewhere."""
    if not is_localized(request):
        return None
    return {locale: counterpart(request, locale) for locale in LOCALES}


def _cookie(locale: str) -> Cookie:
    return Cookie(key=COOKIE, value=locale, max_age=365 * 24 * 3600, path="/", samesite="lax")


@get("/language/{locale:str}", name="switch_language", include_in_schema=False, cache=False)
async def switch_language(locale: FromPath[str], next: FromQuery[str | None] = None) -> Redirect:  # noqa: A002
    """The switch on pages without a language in their address (sign-in, management): it remembers
    the choice and goes back. A signed-in user's preference is changed in their account instead."""
    if locale not in LOCALES:
        raise NotFoundException()
    return Redirect(same_site_path(next) or "/", cookies=[_cookie(locale)])


def remember_choice(message: Message, scope: Scope) -> None:
    """before_send: a visitor who reads a page in a language keeps it on the pages without one."""
    if message["type"] != "http.response.start":
        return
    handler = scope.get("route_handler")
    if not (handler and handler.opt.get("localized")):
        return
    spoken, chosen = current_locale.get(), _chosen(scope)
    if spoken == chosen or (chosen is None and spoken == DEFAULT_LOCALE):
        return
    headers: list[Any] = message.setdefault("headers", [])
    headers.append((b"set-cookie", _cookie(spoken).to_header(header="").strip().encode("latin-1")))
