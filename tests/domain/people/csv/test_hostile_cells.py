"""Cells a field cannot hold are rejected row by row in the preview, never stored by the bulk import."""

from __future__ import annotations

import pytest

from events.domain.people import bulk
from events.domain.people.bulk import Change
from events.domain.people.service import DirectoryError
from tests.conftest import sign_in
from tests.domain.people.csv.test_transfer import confirm, counts, table, upload
from tests.pages import main_text


def test_control_characters_and_overlong_cells_are_rejected_with_the_field(accounts, db, client):
    sign_in(client, accounts.staff)
    people_rows = table(
        ["slug", "given_name", "family_name", "job_title", "biography"],
        ["", "Nul", "Byte\x00", "", ""],
        ["", "Escape", "Code", "Chief\x1b[31m", ""],
        ["", "Bidi", "Override", "Clerk \u202egnp.exe", ""],
        ["", "Line", "Break", "Chief\nClerk", ""],
        ["s" * 121, "Long", "Slug", "", ""],
        ["", "Long", "Biography", "", "b" * 20_001],
        ["", "Fine", "Person", "Clerk", "Two lines\nof biography are fine."],
    )
    before = counts(db)
    preview = upload(client, ("people.csv", people_rows))
    text = main_text(preview.text)
    assert "Byte\ufffd" in text  # what was refused is shown, its forbidden characters made visible
    for line in (
        "2 (people) Nul Byte\ufffd The family name holds a character that is not allowed: U+0000 (a control character).",
        "3 (people) Escape Code The job title holds a character that is not allowed: U+001B (a control character).",
        "4 (people) Bidi Override The job title holds a character that is not allowed: U+202E (right-to-left override).",
        "5 (people) Line Break The job title holds a character that is not allowed: U+000A (a line break).",
        "7 (people) Long Slug The slug is longer than 120 characters.",
        "8 (people) Long Biography The biography is longer than 20000 characters.",
    ):
        assert line in text
    assert "Rejected rows (6)" in text and "New records (1)" in text
    assert confirm(client, preview.text).status_code == 303
    after = counts(db)
    assert after["person"] == before["person"] + 1


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"given_name": "A", "family_name": "B", "aliases": ["x" * 301]}, "The other names is too long"),
        ({"given_name": "A", "family_name": "B", "aliases": [f"n{i}" for i in range(51)]}, "more than 50"),
        ({"given_name": "A", "family_name": "B\u2066"}, r"U\+2066 \(left-to-right isolate\)"),
    ],
)
def test_the_bulk_path_checks_what_a_flush_would(fields, reason):
    change = Change(fields=fields, source=7)
    with pytest.raises(DirectoryError, match=reason):
        bulk._checked([change], bulk.Person.__table__, bulk.new_person, bulk.changed_person)
