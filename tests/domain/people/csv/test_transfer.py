"""The directory as CSV: export, preview, confirm, rejects, hostile files, and a lossless round trip."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from events.app import create_app
from events.audit import COMMAND_LINE
from events.domain.accounts.service import create_user
from events.domain.people import bulk
from events.domain.people import service as people
from events.domain.people.csv.format import neutralise, restore
from events.models import AuditEntry, Organisation, OrganisationKind, Person, Role
from tests.conftest import PASSWORD, _empty_tables, csrf_token, sign_in, staged_uploads
from tests.pages import main_text

IMPORT = "/manage/directory/import"
# New (Éloïse, Pat), changed (Mike's title), unchanged (Ron) and rejected (Sam's e-mail) rows, as Excel saves
# them: byte order mark, CRLF, a line break inside a quoted cell. (tests/fixtures holds only the office files
# that test_filetypes.py expects, so the sample lives here.)
SAMPLE = (
    "\ufeffslug,honorific,given_name,family_name,job_title,organisation,email,aliases,biography\r\n"
    ',Mme,Éloïse,Thériault,"Directrice, Services numériques",service-new-brunswick,eloise.theriault@example.org,'
    'É. Thériault | Eloise Theriault,"Dirige la prestation de services en ligne.\r\nAncienne analyste."\r\n'
    ",,Pat,Leblanc,Analyst,SNB,,,\r\n"
    'mike-mckendy,,Mike,McKendy,"President and Chief Executive Officer",service-new-brunswick,,,\r\n'
    "ron-smith,,Ron,Smith,,service-new-brunswick,,,\r\n"
    ",,Sam,Nobody,Clerk,,sam at example.org,,\r\n"
).encode()


EVIL = '=HYPERLINK("http://evil","x")'
PEOPLE_HEADER = ["slug", "honorific", "given_name", "family_name", "job_title", "organisation", "email", "aliases", "biography"]  # fmt: skip


def table(*rows: list[str], bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def read(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def upload(client: TestClient, *files: tuple[str, bytes], **headers: str):  # noqa: ANN201
    token = csrf_token(client, IMPORT)
    return client.post(
        IMPORT,
        files=[("files", (name, data, "text/csv")) for name, data in files],
        data={"_csrf_token": token},
        headers=headers,
    )


def token_of(page: str) -> str:
    return re.search(r'action="/manage/directory/import/([0-9a-f]{32})"', page).group(1)


def form_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action``, as the page itself carries them."""
    form = re.search(
        rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S
    ).group(1)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def confirm(client: TestClient, page: str):  # noqa: ANN201
    """Press the preview's Confirm button, with the fields (CSRF token, digest) of that very page."""
    action = f"{IMPORT}/{token_of(page)}"
    return client.post(action, data=form_fields(page, action), follow_redirects=False)


def counts(db) -> dict[str, int]:  # noqa: ANN001
    async def count(session, _storage):  # noqa: ANN001, ANN202
        return {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (Person, Organisation, AuditEntry)
        }

    return db.run(count)


def staged(db) -> list:  # noqa: ANN001
    folder = db.storage.holding_dir / "directory-imports"
    return list(folder.iterdir()) if folder.exists() else []


def snapshot(db) -> dict[str, dict]:  # noqa: ANN001
    """The live directory, field by field, keyed by slug (merged records left out)."""

    async def take(session, _storage):  # noqa: ANN001, ANN202
        organisations = {o.id: o for o in await session.scalars(select(Organisation))}
        slug = {None: None} | {id_: o.slug for id_, o in organisations.items()}
        found = {}
        for o in organisations.values():
            if o.merged_into_id is None:
                found[f"organisation {o.slug}"] = (o.name, o.acronym, o.kind, o.jurisdiction, o.website,
                                                  slug[o.parent_id], slug[o.successor_id], o.aliases)  # fmt: skip
        for p in await session.scalars(select(Person).where(Person.merged_into_id.is_(None))):
            found[f"person {p.slug}"] = (p.honorific, p.given_name, p.family_name, p.job_title,
                                         slug[p.organisation_id], p.email, p.aliases, p.biography)  # fmt: skip
        return found

    return db.run(take)


