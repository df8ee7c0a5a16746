"""Soak: mixed traffic at a fixed rate against two workers for ten minutes, watching errors and memory.

    .venv/bin/python bench/soak.py [--seconds 600] [--rate 20] [--workers 2] [--postgres URL]

Serves a fresh install (migrations, the demo event, an admin; see _server.py) with uvicorn, then sends
requests at a fixed rate (open loop: a slow answer does not slow the arrivals), drawn from this mix:
browsing public pages, conditional GETs, downloads with byte ranges, directory searches (public and
staff), small PDF uploads (new versions of five documents made at the start, so that the event page
keeps its size), sign-ins and management pages. Prints, per kind of request and overall, the
count, errors (an unexpected status or a failed connection), p50 and p99 latency, and the servers' RSS
after the warm-up and at the end. Targets: 0 errors, RSS growth under 10 %.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import httpx

sys.path.insert(0, os.path.dirname(__file__))
from _server import Install  # noqa: E402

EVENT = "/events/2003-fredericton-learning-event"
SEARCHES = ["m", "mck", "snb", "bern", "nuss", "o'b", "service", "city", "todd", "ccra"]
WARMUP_SECONDS = 30
STAFF = 12  # people who sign in (with five failures in flight an account waits: one person, one browser)
TARGETS = (
    5  # documents made at the start, which the uploads give new versions (the event page keeps its size)
)


@dataclass
class Site:
    """What the traffic reads: addresses found on the demo pages, and the people who sign in."""

    install: Install
    people: list[str] = field(default_factory=list)  # staff accounts, all with the install's password
    pages: list[str] = field(default_factory=list)
    downloads: list[tuple[str, int]] = field(default_factory=list)  # (href, size)
    targets: list[int] = field(default_factory=list)  # ids of the documents the uploads add versions to
    local: threading.local = field(default_factory=threading.local)
    signing_in: threading.Lock = field(default_factory=threading.Lock)

    def client(self, signed_in: bool = False) -> httpx.Client:
        """This thread's browser: anonymous, or signed in as one of the staff (once, at first use)."""
        name = "staff" if signed_in else "public"
        client = getattr(self.local, name, None)
        if client is None:
            client = httpx.Client(base_url=self.install.url(""), timeout=30, trust_env=False)
            if signed_in:
                with self.signing_in:  # people sign in one after the other, not 48 at once as one
                    email = self.people[threading.get_ident() % len(self.people)]
                    assert sign_in(client, self.install, email).status_code == 302
            setattr(self.local, name, client)
        return client


