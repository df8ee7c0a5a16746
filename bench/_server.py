"""The one server helper of the bench scripts: a temporary install served by uvicorn, and its processes.

    with Install(workers=2) as site:        # data folder, migrations, demo, an admin user
        site.url("/events/...")             # the server answers on 127.0.0.1 only
        site.rss_kib()                      # resident memory of the server and its workers

Everything lives in a temporary folder under /tmp, removed at the end (also on Ctrl+C).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"  # loopback only
PROJECT_DIR = Path(__file__).resolve().parent.parent
EVENTS = Path(sys.executable).parent / "events"  # the project's command, beside this interpreter
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy from the environment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def group_pids(pgid: int) -> list[int]:
    """Every process of a process group (uvicorn's supervisor and its workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid
            ):
                pids.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return pids


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Install:
    """A fresh install in a temporary folder (migrated, with the demo and an admin), served by uvicorn."""

    def __init__(self, *, workers: int = 1, env: dict[str, str] | None = None, demo: bool = True) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="events-bench-"))
        self.email, self.password = "bench@example.org", secrets.token_urlsafe(16)
        self.workers, self.port = workers, free_port()
        self.env = {
            **os.environ,
            "EVENTS_DATA_DIR": str(self.folder),
            "EVENTS_SECRET_KEY": secrets.token_hex(32),
            "EVENTS_PUBLIC_URL": f"http://{HOST}:{self.port}",
            **(env or {}),
        }
        self.demo = demo
        self.process: subprocess.Popen | None = None

    def events(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [str(EVENTS), *args], env=self.env, input=stdin, capture_output=True, text=True, check=True
        )
        return done.stdout

    def __enter__(self) -> Install:
        try:
            self.events("db", "upgrade")
            if self.demo:
                self.events("demo")
            self.events("create-user", self.email, "--role", "admin", stdin=self.password + "\n")
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def start(self) -> None:
        command = [
            sys.executable, "-m", "uvicorn", "events.app:create_app", "--factory", "--workers",
            str(self.workers), "--host", HOST, "--port", str(self.port), "--log-level", "warning",
            "--no-access-log",
        ]  # fmt: skip
        # A session of its own puts uvicorn in its own process group, stopped as a whole.
        self.process = subprocess.Popen(command, cwd=PROJECT_DIR, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with code {self.process.returncode}")
            try:
                DIRECT.open(self.url("/"), timeout=2).close()
                if len(group_pids(self.process.pid)) > self.workers:  # the supervisor and every worker
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not answer within 60 s")

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def pids(self) -> list[int]:
        return group_pids(self.process.pid) if self.process else []

    def rss_kib(self) -> int:
        return sum(rss_kib(pid) for pid in self.pids())

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