def tricky_records(db) -> None:  # noqa: ANN001
    """Accents, aliases, a division listed before its department, formula-like cells, merged records."""

    async def build(session, _storage):  # noqa: ANN001, ANN202
        snb = await session.scalar(select(Organisation).where(Organisation.slug == "service-new-brunswick"))
        housing = await people.create_organisation(
            session, COMMAND_LINE, name="Société d’habitation du Nouveau-Brunswick", acronym="SHNB",
            kind=OrganisationKind.CROWN_CORPORATION, jurisdiction="Nouveau-Brunswick",
            aliases=["NB Housing Corporation", "Habitation NB"],
        )  # fmt: skip
        department = await people.create_organisation(
            session, COMMAND_LINE, name="Department of Social Development", kind=OrganisationKind.PROVINCIAL,
            website="https://www2.gnb.ca/sd",
        )  # fmt: skip
        await people.update_organisation(session, COMMAND_LINE, housing, parent_id=department.id)
        renamed = await people.create_organisation(session, COMMAND_LINE, name="Services Nouveau-Brunswick")
        await people.merge_organisations(session, COMMAND_LINE, snb, renamed)
        await people.create_person(
            session, COMMAND_LINE, given_name="Émilie", family_name="Côté-Lévesque", honorific="Dr.",
            job_title=EVIL, organisation=housing, email="Emilie.Cote@Example.ORG",
            aliases=["É. Côté", "Emily Cote"], biography='Line one, with "quotes".\n\nLine two: ünïcode, 日本語.',
        )  # fmt: skip
        await people.create_person(
            session, COMMAND_LINE, given_name="Zoë", family_name="O'Neil", job_title="-acting- Director",
            biography="'=already quoted", aliases=["+1 506 555 0100", "@zoe"],
        )  # fmt: skip
        # Married since her record was made: her web address keeps the old name, and so must an import.
        married = await people.create_person(session, COMMAND_LINE, given_name="Anne", family_name="Smith")
        await people.update_person(session, COMMAND_LINE, married, family_name="Arsenault")
        john = await people.create_person(session, COMMAND_LINE, given_name="John", family_name="Doe")
        jon = await people.create_person(session, COMMAND_LINE, given_name="Jon", family_name="Doe")
        await people.merge_people(session, COMMAND_LINE, john, jon)

    db.run(build)


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        (EVIL, "'" + EVIL),
        ("+1 506", "'+1 506"),
        ("-x", "'-x"),
        ("@sum", "'@sum"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'Namgis First Nation", "'Namgis First Nation"),
        ("Plain, text", "Plain, text"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised_and_restored_exactly(value, exported):
    assert neutralise(value) == exported
    assert restore(exported) == value


def test_export_lists_the_live_directory_with_private_fields(accounts, db, client):
    tricky_records(db)
    sign_in(client, accounts.staff)
    response = client.get("/manage/directory/people.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    today = dt.date.today().isoformat()
    assert response.headers["content-disposition"] == f'attachment; filename="people-{today}.csv"'
    assert response.headers["cache-control"] == "no-store"
    rows = read(response.content)
    assert list(rows[0]) == PEOPLE_HEADER
    by_slug = {row["slug"]: row for row in rows}
    emilie = by_slug["emilie-cote-levesque"]
    assert emilie["given_name"] == "Émilie" and emilie["family_name"] == "Côté-Lévesque"
    assert emilie["email"] == "emilie.cote@example.org"
    assert emilie["job_title"] == "'" + EVIL  # a spreadsheet shows it as text, never runs it
    assert emilie["aliases"] == "É. Côté | Emily Cote"
    assert emilie["organisation"] == "societe-dhabitation-du-nouveau-brunswick"
    assert by_slug["mike-mckendy"]["organisation"] == "service-new-brunswick"
    assert "john-doe" in by_slug and "jon-doe" not in by_slug  # merged into John

    organisations = {
        row["slug"]: row for row in read(client.get("/manage/directory/organisations.csv").content)
    }
    assert (
        organisations["societe-dhabitation-du-nouveau-brunswick"]["parent"]
        == "department-of-social-development"
    )
    assert organisations["canada-customs-and-revenue-agency"]["successor"] == "canada-revenue-agency"
    assert organisations["service-new-brunswick"]["kind"] == "crown corporation"
    assert "services-nouveau-brunswick" not in organisations


def test_organisers_cannot_export(accounts, client):
    sign_in(client, accounts.organiser)
    assert client.get("/manage/directory/people.csv", follow_redirects=False).status_code == 403


def test_round_trip_into_an_empty_directory_is_lossless(accounts, db, client, settings):
    tricky_records(db)
    sign_in(client, accounts.staff)
    people_csv = client.get("/manage/directory/people.csv").content
    organisations_csv = client.get("/manage/directory/organisations.csv").content
    before = snapshot(db)

    asyncio.run(_empty_tables(settings.database_url))
    db.run(lambda session, _: create_user(session, COMMAND_LINE, email="new@example.org", password=PASSWORD,
                                          role=Role.STAFF))  # fmt: skip
    with TestClient(create_app(settings)) as fresh:
        sign_in(fresh, "new@example.org")
        preview = upload(fresh, ("people.csv", people_csv), ("organisations.csv", organisations_csv))
        assert preview.status_code == 200, main_text(preview.text)
        assert "Rejected rows (" not in preview.text
        response = confirm(fresh, preview.text)
        assert response.status_code == 303
        page = main_text(fresh.get(response.headers["location"]).text)
        assert "Created 11 people and 9 organisations, updated 0, skipped 0 rejected rows." in page
        assert snapshot(db) == before

        # The same files again: everything matches, nothing would change.
        again = main_text(
            upload(fresh, ("organisations.csv", organisations_csv), ("people.csv", people_csv)).text
        )
        assert "Records already up to date (20)" in again
        assert "There is nothing to import" in again
        assert "Records that will change (" not in again and "New records (" not in again


def test_reimporting_an_export_changes_nothing(accounts, db, client):
    tricky_records(db)
    sign_in(client, accounts.staff)
    files = [("p.csv", client.get("/manage/directory/people.csv").content),
             ("o.csv", client.get("/manage/directory/organisations.csv").content)]  # fmt: skip
    before = counts(db)
    page = main_text(upload(client, *files).text)
    assert "Records already up to date (20)" in page
    assert "There is nothing to import" in page
    assert counts(db) == before


def test_preview_writes_nothing_and_confirm_applies_with_audit(accounts, db, client):
    sign_in(client, accounts.staff)
    before = counts(db)
    data = table(
        ["slug", "given_name", "family_name", "job_title", "organisation", "email"],
        ["mike-mckendy", "Mike", "McKendy", "President", "service-new-brunswick", ""],
        ["", "Anna", "Bell", "Analyst", "treasury-board", "Anna.Bell@Example.org"],
    )
    organisations = table(
        ["slug", "name", "kind", "parent"], ["treasury-board", "Treasury Board", "Provincial", ""]
    )
    preview = upload(client, ("people.csv", data), ("orgs.csv", organisations))
    assert preview.status_code == 200
    text = main_text(preview.text)
    assert "Vice President, Operations → President" in text
    assert "Treasury Board (new, line 2)" in text
    assert counts(db) == before, "the preview wrote to the database"
    assert len(staged(db)) == 1
    # The preview stays at its own address for this user.
    assert main_text(client.get(f"{IMPORT}/{token_of(preview.text)}").text) == text

    response = confirm(client, preview.text)
    assert response.status_code == 303 and response.headers["location"] == IMPORT
    assert "Created 1 person and 1 organisation, updated 1, skipped 0 rejected rows." in main_text(
        client.get(IMPORT).text
    )
    assert staged(db) == []

    async def check(session, _storage):  # noqa: ANN001, ANN202
        anna = await session.scalar(select(Person).where(Person.family_name == "Bell"))
        treasury = await session.get(Organisation, anna.organisation_id)
        mike = await session.scalar(select(Person).where(Person.slug == "mike-mckendy"))
        entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.id > before["audit_entry"])))
        return anna, treasury, mike, entries

    anna, treasury, mike, entries = db.run(check)
    assert (anna.email, treasury.name, treasury.kind, mike.job_title) == (
        "anna.bell@example.org",
        "Treasury Board",
        OrganisationKind.PROVINCIAL,
        "President",
    )
    [entry] = entries  # one entry for the whole import, listing what it created and changed
    assert (entry.action, entry.entity_type, entry.actor_user_id is not None) == ("import", "directory", True)
    assert entry.changes == {
        "organisations created": {"entity": "organisation", "count": 1, "ids": [[treasury.id, treasury.id]]},
        "people created": {"entity": "person", "count": 1, "ids": [[anna.id, anna.id]]},
        "people changed": {
            "entity": "person",
            "count": 1,
            "ids": [[mike.id, mike.id]],
            "fields": {"job_title": 1},
        },
    }
    log = main_text(client.get("/manage/audit").text)
    assert "Imported the directory: created 1 person and 1 organisation, changed 1 person" in log
    assert f"people changed1: #{mike.id} (job title: 1)" in log  # <dt> and <dd> read together