def csrf_of(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(client: httpx.Client, install: Install, email: str) -> httpx.Response:
    token = csrf_of(client, "/manage/login")
    return client.post(
        "/manage/login", data={"email": email, "password": install.password, "_csrf_token": token}
    )


def discover(site: Site) -> None:
    client = site.client()
    event = client.get(EVENT).text
    hrefs = set(re.findall(r'href="(/[^"#?]*)"', event))
    site.pages = sorted(
        {EVENT, f"{EVENT}/print", "/", "/events", "/speakers", "/organisations"}
        | {h for h in hrefs if h.startswith(("/speakers/", "/organisations/", "/topics/"))}
    )
    for href in sorted(h for h in hrefs if h.startswith("/materials/")):
        size = int(client.head(href).headers["content-length"])
        site.downloads.append((href, size))


# --- the mix: each returns the response whose status is judged ----------------------------------------


def browse(site: Site, rng: random.Random) -> tuple[httpx.Response, set[int]]:
    return site.client().get(rng.choice(site.pages)), {200}


def conditional(site: Site, rng: random.Random) -> tuple[httpx.Response, set[int]]:
    client, page = site.client(), rng.choice(site.pages)
    tag = client.head(page).headers["etag"]
    return client.get(page, headers={"If-None-Match": tag}), {200, 304}  # 200 if a write came between


def ranged_download(site: Site, rng: random.Random) -> tuple[httpx.Response, set[int]]:
    href, size = rng.choice(site.downloads)
    first = rng.randrange(size)
    header = rng.choice([f"bytes={first}-", f"bytes={first}-{min(first + 65535, size - 1)}", "bytes=-1024"])
    return site.client().get(href, headers={"Range": header}), {206}


def public_search(site: Site, rng: random.Random) -> tuple[httpx.Response, set[int]]:
    return site.client().get("/speakers", params={"q": rng.choice(SEARCHES)}), {200}


def staff_search(site: Site, rng: random.Random) -> tuple[httpx.Response, set[int]]:
    return site.client(signed_in=True).get("/manage/people", params={"q": rng.choice(SEARCHES)}), {200}


def pdf(rng: random.Random) -> bytes:
    return b"%PDF-1.4\n" + rng.randbytes(64 * 1024) + b"\n%%EOF\n"


def upload(site: Site, rng: random.Random) -> tuple[httpx.Response, set[int]]:
    """A new version of one of the target documents: an upload that does not make the event page grow."""
    client = site.client(signed_in=True)
    return client.post(
        f"/manage/events/1/materials/{rng.choice(site.targets)}/versions",
        files={"files": (f"soak-{rng.randrange(10**6)}.pdf", pdf(rng), "application/pdf")},
        headers={"Accept": "application/json", "x-csrftoken": client.cookies["events_csrf"]},
    ), {200}


def make_targets(site: Site) -> None:
    """The documents the uploads give new versions to, added to the demo event after the discovery."""
    client, rng = site.client(signed_in=True), random.Random(5)
    documents = re.compile(r'href="/manage/events/1/materials/(\d+)"')
    before = set(documents.findall(client.get("/manage/events/1").text))
    for number in range(TARGETS):
        response = client.post(
            "/manage/events/1/materials",
            files={"files": (f"soak-target-{number}.pdf", pdf(rng), "application/pdf")},
            headers={"Accept": "application/json", "x-csrftoken": client.cookies["events_csrf"]},
        )
        assert response.status_code == 200, response.text
    made = set(documents.findall(client.get("/manage/events/1").text)) - before
    assert len(made) == TARGETS, made
    site.targets = sorted(int(found) for found in made)


def fresh_sign_in(site: Site, rng: random.Random) -> tuple[httpx.Response, set[int]]:
    with httpx.Client(base_url=site.install.url(""), timeout=30, trust_env=False) as client:
        response = sign_in(client, site.install, rng.choice(site.people))
        token = csrf_of(client, "/manage")
        client.post("/manage/logout", data={"_csrf_token": token})  # the session row goes again
        return response, {302}


def manage_page(site: Site, _rng: random.Random) -> tuple[httpx.Response, set[int]]:
    return site.client(signed_in=True).get("/manage/events/1"), {200}


MIX: list[tuple[str, Callable, int]] = [
    ("browse", browse, 35),
    ("conditional GET", conditional, 10),
    ("ranged download", ranged_download, 20),
    ("public search", public_search, 8),
    ("staff search", staff_search, 7),
    ("upload", upload, 5),
    ("sign in", fresh_sign_in, 10),
    ("manage page", manage_page, 5),
]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors[kind].append(error)


def one_request(site: Site, results: Results, kind: str, work: Callable, seed: int) -> None:
    started = time.perf_counter()
    error = None
    try:
        response, expected = work(site, random.Random(seed))
        if response.status_code not in expected:
            error = f"{response.status_code} {response.request.method} {response.request.url.path}"
    except Exception as failure:  # noqa: BLE001 - every failure is counted and shown
        error = f"{type(failure).__name__}: {failure}"
    results.add(kind, time.perf_counter() - started, error)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--rate", type=float, default=20, help="requests per second")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--postgres", help="an EMPTY PostgreSQL database URL (postgresql+asyncpg://...)")
    parser.add_argument("--only", help="comma-separated kinds of request to send (default: the whole mix)")
    args = parser.parse_args()
    mix = [entry for entry in MIX if not args.only or entry[0] in args.only.split(",")]
    env = {"EVENTS_DATABASE_URL": args.postgres} if args.postgres else {}
    kinds = [kind for kind, _work, _weight in mix]
    weights = [weight for _kind, _work, weight in mix]
    works = {kind: work for kind, work, _weight in mix}
    rng = random.Random(8)
    with Install(workers=args.workers, env=env, port=args.port) as install:
        site = Site(install, people=[install.email])
        for number in range(STAFF - 1):
            email = f"staff{number}@example.org"
            install.events("create-user", email, "--role", "staff", stdin=install.password + "\n")
            site.people.append(email)
        discover(site)
        make_targets(site)
        print(f"{len(site.pages)} pages, {len(site.downloads)} downloads; {args.rate:g} req/s for "
              f"{args.seconds:g} s (+{WARMUP_SECONDS} s warm-up) against {args.workers} workers")  # fmt: skip
        results, warmup = Results(), Results()
        samples: list[tuple[float, int]] = []

        def send(seconds: float, into: Results, first: int) -> float:
            """Requests at the fixed rate for ``seconds``; returns once all are answered, and the lag."""
            begin, futures = time.monotonic(), []
            next_sample = begin
            for number in range(int(seconds * args.rate)):
                due = begin + number / args.rate
                if (pause := due - time.monotonic()) > 0:
                    time.sleep(pause)
                if into is results and time.monotonic() >= next_sample:
                    samples.append((time.monotonic() - begin, install.rss_kib()))
                    next_sample += 10
                kind = rng.choices(kinds, weights)[0]
                futures.append(pool.submit(one_request, site, into, kind, works[kind], first + number))
            wait(futures)
            return time.monotonic() - begin - seconds

        def at_rest() -> int:
            # Between phases, with no request in flight: a sign-in being checked holds argon2's 64 MiB
            # for its moment, which would make a sample taken during traffic jump by that much.
            time.sleep(2)
            return install.rss_kib()

        with ThreadPoolExecutor(max_workers=48) as pool:
            send(WARMUP_SECONDS, warmup, 0)
            start_rss = at_rest()
            lag = send(args.seconds, results, 10**6)
            end_rss = at_rest()

    print(f"\n{'request':<18}{'count':>8}{'errors':>8}{'p50 ms':>10}{'p99 ms':>10}")
    every = []
    for kind in kinds:
        values = results.latencies.get(kind, [])
        every += values
        if values:
            print(f"{kind:<18}{len(values):>8}{len(results.errors[kind]):>8}"
                  f"{percentile(values, 0.5):>10.1f}{percentile(values, 0.99):>10.1f}")  # fmt: skip
    errors = sum(len(found) for found in results.errors.values())
    print(
        f"{'all':<18}{len(every):>8}{errors:>8}{percentile(every, 0.5):>10.1f}{percentile(every, 0.99):>10.1f}"
    )
    print(f"\nachieved rate: {len(every) / args.seconds:.1f} req/s (scheduler lag at the end {lag:.1f} s); "
          f"mean latency {statistics.fmean(every) * 1000:.1f} ms")  # fmt: skip
    for kind, found in results.errors.items():
        for message in sorted(set(found))[:5]:
            print(f"  error in {kind}: {message} (x{found.count(message)})")
    growth = (end_rss - start_rss) / start_rss * 100
    peak = max(rss for _t, rss in samples)
    print(f"RSS of the server processes at rest: {start_rss / 1024:.1f} MiB after warm-up, {end_rss / 1024:.1f} "
          f"MiB at the end ({growth:+.1f} %); peak during traffic {peak / 1024:.1f} MiB")  # fmt: skip
    timeline = "  ".join(f"{t / 60:.0f}m {rss / 1024:.0f}" for t, rss in samples if round(t) % 60 < 10)
    print(f"RSS (MiB) during traffic, each minute: {timeline}")
    checks = [("0 errors", errors == 0), ("RSS growth under 10 %", growth < 10)]
    for what, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {what}")
    return 0 if all(passed for _what, passed in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
