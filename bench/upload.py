"""Upload streaming: send a large upload through the real server and route, and watch the server's memory.

    .venv/bin/python bench/upload.py [--size-mib 1024]

Sets up a temporary data folder with the `events` command (db upgrade, demo, create-user), serves
`events.app:create_app` with uvicorn and one worker, signs in, and posts a PDF of the given size, generated
on the fly, to POST /manage/events/1/materials: once with a Content-Length, once with chunked transfer
encoding. Prints the throughput, the server's CPU time and its RSS before and at its peak during each
upload, then downloads each stored file from its public URL to check its size and SHA-256. Target: RSS
growth <= 20 MiB per upload. For reference, it then posts the same body to Litestar's own UploadFile form
parsing, served by the bench-only app in bench/_upload_app.py.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import DIRECT, HOST, Install, Server, cpu_seconds, rss_kib  # noqa: E402

MIB = 1024 * 1024
EVENT_ID = 1  # the demo event (published, so its documents have public download URLs)
EMAIL = "bench@example.org"  # the install's admin (_server.Install)
BOUNDARY = "bench-upload-boundary-5f0c7d2e"
PDF_HEAD = b"%PDF-1.4\n"  # what filetypes.detect_file looks for; the rest of the file is random bytes
SEND_BLOCK = MIB  # the client sends the body 1 MiB at a time
TARGET_GROWTH_MIB = 20
Check = tuple[str, bool, str]  # what is checked, whether it passed, the figure


class Body:
    """A multipart body with a `kind` field and one PDF of `blocks` MiB, generated as it is sent."""

    def __init__(self, blocks: int, filename: str, field: str = "files") -> None:
        self.block = os.urandom(SEND_BLOCK)
        self.first = PDF_HEAD + self.block[len(PDF_HEAD) :]
        self.blocks = blocks
        self.filename = filename
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npaper\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.file_size = SEND_BLOCK * blocks
        self.length = len(self.head) + self.file_size + len(self.tail)
        self.sha256 = hashlib.sha256()
        for chunk in self.file_chunks():
            self.sha256.update(chunk)

    def file_chunks(self) -> Iterator[bytes]:
        yield self.first
        for _ in range(self.blocks - 1):
            yield self.block

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        yield from self.file_chunks()
        yield self.tail


class SignedIn:
    """A browser-like client: cookies kept in a jar, signed in through the sign-in form."""

    def __init__(self, port: int) -> None:
        self.base = f"http://{HOST}:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def page(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    @staticmethod
    def csrf_token(page: str) -> str:
        return html.unescape(re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1))

    def sign_in(self, email: str, password: str) -> None:
        token = self.csrf_token(self.page("/manage/login"))  # also sets the events_csrf cookie
        form = {"email": email, "password": password, "_csrf_token": token, "next": "/manage"}
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(self.base + "/manage/login", data=data, timeout=30) as response:
            if urllib.parse.urlsplit(response.url).path != "/manage":
                raise RuntimeError(f"signing in ended on {response.url}")
        if "events_session" not in self.cookies():
            raise RuntimeError("signed in, but no events_session cookie")

    def cookies(self) -> dict[str, str]:
        return {cookie.name: cookie.value for cookie in self.jar}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies().items())

    def material_id(self, filename: str) -> int:
        """The id of the event document named filename, from the event's management page."""
        page = self.page(f"/manage/events/{EVENT_ID}")
        pattern = rf'href="/manage/events/{EVENT_ID}/materials/(\d+)">{re.escape(html.escape(filename))}</a>'
        return int(re.search(pattern, page).group(1))


def post(port: int, path: str, body: Body, headers: dict[str, str], *, chunked: bool) -> tuple[int, bytes]:
    """POST the body, streamed: with a Content-Length, or (chunked) without, which http.client then
    sends with Transfer-Encoding: chunked."""
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", **headers}
    if not chunked:
        headers["Content-Length"] = str(body.length)
    connection = http.client.HTTPConnection(HOST, port, timeout=600)
    try:
        connection.request("POST", path, body=iter(body), headers=headers, encode_chunked=chunked)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def measure(pid: int, send: Callable[[], tuple[int, bytes]]) -> dict:
    """Run send() while sampling the server's RSS every 20 ms."""
    before, cpu_before = rss_kib(pid), cpu_seconds(pid)
    peak, samples = before, 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, samples
        while not done.is_set():
            peak = max(peak, rss_kib(pid))
            samples += 1
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        status, answer = send()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return {
        "status": status,
        "answer": answer,
        "seconds": seconds,
        "before": before,
        "peak": peak,
        "growth_mib": (peak - before) / 1024,
        "samples": samples,
        "cpu": cpu_seconds(pid) - cpu_before,
    }


def download(url: str) -> tuple[int, str]:
    """Size and SHA-256 of a download, read 4 MiB at a time."""
    digest, size = hashlib.sha256(), 0
    with DIRECT.open(url, timeout=600) as response:
        while chunk := response.read(4 * MIB):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def describe(label: str, body: Body, result: dict) -> str:
    return (
        f"{label:<16}{body.length / 1e6 / result['seconds']:7.1f} MB/s ({result['seconds']:5.2f} s, "
        f"server CPU {result['cpu']:5.2f} s)  RSS before {result['before'] / 1024:6.1f} MiB, "
        f"peak {result['peak'] / 1024:6.1f} MiB ({result['samples']} samples), growth {result['growth_mib']:5.1f} MiB"
    )