def test_rows_match_by_slug_email_and_name_with_the_reason(accounts, db, client):
    async def give_email(session, _storage):  # noqa: ANN001, ANN202
        bernie = await session.scalar(select(Person).where(Person.slug == "bernie-arseneau"))
        await people.update_person(session, COMMAND_LINE, bernie, email="bernie@snb.ca")

    db.run(give_email)
    sign_in(client, accounts.staff)
    page = main_text(
        upload(
            client,
            ("people.csv", table(
                ["slug", "given_name", "family_name", "organisation", "email"],
                ["mike-mckendy", "Michael", "McKendy", "service-new-brunswick", ""],
                ["", "B.", "Arseneau", "", "BERNIE@snb.ca"],
                ["", "Ron", "Smith", "SNB", ""],
                ["", "Ron", "Smith", "city-of-saint-john", ""],
            )),
        ).text
    )  # fmt: skip
    assert "Mike McKendy (mike-mckendy) same slug" in page
    assert "Mike → Michael" in page
    assert "Bernie Arseneau (bernie-arseneau) same e-mail" in page
    assert "Ron Smith (ron-smith) same name and organisation" in page
    assert "New records (1)" in page  # another Ron Smith, at another organisation


def test_rejected_rows_are_listed_and_skipped_whole(accounts, db, client):
    sign_in(client, accounts.staff)
    organisations = table(
        ["slug", "name", "kind", "parent", "successor"],
        ["a-office", "A Office", "agency", "b-office", ""],
        ["b-office", "B Office", "agency", "a-office", ""],  # closes a loop
        ["c-office", "C Office", "galactic", "", ""],
        ["d-office", "D Office", "", "c-office", ""],  # its parent is rejected
        ["e-office", "E Office", "", "nowhere", ""],
        ["a-office", "A Office again", "", "", ""],
        ["", "", "federal", "", ""],
        ["f-office", "F Office", "", "", "canada-revenue-agency"],
    )
    people_rows = table(
        ["given_name", "family_name", "organisation", "email"],
        ["Nobody", "", "", ""],
        ["Bad", "Email", "", "not an address"],
        ["Lost", "Soul", "no-such-org", ""],
        ["In", "Loop", "b-office", ""],
        ["Good", "Person", "f-office", "good@example.org"],
        ["Good", "Twin", "", "GOOD@example.org"],
        ["Too", "Many", "", "", "cells"],
    )
    before = counts(db)
    preview = upload(client, ("orgs.csv", organisations), ("people.csv", people_rows))
    text = main_text(preview.text)
    expected = [
        "2 (organisations) A Office It refers to “B Office” on line 3, which is rejected.",
        "3 (organisations) B Office Its parent would make a loop: B Office → A Office → B Office.",
        "4 (organisations) C Office Unknown kind “galactic”: use one of federal,",
        "5 (organisations) D Office Parent: “c-office” is on line 4 of the organisations file, which is rejected.",
        "6 (organisations) E Office Parent: Unknown organisation “nowhere”",
        "7 (organisations) A Office again Duplicate of line 2 (same slug).",
        "8 (organisations) (no name) The name is missing.",
        "2 (people) Nobody The family name is missing.",
        "3 (people) Bad Email “not an address” is not an e-mail address.",
        "4 (people) Lost Soul Unknown organisation “no-such-org”",
        "5 (people) In Loop “b-office” is on line 3 of the organisations file, which is rejected.",
        "7 (people) Good Twin Duplicate of line 6 (same e-mail).",
        "8 (people) Too Many It has 5 cells but the header row has 4 columns.",
    ]
    for line in expected:
        assert line in text
    assert "Rejected rows (13)" in text and "New records (2)" in text
    assert counts(db) == before

    confirm(client, preview.text)

    async def names(session, _storage):  # noqa: ANN001, ANN202
        return (
            set(await session.scalars(select(Organisation.name).where(Organisation.name.like("% Office%")))),
            set(await session.scalars(select(Person.family_name).where(Person.given_name.in_(given_names)))),
        )

    given_names = ["Nobody", "Bad", "Lost", "In", "Good", "Too"]
    assert db.run(names) == ({"F Office"}, {"Person"})


