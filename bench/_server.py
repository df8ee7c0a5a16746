"""The one server helper of the bench scripts: a served application and its processes, and a temporary
install to serve.

    with Install(workers=2) as site:        # data folder, migrations, demo, an admin user, served
        site.url("/events/...")             # the server answers on 127.0.0.1 only
        site.rss_kib()                      # resident memory of the server and its workers

    with Server(env, workers=2, app="_ceiling_app:create_app") as server:   # any app, any data
        server.wait_ready("/events/x")

The application is served as `events serve` serves it (uvicorn, events.app:create_app as a factory),
with uvicorn's access log off and its log level at warning, from this checkout's src/ (then bench/, for
the bench-only apps). Everything an Install makes lives in a temporary folder under /tmp, removed at the
end (also on Ctrl+C); each server runs in a process group of its own and is stopped as a whole.
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
BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
APP = "events.app:create_app"
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy from the environment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _stat_fields(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def group_pids(pgid: int) -> list[int]:
    """Every process of a process group (uvicorn's supervisor and its workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int(_stat_fields(entry.name)[2]) == pgid:
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process."""
    try:
        fields = _stat_fields(pid)
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def source_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment with this checkout's src/ and bench/ first on the import path."""
    env = {**os.environ, **(env or {})}
    paths = [str(PROJECT_DIR / "src"), str(BENCH_DIR), *filter(None, env.get("PYTHONPATH", "").split(":"))]
    env["PYTHONPATH"] = ":".join(dict.fromkeys(paths))
    return env


class Server:
    """uvicorn serving ``app`` (a factory) with ``workers`` processes on 127.0.0.1, in its own process group."""

    def __init__(
        self, env: dict[str, str] | None = None, *, workers: int = 1, port: int | None = None, app: str = APP
    ) -> None:
        self.env, self.workers, self.port, self.app = (
            source_environment(env),
            workers,
            port or free_port(),
            app,
        )
        self.process: subprocess.Popen | None = None

    def start(self, ready_path: str = "/", timeout: float = 60) -> bytes:
        command = [
            sys.executable, "-m", "uvicorn", self.app, "--factory", "--workers", str(self.workers),
            "--host", HOST, "--port", str(self.port), "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        # A session of its own puts uvicorn in its own process group, stopped as a whole.
        self.process = subprocess.Popen(command, cwd=PROJECT_DIR, env=self.env, start_new_session=True)
        return self.wait_ready(ready_path, timeout)

    def wait_ready(self, path: str = "/", timeout: float = 60) -> bytes:
        """The body of ``path`` once the server answers it and every worker has started."""
        processes = self.workers + 1 if self.workers > 1 else 1  # the supervisor and every worker
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with code {self.process.returncode}")
            try:
                with DIRECT.open(self.url(path), timeout=2) as response:
                    body = response.read()
                if len(self.pids()) >= processes:
                    return body
            except urllib.error.HTTPError:
                return b""
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.url(path)} did not answer within {timeout:g} s")

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def pids(self) -> list[int]:
        return group_pids(self.process.pid) if self.process else []

    def rss_kib(self) -> int:
        return sum(rss_kib(pid) for pid in self.pids())

    def cpu_seconds(self) -> float:
        """CPU time of every live process of the server (uvicorn and its workers)."""
        return sum(cpu_seconds(pid) for pid in self.pids())

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class Install(Server):
    """A fresh install in a temporary folder (migrated, with the demo and an admin), served by uvicorn."""

    def __init__(
        self,
        *,
        workers: int = 1,
        env: dict[str, str] | None = None,
        demo: bool = True,
        port: int | None = None,
        app: str = APP,
    ) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="events-bench-", dir=os.environ.get("BENCH_TMPDIR")))
        self.email, self.password = "bench@example.org", secrets.token_urlsafe(16)
        port = port or free_port()
        super().__init__(
            {
                "EVENTS_DATA_DIR": str(self.folder),
                "EVENTS_SECRET_KEY": secrets.token_hex(32),
                "EVENTS_PUBLIC_URL": f"http://{HOST}:{port}",
                **(env or {}),
            },
            workers=workers,
            port=port,
            app=app,
        )
        for name in ("EVENTS_DATABASE_URL", "EVENTS_STORAGE_DIR"):  # SQLite and files in the folder,
            if name not in (env or {}):  # unless given
                self.env.pop(name, None)
        self.demo = demo

    def events(self, *args: str, stdin: str | None = None) -> str:
        """Run the `events` command on this install."""
        done = subprocess.run(
            [sys.executable, "-m", "events.cli", *args],
            env=self.env, input=stdin, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout

    def prepare(self) -> None:
        """Migrations, the demo event (unless demo=False) and the admin user."""
        self.events("db", "upgrade")
        if self.demo:
            self.events("demo")
        self.events("create-user", self.email, "--role", "admin", stdin=self.password + "\n")

    def __enter__(self) -> Install:
        try:
            self.prepare()
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
