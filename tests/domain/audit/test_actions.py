"""Audit actions come from one registry: every write names a known action, and the log shows its label."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import events
from events.audit import ACTIONS, COMMAND_LINE, UnknownAction, record
from tests.conftest import sign_in

SOURCE = Path(events.__file__).parent


def _recorded_actions() -> set[str]:
    """Every literal action passed to record() anywhere in the application."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "record"
                and len(node.args) > 2
            ):
                found |= {c.value for c in ast.walk(node.args[2]) if isinstance(c, ast.Constant)}
    return found


def test_every_action_written_anywhere_is_in_the_registry():
    written = _recorded_actions()
    assert {"create", "update", "upload", "sign in", "import"} <= written  # the scan sees the services
    assert written <= ACTIONS.keys(), written - ACTIONS.keys()


def test_an_unknown_action_is_refused_before_anything_is_written(db):
    async def write(session, _storage):
        with pytest.raises(UnknownAction):
            record(session, COMMAND_LINE, "frobnicate", "directory")
        return list(session.new)

    assert db.run(write) == []


def test_the_audit_log_shows_each_action_by_its_label(accounts, client):
    sign_in(client, accounts.admin)
    page = client.get("/manage/audit").text
    assert "Signed in" in page  # the "sign in" action of the admin's own sign-in
    assert "(sign in:" not in page  # the raw action key is not shown
