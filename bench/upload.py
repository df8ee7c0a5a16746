"""Upload streaming: send a large multipart upload and watch the server's memory while it is received.

    .venv/bin/python bench/upload.py [--size-mib 1024]

Serves bench/_upload_app.py with uvicorn and posts one file of the given size, generated on the fly,
to its two routes: the streamed path (receive_form, then storage.adopt) and Litestar's UploadFile
form parsing (then storage.save). Prints the throughput, the server's CPU time, and its RSS before and
at its peak during each upload. Target for the streamed path: RSS growth <= 20 MiB.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

MIB = 1024 * 1024
BENCH_DIR = Path(__file__).resolve().parent
BOUNDARY = "bench-upload-boundary-5f0c7d2e"
TARGET_GROWTH_MIB = 20


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Body:
    """A multipart body with one text field and one file of `blocks` copies of `block`, never held whole."""

    def __init__(self, block: bytes, blocks: int) -> None:
        self.block, self.blocks = block, blocks
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBench upload\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="data"; filename="recording.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.file_size = len(block) * blocks
        self.length = len(self.head) + self.file_size + len(self.tail)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for _ in range(self.blocks):
            digest.update(self.block)
        return digest.hexdigest()

    def __iter__(self):
        yield self.head
        for _ in range(self.blocks):
            yield self.block
        yield self.tail


def upload(port: int, path: str, body: Body) -> tuple[dict, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Content-Length": str(body.length),
    }
    started = time.perf_counter()
    try:
        connection.request("POST", path, body=iter(body), headers=headers)
        response = connection.getresponse()
        answer = response.read()
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {answer[:500]!r}")
    return json.loads(answer), seconds


def measure(pid: int, port: int, path: str, body: Body) -> tuple[dict, float, int, int, float]:
    """Upload once while sampling the server's RSS every 20 ms: answer, seconds, RSS before/peak, CPU."""
    before = rss_kib(pid)
    cpu_before = cpu_seconds(pid)
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kib(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        answer, seconds = upload(port, path, body)
    finally:
        done.set()
        sampler.join()
    return answer, seconds, before, peak, cpu_seconds(pid) - cpu_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="events-bench-upload-"))
    storage_root = folder / "files"
    (folder / "tmp").mkdir()  # Litestar spools UploadFiles under TMPDIR: keep them in our folder
    env = {
        **os.environ,
        "BENCH_UPLOAD_STORAGE": str(storage_root),
        "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), os.environ.get("PYTHONPATH", "")]),
        "TMPDIR": str(folder / "tmp"),
    }
    server = None
    try:
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "_upload_app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],  # fmt: skip
            env=env,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            except urllib.error.HTTPError:
                break  # 404 or 405: the server answers
            except OSError:
                time.sleep(0.1)
        body = Body(os.urandom(MIB), args.size_mib)
        expected = body.sha256()
        for path in ("/streamed", "/litestar"):  # warm up both code paths with a small upload
            upload(port, path, Body(os.urandom(1024), 64))

        print(f"uploading {args.size_mib} MiB ({body.length:,} bytes of body) to each route ...", flush=True)
        growth = {}
        for path, label in (("/streamed", "streamed + adopt"), ("/litestar", "Litestar UploadFile")):
            answer, seconds, before, peak, cpu = measure(server.pid, port, path, body)
            [stored] = answer["stored"]
            assert stored["size"] == body.file_size and stored["sha256"] == expected, stored
            assert (storage_root / stored["key"]).stat().st_size == body.file_size
            growth[path] = (peak - before) / 1024
            print(
                f"{label:20} {body.length / 1e6 / seconds:7.1f} MB/s  ({seconds:5.2f} s, server CPU {cpu:5.2f} s)"
                f"  RSS before {before / 1024:6.1f} MiB, peak {peak / 1024:6.1f} MiB, growth {growth[path]:5.1f} MiB"
            )
            (storage_root / stored["key"]).unlink()  # keep the disk use to one copy at a time
        leftovers = list((storage_root / ".incoming").iterdir())
        verdict = "PASS" if growth["/streamed"] <= TARGET_GROWTH_MIB and not leftovers else "FAIL"
        print(
            f"target: streamed RSS growth <= {TARGET_GROWTH_MIB} MiB and nothing left in staging: {verdict}"
            f" ({growth['/streamed']:.1f} MiB, {len(leftovers)} staging files)"
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
