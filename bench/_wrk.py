"""The one wrk helper of the bench scripts: run wrk against a URL and read its figures."""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path


def available() -> bool:
    return shutil.which("wrk") is not None


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def paths_script(folder: Path, paths: list[str], cookies: dict[str, str] | None = None) -> Path:
    """A Lua script that makes wrk cycle through ``paths`` (with the cookies), written into ``folder``."""
    script = folder / "paths.lua"
    quoted = ", ".join('"' + path.replace('"', '\\"') + '"' for path in paths)
    cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items()).replace('"', '\\"')
    script.write_text(
        f"local paths = {{{quoted}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        f'  return wrk.format("GET", paths[i], {{["Cookie"] = "{cookie}"}})\nend\n'
    )
    return script


def query_paths(path: str, queries: list[str]) -> list[str]:
    return [f"{path}?{urllib.parse.urlencode({'q': query})}" for query in queries]


def run_wrk(
    url: str, seconds: int, connections: int, *, threads: int = 2, script: Path | None = None
) -> dict:
    """``wrk -t<threads> -c<connections> -d<seconds>s --latency``: requests, req/s, p50, p90, p99 and max
    latency in ms, and what wrk reported wrong (non-2xx/3xx answers, socket errors)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-s", str(script)] if script else []
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    problems = re.findall(r"^\s*(Non-2xx or 3xx responses: \d+|Socket errors: .*)$", output, re.M)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p90": to_ms(re.search(r"^\s+90%\s+(\S+)", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "max": to_ms(re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", output, re.M).group(1)),
        "problems": "; ".join(problems),
    }
