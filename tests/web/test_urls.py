"""URLs come from route names: every parameter quoted, wrong names and parameters refused, and the slug
filters of templates giving the same paths as url()."""

from __future__ import annotations

import pytest
from litestar.exceptions import NoRouteMatchFoundException

from events.app import create_app
from events.config import Settings
from events.web.urls import urls_of


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(Settings.from_env({"EVENTS_DATA_DIR": str(tmp_path_factory.mktemp("urls"))}))


def test_paths_are_built_from_route_names_with_each_parameter_quoted(app):
    url = urls_of(app)
    assert url("event", slug="2003-fredericton") == "/events/2003-fredericton"
    assert url("download", material_id=7, filename="Plan d’action/2003 #1.pdf") == (
        "/materials/7/Plan%20d%E2%80%99action%2F2003%20%231.pdf"
    )
    assert url("static", file_path="css/site.css") == "/static/css/site.css"  # a path parameter keeps its /
    assert url("manage_people", query={"q": "Léger & fils", "page": 2, "letter": ""}) == (
        "/manage/people?q=L%C3%A9ger+%26+fils&page=2"
    )


def test_an_unknown_name_or_wrong_parameters_are_refused(app):
    url = urls_of(app)
    with pytest.raises(NoRouteMatchFoundException):
        url("no-such-page")
    with pytest.raises(NoRouteMatchFoundException):
        url("event")
    with pytest.raises(NoRouteMatchFoundException):
        url("event", slug="x", page=2)


def test_the_slug_filters_of_templates_give_the_paths_url_gives(app):
    url = urls_of(app)
    filters = app.template_engine.engine.filters
    assert {"event_url", "speaker_url", "organisation_url", "topic_url"} <= filters.keys()
    assert "event_print_url" not in filters  # its slug is not at the end of its path
    for name in ("event", "speaker", "organisation", "topic"):
        assert filters[f"{name}_url"]("jean-guy-leger-2") == url(name, slug="jean-guy-leger-2")
