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

_PARAMETER = re.compile(r"\{(\w+)(?::(\w+))?\}")


class Urls:
    """Every named route's path, with its parameters filled in on request."""

    def __init__(self, app: Litestar) -> None:
        self._paths: dict[str, tuple[str, dict[str, str]]] = {}
        for route in app.routes:
            for handler in getattr(route, "route_handlers", ()):
                if handler.name and handler.name not in self._paths:
                    # A "path" parameter keeps its slashes; any other is one path segment.
                    safe = {
                        name: "/" if kind == "path" else "" for name, kind in _PARAMETER.findall(route.path)
                    }
                    self._paths[handler.name] = (_PARAMETER.sub(r"{\1}", route.path), safe)

    def __call__(self, name: str, /, query: dict[str, Any] | None = None, **parameters: Any) -> str:
        """The path of route `name`; each parameter is quoted (a file name may hold any character)."""
        try:
            template, safe = self._paths[name]
        except KeyError:
            raise NoRouteMatchFoundException(f"No route is named {name!r}") from None
        if safe.keys() != parameters.keys():
            raise NoRouteMatchFoundException(f"Route {name!r} takes {sorted(safe)}, not {sorted(parameters)}")
        path = template.format_map(
            {key: quote(str(value), safe=safe[key]) for key, value in parameters.items()}
        )
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


def urls_of(app: Litestar) -> Urls:
    """The application's compiled URLs, made on first use (every route is registered by then)."""
    urls = app.state.get("urls")
    if urls is None:
        urls = app.state["urls"] = Urls(app)
    return urls


def url(request: Request, name: str, /, query: dict[str, Any] | None = None, **parameters: Any) -> str:
    """The path of the route named `name` in the request's application."""
    return urls_of(request.app)(name, query=query, **parameters)


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
        environment.filters[f"{name}_url"] = urls(name, slug="").__add__
