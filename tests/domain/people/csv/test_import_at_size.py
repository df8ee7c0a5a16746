"""A directory import of a few thousand rows: written in bulk, searchable at once, audited once, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from events.audit import COMMAND_LINE
from events.domain.people import bulk
from events.domain.people import queries as people_queries
from events.domain.people import service as people
from events.models import (
    AuditEntry,
    Organisation,
    Person,
    SiteState,
    organisation_name_term,
    person_name_term,
)
from tests.conftest import sign_in
from tests.domain.people.csv.test_transfer import IMPORT, confirm, staged, table, token_of, upload
from tests.pages import main_text

PEOPLE = 2000
ORGANISATIONS = 40


def files() -> tuple[bytes, bytes]:
    """Organisations (the first one's parent is further down the file) and people, with slug clashes."""
    organisations = [["slug", "name", "acronym", "parent"]]
    organisations.append(["bulk-office-0", "Bulk Office 0", "BO0", f"bulk-office-{ORGANISATIONS - 1}"])
    organisations += [[f"bulk-office-{n}", f"Bulk Office {n}", f"BO{n}", ""] for n in range(1, ORGANISATIONS)]
    rows = [["slug", "given_name", "family_name", "job_title", "organisation", "email", "aliases"]]
    rows += [
        ["", "Hélène", "Côté-Lévesque", "Analyste", "bulk-office-1", "", "H. Côté"],
        ["", "Marie", "Roy", "", "bulk-office-2", "", ""],
        ["", "Marie", "Roy", "", "bulk-office-3", "", ""],  # the same name elsewhere: marie-roy-2
        ["", "Mike", "McKendy", "", "bulk-office-4", "", ""],  # the demo's Mike has mike-mckendy
        ["asked-for-this", "Ann", "Asked", "", "", "", ""],  # a free slug from the file is kept
        ["mike-mckendy", "Mike", "McKendy", "President", "service-new-brunswick", "", ""],  # matched: changes
        ["", "Marie", "Roy", "", "bulk-office-5", "", ""],
    ]
    rows += [
        ["", f"Given{n}", f"Zfamily{n}", "Clerk", f"bulk-office-{n % ORGANISATIONS}", f"p{n}@example.org",
         f"Alias{n}"]
        for n in range(PEOPLE - len(rows) + 1)  # PEOPLE rows in all, one of them a match
    ]  # fmt: skip
    return table(*organisations), table(*rows)


def state(db) -> dict[str, int]:  # noqa: ANN001
    async def read(session, _storage):  # noqa: ANN001, ANN202
        found = {
            name: await session.scalar(select(func.count()).select_from(model))
            for name, model in (
                ("people", Person),
                ("organisations", Organisation),
                ("audit entries", AuditEntry),
                ("person terms", person_name_term),
                ("organisation terms", organisation_name_term),
            )
        }
        return found | {"revision": await session.scalar(select(SiteState.revision))}

    return db.run(read)


def test_a_large_import_is_written_in_bulk_searchable_with_one_audit_entry_and_one_bump(
    accounts, db, client, count_statements
):
    sign_in(client, accounts.staff)
    organisations_csv, people_csv = files()
    preview = upload(client, ("organisations.csv", organisations_csv), ("people.csv", people_csv))
    assert f"New records ({PEOPLE - 1 + ORGANISATIONS})" in main_text(preview.text)
    before = state(db)
    statements = count_statements.count
    response = confirm(client, preview.text)
    written = count_statements.count - statements
    assert response.status_code == 303 and response.headers["location"] == IMPORT
    message = (
        f"Created {PEOPLE - 1} people and {ORGANISATIONS} organisations, updated 1, skipped 0 rejected rows."
    )
    assert message in main_text(client.get(IMPORT).text)
    assert written < 100, f"{written} statements: the import is not written in bulk"

    after = state(db)
    assert after["people"] - before["people"] == PEOPLE - 1
    assert after["organisations"] - before["organisations"] == ORGANISATIONS
    assert after["audit entries"] - before["audit entries"] == 1
    assert after["revision"] - before["revision"] == 1
    assert (
        after["organisation terms"] - before["organisation terms"] == 4 * ORGANISATIONS
    )  # bulk office N, boN

    async def check(session, _storage):  # noqa: ANN001, ANN202
        def found(query: str) -> list[tuple[str, str | None]]:
            return [(p.slug, o.slug if o else None) for p, o in results[query]]

        queries = ["helene cote", "h cote", "marie roy", "mckendy", "ann asked", "zfamily0", "alias1234",
                   f"given{PEOPLE - 10} zfamily{PEOPLE - 10}", "bulk office 7"]  # fmt: skip
        results = {query: await people_queries.search_people(session, query, limit=100) for query in queries}
        office_0 = await session.scalar(select(Organisation).where(Organisation.slug == "bulk-office-0"))
        parent = await session.get(Organisation, office_0.parent_id)
        entry = await session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        ids = {
            "helene": results["helene cote"][0][0].id,
            "office": office_0.id,
            "bernie": await session.scalar(select(Person.id).where(Person.slug == "bernie-arseneau")),
        }
        return found, parent.slug, entry, ids

    found, parent, entry, ids = db.run(check)
    assert found("helene cote") == found("h cote") == [("helene-cote-levesque", "bulk-office-1")]
    assert found("marie roy") == [
        ("marie-roy", "bulk-office-2"),
        ("marie-roy-2", "bulk-office-3"),
        ("marie-roy-3", "bulk-office-5"),
    ]
    assert found("mckendy") == [
        ("mike-mckendy", "service-new-brunswick"),
        ("mike-mckendy-2", "bulk-office-4"),
    ]
    assert found("ann asked") == [("asked-for-this", None)]
    assert found("zfamily0") == [("given0-zfamily0", "bulk-office-0")]
    assert found("alias1234") == [("given1234-zfamily1234", "bulk-office-34")]
    assert [slug for slug, _ in found(f"given{PEOPLE - 10} zfamily{PEOPLE - 10}")] == [
        f"given{PEOPLE - 10}-zfamily{PEOPLE - 10}"
    ]
    assert len(found("bulk office 7")) == len(range(7, PEOPLE - 7, ORGANISATIONS))  # by their organisation
    assert parent == f"bulk-office-{ORGANISATIONS - 1}"  # linked though it came later in the file

    assert (entry.action, entry.entity_type) == ("import", "directory")
    assert entry.changes["people created"]["count"] == PEOPLE - 1
    assert entry.changes["organisations created"]["count"] == ORGANISATIONS
    assert entry.changes["people changed"]["fields"] == {"job_title": 1}
    log = main_text(client.get("/manage/audit").text)
    imported = f"Imported the directory: created {PEOPLE - 1} people and {ORGANISATIONS} organisations"
    assert imported in log
    # A record's own history lists the import that made it (and not one that did not touch it).
    assert imported in main_text(client.get(f"/manage/audit?entity=person&record={ids['helene']}").text)
    assert imported in main_text(client.get(f"/manage/audit?entity=organisation&record={ids['office']}").text)
    assert imported not in main_text(client.get(f"/manage/audit?entity=person&record={ids['bernie']}").text)


def test_a_row_failing_in_the_middle_of_the_write_leaves_nothing_written(accounts, db, client, monkeypatch):
    sign_in(client, accounts.staff)
    organisations_csv, people_csv = files()
    preview = upload(client, ("organisations.csv", organisations_csv), ("people.csv", people_csv))
    free_slugs = bulk.free_slugs

    def clashing(bases: list[str], taken: set[str]) -> list[str]:
        slugs = free_slugs(bases, taken)
        if len(slugs) == PEOPLE - 1:  # the people: one far down the file takes an earlier one's address
            slugs[PEOPLE - 100] = slugs[10]
        return slugs

    monkeypatch.setattr(bulk, "free_slugs", clashing)
    before = state(db)
    response = confirm(client, preview.text)
    assert response.headers["location"] == f"{IMPORT}/{token_of(preview.text)}"
    page = main_text(client.get(response.headers["location"]).text)
    assert (
        "Nothing was imported. The directory changed while the import was being written; please try again."
        in page
    )
    assert state(db) == before  # not the organisations, not the first people, no terms, no audit, no bump
    assert len(staged(db)) == 1  # the file still waits, to be confirmed again


def test_the_service_refuses_an_import_that_would_make_a_loop_of_parents(db):
    async def run(session, _storage):  # noqa: ANN001, ANN202
        department = await people.create_organisation(session, COMMAND_LINE, name="Loop Department")
        division = await people.create_organisation(
            session, COMMAND_LINE, name="Loop Division", parent=department
        )
        unit = bulk.Change({"name": "Loop Unit", "parent_id": division.id}, source="the unit")
        # The department under the new unit, which is under the division, which is under the department.
        moved = bulk.Change({"parent_id": unit}, record=department, source="the department")
        with pytest.raises(bulk.RecordRefused) as refused:
            await people.import_directory(session, COMMAND_LINE, organisations=[unit, moved], people=[])
        created = await session.scalar(select(func.count()).where(Organisation.name == "Loop Unit"))
        return refused.value, created

    refused, created = db.run(run)
    assert (str(refused), refused.source) == (
        "Loop Unit cannot be part of itself, directly or through others.",
        "the unit",
    )
    assert created == 0
