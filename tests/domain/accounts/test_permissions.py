"""Every management route for every kind of visitor: the exact status of each cell."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from events.audit import COMMAND_LINE
from events.domain.materials.service import create_invitation
from events.domain.people import service as people
from events.models import DuplicateSuggestion, EventSession, Material, Presentation, SpeakerLink, User
from tests.conftest import csrf_token, sign_in

LATER = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
ROLES = ["anonymous", "outsider", "organiser", "staff", "admin"]
PDF = ("deck.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf")
CSV = ("organisations.csv", b"name\nMatrix Board\n", "text/csv")

# (method, path, form data or "upload", status for those allowed). Event-scoped paths answer 403 to an
# organiser of another event; everything answers anonymous visitors with a redirect to sign in.
# Deleting comes last so that every route finds what it works on.
ROUTES = [
    ("GET", "/manage", None, 200),
    ("GET", "/manage/events/new", None, 200),
    ("GET", "/manage/people/search?q=mc", None, 200),
    ("GET", "/manage/audit", None, 200),
    ("GET", "/manage/account", None, 200),
    ("POST", "/manage/account/language", {"language": "en"}, 302),
    ("GET", "/manage/users", None, 200),
    ("GET", "/manage/users/{u}", None, 200),
    ("POST", "/manage/users/{u}", {"role": "organiser", "is_active": "1", "event_{e}": "{e}"}, 302),
    (
        "POST",
        "/manage/users",
        {"email": "new.person@example.org", "password": "long enough password", "role": "staff"},
        302,
    ),
    ("GET", "/manage/events/{e}", None, 200),
    ("GET", "/manage/events/{e}/edit", None, 200),
    ("GET", "/manage/events/{e}/sessions/{s}/edit", None, 200),
    ("GET", "/manage/events/{e}/sessions/{s}/delete", None, 200),
    ("GET", "/manage/events/{e}/presentations/{p}", None, 200),
    ("GET", "/manage/events/{e}/presentations/{p}/delete", None, 200),
    ("GET", "/manage/events/{e}/materials/{m}", None, 200),
    ("GET", "/manage/events/{e}/materials/{m}/versions/{v}/file", None, 200),
    ("POST", "/manage/events/{e}/edit", {"title": "Renamed", "start_date": "2003-09-22"}, 302),
    ("POST", "/manage/events/{e}/status", {"status": "archived"}, 302),
    ("POST", "/manage/events/{e}/sessions", {"title": "Extra session"}, 302),
    ("POST", "/manage/events/{e}/sessions/{s}/edit", {"title": "Renamed session"}, 302),
    ("POST", "/manage/events/{e}/sessions/{s}/move", {"direction": "down"}, 302),
    ("POST", "/manage/events/{e}/presentations", {"title": "Extra talk"}, 302),
    ("POST", "/manage/events/{e}/presentations/{p}/edit", {"title": "Renamed talk"}, 302),
    ("POST", "/manage/events/{e}/presentations/{p}/move", {"direction": "down"}, 302),
    (
        "POST",
        "/manage/events/{e}/presentations/{p}/speakers",
        {"given_name": "Ann", "family_name": "Other"},
        302,
    ),
    ("POST", "/manage/events/{e}/presentations/{p}/speakers/{l}/edit", {"job_title": "Chair"}, 302),
    ("POST", "/manage/events/{e}/presentations/{p}/materials", "upload", 303),
    ("POST", "/manage/events/{e}/materials", "upload", 303),
    ("POST", "/manage/events/{e}/materials/link", {"url": "https://example.org/report"}, 303),
    ("POST", "/manage/events/{e}/materials/{m}/versions", "upload", 303),
    ("POST", "/manage/events/{e}/materials/{m}/versions/{v}/restore", {}, 303),
    ("POST", "/manage/events/{e}/materials/{m}/settings", {"visibility": "public", "kind": "slides"}, 303),
    ("POST", "/manage/events/{e}/presentations/{p}/invitations", {"expires_on": "2099-01-01"}, 200),
    ("POST", "/manage/events/{e}/presentations/{p}/invitations/{i}/revoke", {}, 302),
    ("POST", "/manage/events/{e}/presentations/{p}/speakers/{l}/remove", {}, 302),
    ("POST", "/manage/events/{e}/sessions/{s}/delete", {}, 302),
    ("POST", "/manage/events/{e}/sessions/{s}/restore", {}, 302),
    ("POST", "/manage/events/{e}/presentations/{p}/delete", {}, 302),
    ("POST", "/manage/events/{e}/presentations/{p}/restore", {}, 302),
    ("POST", "/manage/events/{e}/materials/{m}/delete", {}, 303),
    ("POST", "/manage/events/new", {"title": "Brand New", "start_date": "2030-01-01"}, 302),
    # The directory ({a} and {b}: two people; {o} and {q}: two organisations; {d}: a suggested duplicate).
    ("GET", "/manage/people", None, 200),
    ("GET", "/manage/people/new", None, 200),
    ("POST", "/manage/people/new", {"given_name": "Nina", "family_name": "Matrix"}, 302),
    ("GET", "/manage/people/{a}", None, 200),
    ("POST", "/manage/people/{a}", {"given_name": "Ann", "family_name": "Matrix", "job_title": "Clerk"}, 302),
    ("GET", "/manage/people/{a}/merge/{b}", None, 200),
    ("GET", "/manage/organisations", None, 200),
    ("GET", "/manage/organisations/new", None, 200),
    ("POST", "/manage/organisations/new", {"name": "Matrix Office"}, 302),
    ("GET", "/manage/organisations/{o}", None, 200),
    ("POST", "/manage/organisations/{o}", {"name": "Matrix Agency", "acronym": "MA"}, 302),
    ("GET", "/manage/organisations/{o}/merge/{q}", None, 200),
    ("GET", "/manage/duplicates", None, 200),
    ("POST", "/manage/duplicates/scan", {}, 302),
    ("POST", "/manage/duplicates/{d}/dismiss", {}, 302),
    ("POST", "/manage/people/{a}/merge/{b}", {"survivor": "{a}"}, 302),
    ("POST", "/manage/organisations/{o}/merge/{q}", {"survivor": "{o}"}, 302),
    # CSV export and import ({t}: an import token nobody staged, so confirming it sends back to the form).
    ("GET", "/manage/directory/people.csv", None, 200),
    ("GET", "/manage/directory/organisations.csv", None, 200),
    ("GET", "/manage/directory/import", None, 200),
    ("POST", "/manage/directory/import", "csv", 200),
    ("GET", "/manage/directory/import/{t}", None, 302),
    ("POST", "/manage/directory/import/{t}", {}, 303),
    ("POST", "/manage/directory/import/{t}/cancel", {}, 303),
]
UNSCOPED = {
    "/manage",
    "/manage/events/new",
    "/manage/people/search?q=mc",
    "/manage/audit",
    "/manage/account",
    "/manage/account/language",
}
ADMIN_ONLY = {"/manage/users", "/manage/users/{u}"}
# The directory of people and organisations is kept by council staff (and admins).
STAFF_ONLY = {
    path
    for _, path, _, _ in ROUTES
    if path.startswith(("/manage/people", "/manage/organisations", "/manage/duplicates", "/manage/directory"))
    and not path.startswith("/manage/people/search")
}


def _ids(db, event_id):
    async def find(session, _storage):
        def first(model, *where):
            return session.scalar(select(model.id).where(*where).order_by(model.id).limit(1))

        presentation = await first(Presentation, Presentation.event_id == event_id)
        material = await session.scalar(select(Material).where(Material.presentation_id == presentation))
        # Fresh directory records for every visitor, so that one visitor's merge leaves the next its own.
        ann = await people.create_person(session, COMMAND_LINE, given_name="Ann", family_name="Matrix")
        initial = await people.create_person(session, COMMAND_LINE, given_name="A.", family_name="Matrix")
        office = await people.create_organisation(session, COMMAND_LINE, name="Matrix Office")
        agency = await people.create_organisation(session, COMMAND_LINE, name="Matrix Agency")
        suggestion = await session.scalar(
            select(DuplicateSuggestion.id).where(
                DuplicateSuggestion.first_id == ann.id, DuplicateSuggestion.second_id == initial.id
            )
        )
        return {
            "a": ann.id,
            "b": initial.id,
            "o": office.id,
            "q": agency.id,
            "d": suggestion,
            "e": event_id,
            "s": await first(EventSession, EventSession.event_id == event_id),
            "p": presentation,
            "l": await first(SpeakerLink, SpeakerLink.presentation_id == presentation),
            "m": material.id,
            "v": material.current_version_id,
            "u": await session.scalar(select(User.id).where(User.email == "organiser@example.org")),
            "t": "0" * 32,
            "i": (
                await create_invitation(
                    session, COMMAND_LINE, await session.get(Presentation, presentation), expires_at=LATER
                )
            )[0].id,
        }

    return db.run(find)


def test_every_management_route_is_in_the_matrix(client):
    listed = {re.sub(r"\{\w\}", "{}", path.split("?")[0]) for _, path, _, _ in ROUTES}
    routes = {
        re.sub(r"\{[^}]+\}", "{}", route.path)
        for route in client.app.routes
        if route.path.startswith("/manage") and route.path not in ("/manage/login", "/manage/logout")
    }
    assert routes <= listed, f"routes missing from the permission matrix: {routes - listed}"


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(accounts, db, client, role):
    ids = _ids(db, accounts.event_id)
    if role != "anonymous":
        sign_in(client, getattr(accounts, role))
    token = csrf_token(client)
    cells = []
    for method, template, data, allowed in ROUTES:
        path = template.format(**ids)
        if method == "GET":
            response = client.get(path, follow_redirects=False)
        elif data in ("upload", "csv"):
            file = PDF if data == "upload" else CSV
            response = client.post(
                path, files={"files": file}, data={"_csrf_token": token}, follow_redirects=False
            )
        else:
            form = {key.format(**ids): str(value).format(**ids) for key, value in data.items()}
            response = client.post(path, data={**form, "_csrf_token": token}, follow_redirects=False)
        if role == "anonymous":
            expected = 302
        elif template in ADMIN_ONLY and role != "admin":
            expected = 403
        elif template in STAFF_ONLY and role not in ("staff", "admin"):
            expected = 403
        elif role == "outsider" and template not in UNSCOPED:
            expected = 403
        else:
            expected = allowed
        location = response.headers.get("location", "")
        if role == "anonymous":
            assert location.startswith("/manage/login?next="), (
                f"{method} {path} did not send {role} to sign in"
            )
        cells.append((method, template, response.status_code, expected))
    wrong = [cell for cell in cells if cell[2] != cell[3]]
    assert wrong == [], f"{role}: (method, route, got, expected) {wrong}"
