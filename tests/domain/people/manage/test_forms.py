"""The directory's forms read as schemas: organisations typed by name only, a tampered field a 400
naming it, and a service error shown beside the field the schema knows it by."""

from __future__ import annotations

from sqlalchemy import func, select

from events.audit import COMMAND_LINE
from events.domain.people import queries
from events.domain.people import service as people
from events.domain.people.forms import OrganisationForm, PersonForm
from events.models import Organisation, Person
from tests.domain.people.test_directory import _find, _staff
from tests.pages import main_text


def _organisations(db) -> int:
    return db.run(lambda session, _s: session.scalar(select(func.count()).select_from(Organisation)))


def test_digits_typed_as_an_organisation_are_never_taken_for_an_id(accounts, db, client):
    token = _staff(client, accounts)
    mike = db.run(lambda session, _s: _find(session, Person, slug="mike-mckendy"))
    other = db.run(lambda session, _s: session.scalar(select(Organisation).order_by(Organisation.id)))
    before = _organisations(db)
    response = client.post(
        f"/manage/people/{mike.id}",
        data={
            "_csrf_token": token,
            "given_name": "Mike",
            "family_name": "McKendy",
            "organisation": str(other.id),
        },
    )
    assert response.status_code == 400
    assert f"“{other.id}” is not an organisation's name" in main_text(response.text)
    assert 'aria-invalid="true"' in response.text.split('name="organisation"')[1].split(">")[0]
    after = db.run(lambda session, _s: _find(session, Person, id=mike.id))
    assert (after.organisation_id, after.updated_at) == (mike.organisation_id, mike.updated_at)
    assert _organisations(db) == before  # and no organisation named with the digits


def test_an_organisation_is_found_by_name_never_by_id(db):
    async def check(session, _storage):
        named = await people.create_organisation(session, COMMAND_LINE, name="Agency 7")
        assert await queries.organisation_named(session, str(named.id)) is None
        assert (await queries.organisation_named(session, "agency 7")).id == named.id

    db.run(check)


def test_an_organisation_name_without_a_letter_is_refused(accounts, db, client):
    token = _staff(client, accounts)
    before = _organisations(db)
    response = client.post("/manage/organisations/new", data={"_csrf_token": token, "name": "2024"})
    assert response.status_code == 400
    assert "a name has at least one letter" in main_text(response.text)
    assert _organisations(db) == before

    async def service_refuses(session, _storage):
        try:
            await people.create_organisation(session, COMMAND_LINE, name="42")
        except people.DirectoryError as error:
            return str(error)

    assert "at least one letter" in db.run(service_refuses)


def test_a_tampered_merge_choice_answers_400_naming_the_field(accounts, db, client):
    token = _staff(client, accounts)
    mike = db.run(lambda session, _s: _find(session, Person, slug="mike-mckendy"))
    response = client.post(
        f"/manage/people/{mike.id}/merge/{mike.id + 1}", data={"_csrf_token": token, "survivor": "abc"}
    )
    assert response.status_code == 400
    assert "survivor" in response.text


def test_a_service_error_lands_on_the_field_the_schema_names():
    assert OrganisationForm.field_of("parent_id") == "parent"
    assert OrganisationForm.field_of("successor_id") == "successor"
    assert OrganisationForm.field_of("name") == "name"
    assert PersonForm.field_of("organisation_id") == "organisation"
    assert PersonForm.field_of("slug") is None  # not a field of the form


def test_a_loop_is_shown_beside_the_successor_field(accounts, db, client):
    token = _staff(client, accounts)

    async def lineage(session, _storage):
        old = await people.create_organisation(session, COMMAND_LINE, name="Old Agency")
        new = await people.create_organisation(session, COMMAND_LINE, name="New Agency")
        await people.update_organisation(session, COMMAND_LINE, old, successor_id=new.id)
        return new.id

    new = db.run(lineage)
    response = client.post(
        f"/manage/organisations/{new}",
        data={"_csrf_token": token, "name": "New Agency", "successor": "Old Agency"},
    )
    assert response.status_code == 400
    field = response.text.split('name="successor"')[1].split(">")[0]
    assert 'aria-invalid="true"' in field
    assert "cannot be succeeded by itself" in main_text(response.text)


def test_digits_typed_as_a_host_organisation_on_an_event_page_answer_400(accounts, db, client):
    token = _staff(client, accounts)
    before = _organisations(db)
    response = client.post(
        f"/manage/events/{accounts.event_id}/sessions",
        data={"_csrf_token": token, "title": "Numbers", "host_organisation": "12"},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "at least one letter" in response.text
    assert _organisations(db) == before
