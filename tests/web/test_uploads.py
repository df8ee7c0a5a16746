"""Streamed multipart uploads (events.web.uploads) and LocalStorage.adopt."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar, Request, post
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import InternalServerException
from litestar.testing import TestClient

from events.storage import Storage
from events.storage.local import LocalStorage
from events.web.uploads import BadUpload, ReceivedForm, UploadTooLarge, receive_form

MIB = 1024 * 1024
LIMIT = 2 * MIB
BOUNDARY = "----test-boundary-7MA4YWxkTrZu0gW"


def multipart(*parts: tuple[str, str | bytes | None, bytes], boundary: str = BOUNDARY) -> bytes:
    """A multipart/form-data body; each part is (field name, file name or None for a text field, bytes).

    A file name given as bytes goes in as they are, so that a test can send bytes that are not UTF-8."""
    body = b""
    for name, filename, data in parts:
        headers = f'Content-Disposition: form-data; name="{name}"'.encode()
        if filename is not None:
            raw = filename if isinstance(filename, bytes) else filename.encode()
            headers += b'; filename="' + raw + b'"\r\nContent-Type: application/octet-stream'
        body += f"--{boundary}\r\n".encode() + headers + b"\r\n\r\n" + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


HEADERS = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def staged(folder: Path) -> list[Path]:
    return list(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    return tmp_path / "storage" / ".incoming"


@pytest.fixture
def client(staging: Path) -> Iterator[TestClient]:
    """A tiny app with CSRF protection on, whose upload route is excluded from it, as the real one will be."""
    seen: list[Path] = []

    @post("/upload", opt={"exclude_from_csrf": True}, request_max_body_size=None, status_code=200)
    async def upload(request: Request) -> dict:
        form = await receive_form(request, staging, max_bytes=LIMIT, max_files=3, max_field_bytes=1000)
        try:
            seen.extend(received.path for received in form.files)
            if "explode" in form.fields:
                raise RuntimeError("the consumer failed after receiving the form")
            return {
                "content_length": request.headers.get("content-length"),
                "fields": form.fields,
                "files": [
                    {
                        "field_name": received.field_name,
                        "filename": received.filename,
                        "declared_type": received.declared_type,
                        "staging_name": received.path.name,
                        "in_staging": received.path.parent == staging,
                        "size": received.size,
                        "sha256": received.sha256,
                        "sha256_on_disk": hashlib.sha256(received.path.read_bytes()).hexdigest(),
                    }
                    for received in form.files
                ],
            }
        finally:
            form.discard()

    app = Litestar([upload], csrf_config=CSRFConfig(secret="test-secret"))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        test_client.seen = seen  # the staging paths the route was handed
        yield test_client


def test_fields_and_several_files(client: TestClient, staging: Path) -> None:
    slides, notes = os.urandom(300_000), b"speaker notes\r\n--not-a-boundary\r\n"
    body = multipart(
        ("title", None, "Café numérique".encode()),
        ("tag", None, b"first"),
        ("slides", "deck 2026.pdf", slides),
        ("tag", None, b"second"),
        ("notes", "../../etc/notes.txt", notes),
        ("empty", "empty.pptx", b""),
    )
    response = client.post("/upload", content=body, headers=HEADERS)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["fields"] == {"title": ["Café numérique"], "tag": ["first", "second"]}
    files = result["files"]
    assert [f["field_name"] for f in files] == ["slides", "notes", "empty"]
    assert [f["filename"] for f in files] == ["deck 2026.pdf", "../../etc/notes.txt", "empty.pptx"]
    assert [f["size"] for f in files] == [len(slides), len(notes), 0]
    for received, data in zip(files, [slides, notes, b""], strict=True):
        assert received["sha256"] == received["sha256_on_disk"] == hashlib.sha256(data).hexdigest()
        assert received["declared_type"] == "application/octet-stream"
        assert received["in_staging"] and re.fullmatch(r"[0-9a-f]{32}", received["staging_name"])
    assert staged(staging) == []  # discarded by the route


def test_a_multi_megabyte_file_from_a_real_client_arrives_intact(client: TestClient, staging: Path) -> None:
    data = os.urandom(7 * MIB // 4)
    response = client.post(
        "/upload",
        files={"upload": ("talk.pptx", data, "application/vnd.ms-powerpoint")},
        data={"_csrf_token": "x"},
    )
    assert response.status_code == 200, response.text
    [received] = response.json()["files"]
    assert received["size"] == len(data)
    assert received["sha256"] == received["sha256_on_disk"] == hashlib.sha256(data).hexdigest()
    assert received["declared_type"] == "application/vnd.ms-powerpoint"
    assert response.json()["fields"] == {"_csrf_token": ["x"]}
    assert staged(staging) == []


def chunked(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), 100_000):
        yield body[start : start + 100_000]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_file_of_exactly_the_limit_is_accepted_and_one_byte_more_refused(
    client: TestClient, staging: Path, framing: str
) -> None:
    def send(size: int):
        body = multipart(("comment", None, b"hello"), ("slides", "deck.pdf", b"x" * size))
        content = chunked(body) if framing == "chunked" else body
        return client.post("/upload", content=content, headers=HEADERS), len(body)

    accepted, length = send(LIMIT)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["files"][0]["size"] == LIMIT
    assert accepted.json()["content_length"] == (None if framing == "chunked" else str(length))

    refused, _ = send(LIMIT + 1)
    assert refused.status_code == 413
    assert "larger than the limit of 2 MB" in refused.text
    assert staged(staging) == []


def test_the_limit_counts_all_the_files_together(client: TestClient, staging: Path) -> None:
    half = b"y" * (LIMIT // 2 + 1)
    response = client.post(
        "/upload", content=multipart(("a", "a.pdf", half), ("b", "b.pdf", half)), headers=HEADERS
    )
    assert response.status_code == 413
    assert staged(staging) == []


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda body: body[: len(body) // 2], id="in the file data"),
        pytest.param(lambda body: body[: -len(f"--{BOUNDARY}--\r\n")], id="before the closing boundary"),
        pytest.param(lambda body: body[:-4], id="inside the closing boundary"),
    ],
)
def test_a_truncated_body_is_refused_and_leaves_nothing(client: TestClient, staging: Path, cut) -> None:
    body = multipart(("slides", "deck.pdf", os.urandom(500_000)), ("notes", "notes.txt", b"notes"))
    response = client.post("/upload", content=cut(body), headers=HEADERS)
    assert response.status_code == 400
    assert "cut off" in response.json()["detail"]
    assert staging.is_dir() and staged(staging) == []  # files were started, then removed


@pytest.mark.parametrize(
    ("headers", "body", "message"),
    [
        ({"content-type": "application/json"}, b'{"a": 1}', "not a multipart/form-data upload"),
        ({}, b"hello", "not a multipart/form-data upload"),
        ({"content-type": "multipart/form-data"}, multipart(("a", None, b"1")), "no boundary"),
        (HEADERS, b"this is not a multipart body at all", "not a well-formed multipart form"),
    ],
)
def test_what_is_not_a_multipart_upload_is_refused(client: TestClient, headers, body, message) -> None:
    response = client.post("/upload", content=body, headers=headers)
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([("f", f"{n}.pdf", b"data") for n in range(4)], "more than 3 files"),
        ([("comment", None, b"x" * 1001)], "too long"),
        ([("comment", None, b"caf\xe9")], "not valid UTF-8"),
        ([("f", b"caf\xe9.pdf", b"x")], "not valid UTF-8"),
        ([(f"field{n}", None, b"x") for n in range(101)], "more than 100 text fields"),
    ],
    ids=[
        "too many files",
        "text field too large",
        "bad UTF-8 in a field",
        "bad UTF-8 in a file name",
        "too many fields",
    ],
)
def test_bad_forms_are_refused_and_leave_nothing(client: TestClient, staging: Path, parts, message) -> None:
    body = multipart(*parts)
    response = client.post("/upload", content=body, headers=HEADERS)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert staged(staging) == []


def test_a_consumer_that_fails_after_receiving_still_leaves_nothing(
    client: TestClient, staging: Path
) -> None:
    body = multipart(("slides", "deck.pdf", os.urandom(100_000)), ("explode", None, b"yes"))
    response = client.post("/upload", content=body, headers=HEADERS)
    assert response.status_code == 500
    assert len(client.seen) == 1 and client.seen[0].parent == staging  # the file had been staged...
    assert staged(staging) == []  # ...and discard() in the route's finally removed it


# Driving receive_form directly, with a stand-in request, to see what it reads and when.


class FakeRequest:
    def __init__(
        self, body: bytes, chunk_size: int, headers: dict[str, str], fail_after: BaseException | None = None
    ):
        self.headers = headers
        self.chunks = [body[start : start + chunk_size] for start in range(0, len(body), chunk_size)]
        self.fail_after = fail_after
        self.consumed = 0

    async def stream(self):
        for chunk in self.chunks:
            if self.fail_after is not None and self.consumed == 3:
                raise self.fail_after
            self.consumed += 1
            yield chunk


def receive(request: FakeRequest, staging: Path, **limits) -> ReceivedForm:
    return asyncio.run(receive_form(request, staging, **{"max_bytes": LIMIT, **limits}))  # type: ignore[arg-type]


def test_content_length_over_the_limit_is_refused_before_reading(staging: Path) -> None:
    request = FakeRequest(b"", 1, {**HEADERS, "content-length": str(LIMIT + 2 * MIB)})
    request.stream = None  # reading would fail
    with pytest.raises(UploadTooLarge) as raised:
        receive(request, staging)
    assert raised.value.status_code == 413 and "2 MB" in raised.value.detail
    assert not staging.exists()


def test_a_chunked_body_stops_being_read_once_over_the_limit(staging: Path) -> None:
    body = multipart(("slides", "deck.pdf", b"z" * (8 * LIMIT)))
    request = FakeRequest(body, 64 * 1024, HEADERS)
    with pytest.raises(UploadTooLarge):
        receive(request, staging)
    assert request.consumed <= LIMIT // (64 * 1024) + 2  # not the whole 16 MiB
    assert staged(staging) == []


def test_an_endless_epilogue_is_cut_short(staging: Path) -> None:
    body = multipart(("a", None, b"1")) + b"\r\n" * (LIMIT + 1024 * 1024)
    with pytest.raises(UploadTooLarge):
        receive(FakeRequest(body, 64 * 1024, HEADERS), staging)


@pytest.mark.parametrize(
    ("failure", "answer"),
    [
        (asyncio.CancelledError(), asyncio.CancelledError),
        # A sender that went away is answered as a bad upload, not logged as our error.
        (InternalServerException("client disconnected prematurely"), BadUpload),
        (OSError("disk full"), OSError),
    ],
    ids=["cancelled", "client disconnected", "error"],
)
def test_an_interrupted_upload_leaves_nothing(staging: Path, failure: BaseException, answer: type) -> None:
    body = multipart(("a", "a.pdf", b"a" * 70_000), ("b", "b.pdf", b"b" * 500_000))
    request = FakeRequest(body, 64 * 1024, HEADERS, fail_after=failure)
    with pytest.raises(answer):
        receive(request, staging)
    assert request.consumed == 3  # both files had been started
    assert staged(staging) == []


@pytest.mark.parametrize("chunk_size", [1, 7, 4093])
def test_any_chunking_gives_the_same_bytes(staging: Path, chunk_size: int) -> None:
    # Data that looks like the start of a boundary makes the parser hold bytes back across chunks.
    tricky = (b"\r\n--" + BOUNDARY[:-1].encode() + b"\r\n-") * 50 + os.urandom(3000)
    body = multipart(("title", None, "Zoë".encode()), ("slides", "deck.pdf", tricky), ("empty", "e.txt", b""))
    form = receive(FakeRequest(body, chunk_size, HEADERS), staging)
    try:
        assert form.fields == {"title": ["Zoë"]}
        first, empty = form.files
        assert first.path.read_bytes() == tricky and first.size == len(tricky)
        assert first.sha256 == hashlib.sha256(tricky).hexdigest()
        assert empty.size == 0 and empty.sha256 == hashlib.sha256(b"").hexdigest() and empty.path.exists()
    finally:
        form.discard()
        form.discard()  # idempotent
    assert staged(staging) == []


def test_local_storage_adopts_a_staged_file_without_copying(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    assert isinstance(storage, Storage)
    assert storage.staging_dir.parent == tmp_path / "files" / ".incoming"  # this process's own folder
    staged_file = storage.staging_dir / "0123abcd"
    data = os.urandom(10_000)
    staged_file.write_bytes(data)
    inode = staged_file.stat().st_ino
    digest = hashlib.sha256(data).hexdigest()

    stored = asyncio.run(storage.adopt(staged_file, sha256=digest, size=len(data)))

    assert re.fullmatch(r"([0-9a-f]{2})/\1[0-9a-f]{30}", stored.key)
    assert (stored.size, stored.sha256) == (len(data), digest)
    assert not staged_file.exists()
    assert (storage.root / stored.key).stat().st_ino == inode  # moved, not copied

    async def read_back() -> bytes:
        return b"".join([chunk async for chunk in storage.read(stored.key)])

    assert asyncio.run(read_back()) == data
    assert asyncio.run(storage.exists(stored.key))


def test_local_storage_refuses_to_adopt_a_file_of_another_size(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    staged_file = storage.staging_dir / "partial"
    staged_file.write_bytes(b"12345")
    with pytest.raises(ValueError):
        asyncio.run(storage.adopt(staged_file, sha256="0" * 64, size=6))
    assert staged_file.exists()  # left for the caller's discard()
