"""The real server in a subprocess, the `events` command, and signed-in HTTP clients, for the tests that
need real processes: concurrent requests, crashes (SIGKILL), backups taken while the server writes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from events.config import Settings

EVENTS = Path(sys.executable).parent / "events"  # the project's command, beside this interpreter
STARTUP_SECONDS = 30


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The variables that make `events` use the test's database, files and key."""
    return {
        **os.environ,
        "EVENTS_DATABASE_URL": settings.database_url,
        "EVENTS_DATA_DIR": str(settings.data_dir),
        "EVENTS_STORAGE_DIR": str(settings.storage_dir),
        "EVENTS_SECRET_KEY": settings.secret_key,
        **extra,
    }


def events(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run `events ARGS`; the caller checks the return code and the output."""
    return subprocess.run([str(EVENTS), *args], env=env, input=stdin, capture_output=True, text=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`events serve` on a free port in its own process group, so that a kill reaches every process."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "EVENTS_PUBLIC_URL": self.base}
        self.log = log
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        command = [str(EVENTS), "serve", "--port", str(self.port), "--workers", str(self.workers)]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped with code {self.process.returncode}:\n{self.output}")
            try:
                if httpx.get(f"{self.base}/manage/login", timeout=2, trust_env=False).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)  # polling for a condition: the port opening
        raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s:\n{self.output}")

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole process group and wait for the server to end."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.kill()


def csrf_token(client: httpx.Client, path: str = "/manage") -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token in the form of {path}"
    return found.group(1)


def signed_in(base: str, email: str, password: str) -> httpx.Client:
    """An HTTP client signed in as ``email``, with the CSRF token of its session in its headers."""
    client = httpx.Client(base_url=base, trust_env=False, timeout=60)
    response = client.post(
        "/manage/login",
        data={"email": email, "password": password, "_csrf_token": csrf_token(client, "/manage/login")},
    )
    assert response.status_code == 302, response.text
    client.headers["x-csrftoken"] = csrf_token(client)
    client.headers["accept"] = "application/json"
    return client
