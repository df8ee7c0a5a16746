"""What an upload answers: the name it is stored under, and a refusal's status and notice, form and script alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import csrf_token, sign_in
from tests.domain.materials.test_uploads import _state
from tests.pages import links, main_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EVENT_PAGE = "/events/2003-fredericton-learning-event"
PDF_BYTES = (FIXTURES / "single-window.pdf").read_bytes()


@pytest.fixture
def organiser(accounts, client):
    sign_in(client, accounts.organiser)
    return client


def _post(client, accounts, files, *, script: bool, path: str | None = None):
    return client.post(
        path or f"/manage/events/{accounts.event_id}/materials",
        files=files,
        data={"_csrf_token": csrf_token(client, "/manage")},
        headers={"Accept": "application/json"} if script else {},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("client_name", "stored"),
    [("slides.html", "slides.pdf"), ("report.exe", "report.pdf"), ("slides", "slides.pdf")],
)
def test_a_pdf_is_stored_and_served_as_pdf_whatever_its_name(organiser, accounts, client_name, stored):
    response = _post(organiser, accounts, {"files": (client_name, PDF_BYTES, "text/html")}, script=True)
    assert response.status_code == 200, response.text
    assert response.json()["uploaded"] == [stored]
    href = next(h for h in links(organiser.get(EVENT_PAGE).text) if h.endswith(f"/{stored}"))
    download = organiser.get(href)
    assert download.content == PDF_BYTES
    assert stored in download.headers["content-disposition"]
    assert client_name.rpartition(".")[2] not in download.headers["content-disposition"].replace(stored, "")


def test_a_raw_line_break_in_the_name_leaves_no_quote(organiser, accounts, db):
    """A hand-made request can put a raw CR/LF in the quoted name, which ends its header line there."""
    token = csrf_token(organiser, "/manage")
    boundary = "rawCRLF"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"slides\r\nX-Note: y.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + PDF_BYTES + f"\r\n--{boundary}--\r\n".encode()  # fmt: skip
    response = organiser.post(
        f"/manage/events/{accounts.event_id}/materials",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["uploaded"] == ["slides.pdf"]


REFUSALS = [
    # (files, status, words of the notice)
    (
        {"files": ("agenda.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")},
        415,
        "an HTML page",
    ),
    ({"files": ("empty.pdf", b"", "application/pdf")}, 422, "is empty"),
    ({"files": ("", b"", "application/octet-stream")}, 400, "Please choose a file"),
]


@pytest.mark.parametrize(("files", "status", "words"), REFUSALS, ids=["type", "empty", "no-file"])
def test_a_refused_upload_through_the_plain_form_answers_its_status_with_the_notice(
    organiser, accounts, db, files, status, words
):
    before = _state(db)
    response = _post(organiser, accounts, files, script=False)
    assert response.status_code == status
    assert words in main_text(response.text)
    assert f"/manage/events/{accounts.event_id}#documents" in links(response.text)  # the way back
    assert _state(db) == before
    # The notice is on this page, not waiting for the next one.
    assert words not in organiser.get(f"/manage/events/{accounts.event_id}").text


@pytest.mark.parametrize(("files", "status", "words"), REFUSALS, ids=["type", "empty", "no-file"])
def test_the_upload_script_gets_the_same_status_and_the_reason(organiser, accounts, db, files, status, words):
    before = _state(db)
    response = _post(organiser, accounts, files, script=True)
    assert response.status_code == status
    assert words in response.json()["error"]
    assert _state(db) == before


def test_a_new_version_is_one_file(organiser, accounts, db):
    href = next(h for h in links(organiser.get(EVENT_PAGE).text) if h.startswith("/materials/"))
    material = f"/manage/events/{accounts.event_id}/materials/{href.split('/')[2]}"
    before = _state(db)
    response = _post(
        organiser,
        accounts,
        [
            ("files", ("a.pdf", PDF_BYTES, "application/pdf")),
            ("files", ("b.pdf", PDF_BYTES, "application/pdf")),
        ],
        script=False,
        path=f"{material}/versions",
    )
    assert response.status_code == 422
    assert "choose just one" in main_text(response.text)
    assert material in links(response.text)
    assert _state(db) == before