def bench_real_route(env: dict[str, str], args: argparse.Namespace) -> list[Check]:
    with Install(workers=1, env=env) as server:
        print(f"data folder {server.folder}: events db upgrade, demo, create-user {EMAIL} --role admin")
        port, password, storage = server.port, server.password, server.folder / "files"
        processes = server.pids()
        print(
            f"server: uvicorn events.app:create_app --factory --workers 1 on {HOST}:{port}, "
            f"EVENTS_MAX_UPLOAD_MB={env['EVENTS_MAX_UPLOAD_MB']}; {len(processes)} process(es), "
            f"the RSS is that of pid {server.pid} (with one worker, uvicorn serves in its own process)"
        )
        client = SignedIn(port)
        client.sign_in(EMAIL, password)
        path = f"/manage/events/{EVENT_ID}/materials"
        token = client.csrf_token(client.page(f"/manage/events/{EVENT_ID}"))

        def send(body: Body, chunked: bool) -> Callable[[], tuple[int, bytes]]:
            headers = {"Accept": "application/json", "x-csrftoken": token, "Cookie": client.cookie_header()}
            return lambda: post(port, path, body, headers, chunked=chunked)

        status, answer = send(Body(1, "warm-up.pdf"), False)()  # load the code paths once
        if status != 200:
            raise RuntimeError(f"the warm-up upload was answered {status}: {answer[:500]!r}")
        print(f"signed in as {EMAIL}; POST {path} with Accept: application/json and x-csrftoken")
        print(f"uploading a {args.size_mib} MiB PDF ({PDF_HEAD!r} + random bytes), twice ...")

        checks: list[Check] = []
        for label, chunked in (("Content-Length", False), ("chunked", True)):
            body = Body(args.size_mib, f"bench-{label.lower()}.pdf")
            expected = body.sha256.hexdigest()
            result = measure(server.pid, send(body, chunked))
            if result["status"] != 200:
                raise RuntimeError(f"{label}: answered {result['status']}: {result['answer'][:500]!r}")
            uploaded = json.loads(result["answer"])["uploaded"]
            material_id = client.material_id(body.filename)
            size, sha256 = download(f"http://{HOST}:{port}/materials/{material_id}/{body.filename}")
            intact = uploaded == [body.filename] and size == body.file_size and sha256 == expected
            print(describe(label, body, result))
            print(
                f"{'':<16}stored as material {material_id}: GET /materials/{material_id}/{body.filename} gave "
                f"{size:,} bytes, SHA-256 {'as sent' if sha256 == expected else 'DIFFERENT'}"
            )
            growth, limit = result["growth_mib"], TARGET_GROWTH_MIB
            checks.append((f"{label}: RSS growth <= {limit} MiB", growth <= limit, f"{growth:.1f} MiB"))
            checks.append((f"{label}: stored file has the sent size and SHA-256", intact, str(intact)))
        # Each live worker keeps its own staging folder and locked journal (storage/staging.py): files
        # inside those folders would be leftovers, the folders and journals themselves are not.
        staged = [
            path
            for path in (storage / ".incoming").rglob("*")
            if path.is_file() and path.suffix != ".journal"
        ]
        leftovers = [*staged, *Path(env["TMPDIR"]).iterdir()]
        checks.append(
            ("nothing left in staging or spooled to TMPDIR", not leftovers, f"{len(leftovers)} files")
        )
        return checks


def bench_litestar_reference(folder: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    storage = folder / "reference"
    env = {**env, "BENCH_UPLOAD_STORAGE": str(storage)}
    with Server(env, workers=1, app="_upload_app:create_app") as server:
        server.start()
        port = server.port
        post(port, "/litestar", Body(1, "warm-up.pdf", field="data"), {}, chunked=False)
        body = Body(args.size_mib, "reference.pdf", field="data")
        result = measure(server.pid, lambda: post(port, "/litestar", body, {}, chunked=False))
        if result["status"] != 200:
            raise RuntimeError(f"/litestar answered {result['status']}: {result['answer'][:500]!r}")
        stored = json.loads(result["answer"])
        assert stored["size"] == body.file_size and stored["sha256"] == body.sha256.hexdigest(), stored
        print(
            "\nreference, NOT the production route: the bench-only app bench/_upload_app.py, Litestar's\n"
            "UploadFile form parsing (spooled to TMPDIR) then storage.save(), no sign-in or checks, Content-Length:"
        )
        print(describe("Litestar form", body, result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the finally blocks stop the servers
    folder = Path(tempfile.mkdtemp(prefix="events-bench-upload-"))
    (folder / "tmp").mkdir()  # TMPDIR of the servers: the real route must not spool anything there
    # SQLite, files and the key in the install's temporary folder (see _server.Install); plain-http cookies
    env = {"EVENTS_MAX_UPLOAD_MB": "2048", "EVENTS_DEBUG": "off", "TMPDIR": str(folder / "tmp")}
    try:
        checks = bench_real_route(env, args)  # its install is removed at the end: one run's files on disk
        print("\nTargets (real server and route)")
        for label, passed, figure in checks:
            print(f"  {'PASS' if passed else 'FAIL'}  {label:<56}{figure:>10}")
        bench_litestar_reference(folder, env, args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not all(passed for _, passed, _ in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