def test_files_that_cannot_be_imported_say_why_and_write_nothing(accounts, db, client):
    sign_in(client, accounts.staff)
    before = counts(db)
    windows = "given_name,family_name\nÉmilie,Côté\n".encode("cp1252")
    cases = [
        (("people.csv", windows), "is not saved as UTF-8 text (line 2", "CSV UTF-8"),
        (("people.csv", b""), "“people.csv” is empty.", None),
        (("people.csv", b"\xef\xbb\xbf\r\n"), "“people.csv” is empty.", None),
        (("people.csv", b"given_name,family_name\r\n"), "has a header row but no records", None),
        (
            ("people.csv", b"given_name,job_title\nAnn,Clerk\n"),
            "lacks the required column(s) family_name",
            None,
        ),
        (("orgs.csv", b"acronym,kind\nX,federal\n"), "lacks the required column(s) name", None),
        (("x.csv", b"colour,size\nred,2\n"), "file of people needs the columns", "a file of organisations"),
        (("x.csv", b"name,name\nA,B\n"), "has the column name more than once", None),
    ]
    for file, message, hint in cases:
        response = upload(client, file)
        assert response.status_code == 400, file
        text = main_text(response.text)
        assert message in text and "Nothing was imported." in text
        assert hint is None or hint in text
    # The form on the error page carries a working token for the next try.
    retry = form_fields(upload(client, ("people.csv", windows)).text, IMPORT)
    assert retry["_csrf_token"]
    fixed = client.post(IMPORT, files=[("files", ("p.csv", "given_name,family_name\nÉmilie,Côté\n".encode(), "text/csv"))],
                        data=retry)  # fmt: skip
    assert fixed.status_code == 200 and "New records (1)" in main_text(fixed.text)
    both = upload(client, ("a.csv", b"name\nA\n"), ("b.csv", b"name\nB\n"))
    assert "Both files hold organisations" in main_text(both.text)
    none = client.post(IMPORT, files=[("files", ("", b"", "application/octet-stream"))],
                       data={"_csrf_token": csrf_token(client, IMPORT)})  # fmt: skip
    assert none.status_code == 400 and "Please choose a CSV file" in none.text
    assert counts(db) == before and len(staged(db)) == 1  # the corrected file, waiting


