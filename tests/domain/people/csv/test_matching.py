"""The planners match rows in memory: planning runs the same few statements however many distinct
organisations a file names."""

from __future__ import annotations

from sqlalchemy import event

from events.audit import COMMAND_LINE
from events.domain.people import service as people
from events.domain.people.csv.format import CREATE, REJECT, read_table
from events.domain.people.csv.plan import build_plan
from tests.domain.people.csv.test_transfer import PEOPLE_HEADER, table


def _people_file(names: list[str]) -> bytes:
    rows = [["", "", "Given", f"Family{i}", "", name, "", "", ""] for i, name in enumerate(names)]
    return table(PEOPLE_HEADER, *rows)


def _statements_to_plan(db, names: list[str]) -> tuple[int, list[str]]:
    async def plan(session, _storage):
        engine = session.sync_session.get_bind()
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args):  # noqa: ANN001, ANN202
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            found = await build_plan(session, [read_table("people.csv", _people_file(names))])
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements), [row.action for row in found.people]

    return db.run(plan)


def test_planning_runs_the_same_statements_whatever_the_number_of_organisations_named(db):
    async def organisations(session, _storage):
        for number in range(20):
            await people.create_organisation(session, COMMAND_LINE, name=f"Agency {chr(65 + number)}")

    db.run(organisations)
    one, actions = _statements_to_plan(db, ["Agency A"])
    assert actions == [CREATE]
    many, actions = _statements_to_plan(db, [f"agency {chr(97 + n)}" for n in range(20)])  # by name, any case
    assert actions == [CREATE] * 20
    assert many == one


def test_a_cell_of_digits_is_a_name_not_an_id(db):
    async def organisation(session, _storage):
        return (await people.create_organisation(session, COMMAND_LINE, name="Agency Z")).id

    found = db.run(organisation)
    _count, actions = _statements_to_plan(db, [str(found)])
    assert actions == [REJECT]
