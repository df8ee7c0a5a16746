"""URLs built from route names, never by hand: `url(request, "event", slug=...)` in Python and
`url("event", slug=...)` in templates.

Litestar's `route_reverse` walks every route on each call (about 5 µs); an event page links to
each of its files, so the paths are compiled once per application into format strings (about 1 µs).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from litestar import Litestar, Request
from litestar.exceptions import NoRouteMatchFoundException

from ..i18n import URL_PREFIXES, current_locale

_PARAMETER = re.compile(r"\{(\w+)(?::(\w+))?\}")


class Urls:
    """Every named route's path, with its parameters filled in on request."""

    def __init__(self, app: Litestar) -> None:
        self._paths: dict[str, tuple[str, dict[str, str]]] = {}
        self._localized: set[str] = set()  # public pages: /fr/... in French (see web/locale.py)
        for route in app.routes:
            for handler in getattr(route, "route_handlers", ()):
                if handler.name and handler.opt.get("localized"):
                    self._localized.add(handler.name)
                if handler.name and handler.name not in self._paths:
                    # A "path" parameter keeps its slashes; any other is one path segment.
                    safe = {
                        name: "/" if kind == "path" else "" for name, kind in _PARAMETER.findall(route.path)
                    }
                    self._paths[handler.name] = (_PARAMETER.sub(r"{\1}", route.path), safe)

    def __call__(
        self,
        name: str,
        /,
        query: dict[str, Any] | None = None,
        in_locale: str | None = None,
        **parameters: Any,
    ) -> str:
        """The path of route `name`; each parameter is quoted (a file name may hold any character).

        A public page's path is in the language spoken now, or in `in_locale`."""
        try:
            template, safe = self._paths[name]
        except KeyError:
            raise NoRouteMatchFoundException(f"No route is named {name!r}") from None
        if safe.keys() != parameters.keys():
            raise NoRouteMatchFoundException(f"Route {name!r} takes {sorted(safe)}, not {sorted(parameters)}")
        path = template.format_map(
            {key: quote(str(value), safe=safe[key]) for key, value in parameters.items()}
        )
        if name in self._localized:
            path = URL_PREFIXES[in_locale or current_locale.get()] + path
        if query:
            kept = {key: value for key, value in query.items() if value not in (None, "")}
            if kept:
                # Slashes are allowed in a query and kept readable: ?next=/manage/events/3
                path = f"{path}?{urlencode(kept, doseq=True, safe='/')}"
        return path

    def __contains__(self, name: str) -> bool:
        return name in self._paths

    def named_by_slug(self) -> list[str]:
        """Routes whose path ends with their only parameter, `{slug}`: /events/{slug}, /speakers/{slug}..."""
        return [
            name
            for name, (path, safe) in self._paths.items()
            if safe.keys() == {"slug"} and path.endswith("{slug}")
        ]


def same_site_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: a redirect never leads to another site.

    Browsers drop tabs and line breaks inside an address and read a backslash as a slash, so
    `/\t/evil.example` and `/\\evil.example` lead off-site: refuse any of them outright.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(" " < char != "\x7f" for char in target)
    ):
        return target
    return None


def urls_of(app: Litestar) -> Urls:
    """The application's compiled URLs, made on first use (every route is registered by then)."""
    urls = app.state.get("urls")
    if urls is None:
        urls = app.state["urls"] = Urls(app)
    return urls


def url(
    request: Request,
    name: str,
    /,
    query: dict[str, Any] | None = None,
    in_locale: str | None = None,
    **parameters: Any,
) -> str:
    """The path of the route named `name` in the request's application."""
    return urls_of(request.app)(name, query=query, in_locale=in_locale, **parameters)


def install_url_global(app: Litestar) -> None:
    """Give templates `url(name, **parameters)`, once every route is registered, and a filter per page
    named by a slug for the long lists of busy pages: `{{ person.slug | speaker_url }}`.

    Such a filter is the path's start joined to the slug (slugs are URL-safe by construction, see
    text.slugify): the event page with 60 talks links some 150 times, and a url() call per link made
    its render measurably slower than the hand-written paths it replaced.
    """
    urls = urls_of(app)
    environment = app.template_engine.engine
    environment.globals["url"] = urls
    for name in urls.named_by_slug():
        environment.filters[f"{name}_url"] = _SlugPath(
            {locale: urls(name, slug="", in_locale=locale) for locale in URL_PREFIXES}
        )


class _SlugPath:
    """`slug -> path` of one page named by slug, in the language spoken now."""

    __slots__ = ("_starts",)

    def __init__(self, starts: dict[str, str]) -> None:
        self._starts = starts

    def __call__(self, slug: str) -> str:
        return self._starts[current_locale.get()] + slug