def test_an_upload_over_the_limit_is_refused(accounts, db, settings):
    with TestClient(create_app(settings.with_changes(max_upload_mb=1))) as client:
        sign_in(client, accounts.staff)
        response = upload(client, ("big.csv", b"name\n" + b"x" * (1024 * 1024 + 1)))
        assert response.status_code == 413
        assert "larger than the limit of 1 MB" in main_text(response.text)
    assert staged(db) == []


def test_with_or_without_bom_semicolons_and_formula_cells(accounts, db, client):
    sign_in(client, accounts.staff)
    semicolons = "given_name;family_name;job_title\nAna;Sá;=1+2\n".encode()
    page = main_text(upload(client, ("p.csv", semicolons)).text)
    assert "job title=1+2" in page
    confirm(client, upload(client, ("p.csv", semicolons)).text)
    with_bom = table(["name", "acronym"], ["Agence Nationale", "@AN"], bom=True)
    confirm(client, upload(client, ("o.csv", with_bom)).text)
    exported = {row["family_name"]: row for row in read(client.get("/manage/directory/people.csv").content)}
    assert exported["Sá"]["job_title"] == "'=1+2"  # stored as plain text, neutralised again on the way out
    organisations = {
        row["name"]: row for row in read(client.get("/manage/directory/organisations.csv").content)
    }
    assert organisations["Agence Nationale"]["acronym"] == "'@AN"


