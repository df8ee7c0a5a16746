"""Through the real server: the staff pages measured one request at a time, then under wrk."""

from __future__ import annotations

import argparse
import html
import http.client
import os
import re
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import _wrk as wrk
from _server import HOST, Server, cpu_seconds

from .names import DIRECTORY, EMAIL, SEARCH


class Client:
    """One keep-alive connection, as a browser tab typing into the field; cookies kept by hand."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or value in ("", '""', "null"):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response.status, data, dict(response.headers)

    def sign_in(self, password: str) -> None:
        status, page, _ = self.request("GET", "/manage/login")
        token = html.unescape(re.search(r'name="_csrf_token" value="([^"]+)"', page.decode()).group(1))
        form = {"email": EMAIL, "password": password, "_csrf_token": token, "next": "/manage"}
        status, _, headers = self.request("POST", "/manage/login", urllib.parse.urlencode(form))
        if status not in (302, 303) or headers.get("location") != "/manage":
            raise RuntimeError(f"signing in was answered {status} {headers.get('location')}")
        status, _, _ = self.request("GET", "/manage")
        if status != 200 or "events_session" not in self.cookies:
            raise RuntimeError(f"GET /manage after signing in: {status}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def measure(client: Client, path: str, queries: list[str], rounds: int, warmup: int) -> dict:
    """Sequential requests, one query after the other as typed; latency from sending to the last byte."""
    per_query: dict[str, list[float]] = {query: [] for query in queries}
    latencies, problems, sizes = [], Counter(), []
    for round_number in range(warmup + rounds):
        for query in queries:
            url = f"{path}?{urllib.parse.urlencode({'q': query})}"
            started = time.perf_counter()
            status, data, _ = client.request("GET", url)
            elapsed = 1000 * (time.perf_counter() - started)
            if status != 200:
                problems[status] += 1
            if round_number >= warmup:
                latencies.append(elapsed)
                per_query[query].append(elapsed)
                sizes.append(len(data))
    return {
        "latencies": latencies,
        "per_query": per_query,
        "problems": problems,
        "bytes": statistics.median(sizes),
        "sent": (warmup + rounds) * len(queries),
    }


def serve_and_measure(
    env: dict[str, str], password: str, queries: list[str], args: argparse.Namespace, folder: Path
) -> dict:
    results: dict = {"endpoints": {}, "wrk": {}, "load": [os.getloadavg()[0]]}
    try:
        with Server(env, workers=1, port=args.port) as server:
            server.start("/manage/login")
            client = Client(server.port)
            client.sign_in(password)
            status, _, _ = client.request("GET", f"{DIRECTORY}?q=mc")
            results["directory_status"] = status
            endpoints = [("type-ahead", SEARCH, queries), ("type-ahead, q empty", SEARCH, [""])]
            if status == 200:
                endpoints += [
                    ("directory page", DIRECTORY, queries),
                    ("directory page, q empty", DIRECTORY, [""]),
                ]
            for name, path, endpoint_queries in endpoints:
                rounds = args.rounds if len(endpoint_queries) > 1 else args.rounds * 60
                cpu_before = cpu_seconds(server.pid)
                result = measure(client, path, endpoint_queries, rounds, args.warmup)
                # warm-up requests included: CPU time is read around the whole loop
                result["cpu_ms"] = 1000 * (cpu_seconds(server.pid) - cpu_before) / result["sent"]
                results["endpoints"][name] = result
                print(f"  measured {name}: {len(result['latencies'])} requests", file=sys.stderr, flush=True)
            if args.wrk_seconds and not wrk.available():
                print("  wrk is not installed (apt-get install -y wrk): skipped", file=sys.stderr)
            elif args.wrk_seconds:
                for name, path, endpoint_queries in endpoints:
                    if len(endpoint_queries) > 1:
                        script = wrk.paths_script(
                            folder, wrk.query_paths(path, endpoint_queries), client.cookies
                        )
                        for connections in (1, 4):
                            results["wrk"][(name, connections)] = wrk.run_wrk(
                                server.url(""), args.wrk_seconds, connections, threads=1, script=script
                            )
    finally:
        results["load"].append(os.getloadavg()[0])
    return results
