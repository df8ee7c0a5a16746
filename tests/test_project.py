"""The project's own promises: README config table, docker-compose, and an installed wheel that works."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from events.config import ENVIRONMENT, Settings

ROOT = Path(__file__).resolve().parent.parent


def test_readme_documents_every_setting_and_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `(EVENTS_[A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert documented == set(ENVIRONMENT)
    assert "`make run`" in readme and "`make test`" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_settings_read_the_environment(tmp_path):
    settings = Settings.from_env(
        {
            "EVENTS_DATA_DIR": str(tmp_path),
            "EVENTS_PAGE_CACHE": "off",
            "EVENTS_PORT": "9000",
            "EVENTS_SECRET_KEY": "k",
        }
    )
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'events.sqlite3'}"
    assert settings.storage_dir == tmp_path / "files"
    assert (settings.page_cache, settings.port, settings.secret_key) == (False, 9000, "k")
    # Without a configured key, one is made once and shared by every worker and restart.
    first = Settings.from_env({"EVENTS_DATA_DIR": str(tmp_path)}).secret_key
    assert first == Settings.from_env({"EVENTS_DATA_DIR": str(tmp_path)}).secret_key
    assert len(first) == 64


def test_docker_compose_runs_the_app_with_postgresql():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"app", "db"}
    app, db = services["app"], services["db"]
    assert db["image"].startswith("postgres:")
    assert "healthcheck" in db and "healthcheck" in app
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert set(app["environment"]) <= set(ENVIRONMENT)
    url = app["environment"]["EVENTS_DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@db:5432/" in url
    assert db["environment"]["POSTGRES_DB"] in url and db["environment"]["POSTGRES_PASSWORD"] in url
    assert "events db upgrade" in " ".join(app["command"])  # migrations on start
    named_volumes = set(compose["volumes"])
    assert any(v.split(":")[0] in named_volumes and v.endswith(":/data") for v in app["volumes"])
    assert app["environment"]["EVENTS_STORAGE_DIR"].startswith("/data")
    dockerfile = (ROOT / "Dockerfile").read_text()
    for folder in ("src", "templates", "migrations"):
        assert f"COPY {folder} " in dockerfile


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (built,) = out.glob("events-*.whl")
    return built


def test_the_wheel_carries_templates_static_files_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "events/templates/base.html",
        "events/templates/public/events/event.html",
        "events/static/site.css",
        "events/migrations/env.py",
        "events/migrations/versions/0001_initial_schema.py",
        "events/locale/fr/LC_MESSAGES/messages.mo",  # compiled when the wheel is built
    ):
        assert expected in names


def test_the_installed_wheel_runs_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "EVENTS_DATA_DIR": str(workdir / "data")}
    env.pop("EVENTS_DATABASE_URL", None)
    env.pop("EVENTS_STORAGE_DIR", None)

    def run(*args: str) -> str:
        return subprocess.run(
            [sys.executable, *args], cwd=workdir, env=env, check=True, capture_output=True, text=True
        ).stdout

    assert "upgraded" in run("-m", "events.cli", "db", "upgrade")
    assert "loaded" in run("-m", "events.cli", "demo")
    output = run(
        "-c",
        "import events; from litestar.testing import TestClient; from events.app import create_app\n"
        "with TestClient(create_app()) as c:\n"
        "    page = c.get('/events/2003-fredericton-learning-event')\n"
        "    css = c.get('/static/site.css')\n"
        "    french = c.get('/fr/events/2003-fredericton-learning-event')\n"
        "    print(events.__file__, page.status_code, 'Overview of SNB' in page.text, css.status_code,\n"
        "          french.status_code, 'Passer au contenu principal' in french.text)",
    )
    location, status, has_listing, css_status, french_status, speaks_french = output.split()
    assert location.startswith(str(target))
    assert (status, has_listing, css_status) == ("200", "True", "200")
    assert (french_status, speaks_french) == ("200", "True")


def _page_routes(data_dir: Path) -> dict[str, set[str]]:
    """Each page's path (parameters without their types) and the modules of its handlers."""
    from events.app import create_app

    app = create_app(Settings.from_env({"EVENTS_DATA_DIR": str(data_dir)}))
    found: dict[str, set[str]] = {}
    for route in app.routes:
        if route.path.startswith(("/schema", "/static")):
            continue
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for handler in getattr(route, "route_handlers", ()):
            if handler.fn.__module__.startswith("events."):  # not Litestar's own OPTIONS answers
                module = handler.fn.__module__.removeprefix("events.").replace(".", "/") + ".py"
                found.setdefault(path, set()).add(module)
    return found


def test_the_readme_names_the_module_of_every_page(tmp_path):
    """A page's code is found from its URL in one guess: README's table says where, for every route."""
    readme = (ROOT / "README.md").read_text()
    table = readme.partition("### Where each page's code is")[2].partition("\n## ")[0]
    rows = {
        path: module
        for path, module in re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|", table, flags=re.MULTILINE)
    }
    routes = _page_routes(tmp_path)
    assert len(routes) > 40
    wrong = {path: modules for path, modules in routes.items() if {rows.get(path)} != modules}
    assert wrong == {}, "README rows to add or fix: " + ", ".join(sorted(wrong))
    assert rows.keys() <= routes.keys(), (
        f"README names pages that do not exist: {rows.keys() - routes.keys()}"
    )