def test_cancelling_deletes_the_staged_file(accounts, db, client):
    sign_in(client, accounts.staff)
    preview = upload(client, ("p.csv", SAMPLE))
    assert len(staged(db)) == 1
    token = token_of(preview.text)
    cancel = f"{IMPORT}/{token}/cancel"
    response = client.post(cancel, data=form_fields(preview.text, cancel), follow_redirects=False)
    assert response.status_code == 303
    assert staged(db) == []
    assert "Import cancelled" in main_text(client.get(IMPORT).text)
    gone = client.get(f"{IMPORT}/{token}")
    assert "no longer waiting" in main_text(gone.text)


def test_an_import_belongs_to_its_uploader_and_applies_once(accounts, db, client, settings):
    sign_in(client, accounts.staff)
    preview = upload(client, ("p.csv", SAMPLE))
    with TestClient(create_app(settings)) as other:
        sign_in(other, accounts.admin)
        assert "no longer waiting" in main_text(other.get(f"{IMPORT}/{token_of(preview.text)}").text)
        assert len(staged(db)) == 1
    assert confirm(client, preview.text).status_code == 303
    before = counts(db)
    assert confirm(client, preview.text).headers["location"] == IMPORT  # a second click finds nothing
    assert "no longer waiting" in main_text(client.get(IMPORT).text)
    assert counts(db) == before


def test_a_preview_overtaken_by_changes_is_shown_again(accounts, db, client):
    sign_in(client, accounts.staff)
    preview = upload(client, ("p.csv", table(["given_name", "family_name"], ["Kim", "Lee"])))

    async def meanwhile(session, _storage):  # noqa: ANN001, ANN202
        await people.create_person(session, COMMAND_LINE, given_name="Kim", family_name="Lee")

    db.run(meanwhile)
    before = counts(db)
    response = confirm(client, preview.text)
    assert response.status_code == 409
    assert "The directory changed since this preview was made" in main_text(response.text)
    assert counts(db) == before and len(staged(db)) == 1


def test_a_row_the_service_refuses_while_applying_rolls_the_whole_import_back(
    accounts, db, client, monkeypatch
):
    sign_in(client, accounts.staff)
    preview = upload(
        client, ("p.csv", table(["given_name", "family_name"], ["Kim", "Lee"], ["Max", "Refused"]))
    )
    new_person = bulk.new_person  # the service's rules for a new person, applied to each row

    def refuse_max(fields):  # noqa: ANN001, ANN202
        if fields["family_name"] == "Refused":
            raise people.DirectoryError("Refused by the service.")
        return new_person(fields)

    monkeypatch.setattr(bulk, "new_person", refuse_max)
    before = counts(db)
    response = confirm(client, preview.text)
    assert response.headers["location"] == f"{IMPORT}/{token_of(preview.text)}"
    page = main_text(client.get(response.headers["location"]).text)
    assert "Nothing was imported. Line 3 of the people file: Refused by the service." in page
    assert counts(db) == before  # Kim Lee, written first, was rolled back with the rest
    assert len(staged(db)) == 1  # still waiting, to be corrected or cancelled


def test_an_upload_without_the_csrf_token_is_refused(accounts, db, client):
    sign_in(client, accounts.staff)
    response = client.post(IMPORT, files=[("files", ("p.csv", b"name\nA\n", "text/csv"))])
    assert response.status_code == 403
    assert staged(db) == [] and staged_uploads(db.settings.storage_dir) == []


def test_the_upload_script_gets_json(accounts, client):
    sign_in(client, accounts.staff)
    good = upload(
        client, ("p.csv", table(["given_name", "family_name"], ["Kim", "Lee"])), accept="application/json"
    )
    assert good.status_code == 200 and re.fullmatch(rf"{IMPORT}/[0-9a-f]{{32}}", good.json()["next"])
    bad = upload(client, ("p.csv", b"colour\nred\n"), accept="application/json")
    assert bad.status_code == 400 and "header row" in bad.json()["error"]


def test_long_previews_show_the_first_rows_and_the_totals(accounts, client):
    sign_in(client, accounts.staff)
    rows = [["given_name", "family_name"]] + [[f"Person{n}", f"Family{n}"] for n in range(250)]
    page = main_text(upload(client, ("p.csv", table(*rows))).text)
    assert "New records (250)" in page and "Showing the first 200 of 250." in page
    assert "Person199 Family199" in page and "Person200 Family200" not in page


def test_the_import_form_uploads_with_progress_in_a_browser(accounts, settings, tmp_path):
    from playwright.sync_api import expect

    from tests.test_browser_organiser import WAIT, chromium_page, serve
    from tests.test_browser_organiser import sign_in as sign_in_with_browser

    problems: list[str] = []
    with serve(settings, tmp_path / "server.log") as base, chromium_page(problems) as page:
        sign_in_with_browser(page, base, accounts.staff)
        page.goto(f"{base}{IMPORT}")
        expect(page.get_by_role("progressbar")).to_be_hidden()
        page.get_by_label("CSV files").set_input_files(
            {"name": "people.csv", "mimeType": "text/csv", "buffer": SAMPLE}
        )
        with page.expect_response(lambda response: response.request.method == "POST") as sent:
            page.get_by_role("button", name="Upload and preview").click()
        # manage.js sends the files in one request with a progress bar, then opens the preview.
        assert sent.value.request.headers.get("accept") == "application/json"
        expect(page.get_by_role("heading", name="Check the import")).to_be_visible(timeout=WAIT)
        assert re.search(r"/manage/directory/import/[0-9a-f]{32}$", page.url)
        expect(page.get_by_role("heading", name="New records (2)")).to_be_visible()
        page.get_by_role("button", name="Import 2 new and 1 changed records").click()
        expect(
            page.get_by_text("Created 2 people, updated 1, left 1 unchanged, skipped 1 rejected row.")
        ).to_be_visible(timeout=WAIT)
    assert problems == []
