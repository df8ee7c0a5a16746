"""The printed figures and the targets."""

from __future__ import annotations

import os
import statistics

from .in_process import typed_queries
from .names import DIRECTORY, NO_MATCH, TARGET_P95_MS
from .served import percentile


def classify(query: str) -> str:
    if query in NO_MATCH:
        return "no match"
    if " " in query or "-" in query:
        return "two words"
    return "1 letter" if len(query) == 1 else ("2-3 letters" if len(query) <= 3 else "4+ letters")


def report(
    args, database: str, figures: dict, inproc: dict, plans: dict, statements: dict, served: dict
) -> bool:  # noqa: ANN001
    ok = True
    print(
        f"\n=== Directory search, {database}: {args.people:,} people, {args.organisations:,} organisations ===\n"
    )
    print("Loading")
    print(f"  organisations, ORM batches of {args.batch}      {figures['organisations_s']:7.2f} s")
    print(
        f"  people, ORM batches of {args.batch}             {figures['people_bulk_s']:7.2f} s  ({figures['people_bulk']:,}, "
        f"{1000 * figures['people_bulk_s'] / figures['people_bulk']:.2f} ms each)"
    )
    print(
        f"  people, service.create_person one by one {figures['people_service_s']:7.2f} s  ({figures['people_service']}, "
        f"{1000 * figures['people_service_s'] / max(figures['people_service'], 1):.1f} ms each, duplicate check included)"
    )
    events_made, talks, links = figures["talks"]
    print(
        f"  {events_made} events, {talks} talks, {links} speaker links (service) {figures['talks_s']:6.2f} s"
    )
    print(
        f"  duplicates.rescan()                      {figures['rescan_s']:7.2f} s  -> {figures['rescan_open']:,} open "
        f"suggestions ({figures['open_before_rescan']} before; by kind: {figures['rescan_by_kind']})"
    )
    print("  " + ", ".join(f"{k}: {v:,}" for k, v in figures["counts"].items()))
    print("  largest organisations: " + ", ".join(f"{n} ({c})" for n, c in figures["biggest"]))

    shown: set[str] = set()
    for query, index, count, statement, parameters, lines, generic in plans:
        how = "EXPLAIN QUERY PLAN" if database == "SQLite" else "EXPLAIN (ANALYZE, BUFFERS), custom plan"
        print(
            f"\nQuery plan of statement {index} of {count} of people.queries.search_people(session, {query!r}) ({how})"
        )
        print(
            "  "
            + (" ".join(statement.split()) if statement not in shown else "(the same statement as above)")
        )
        shown.add(statement)
        print(f"  parameters: {parameters!r}")
        for line in lines:
            print("    " + line)
        if generic:
            print(
                "\n  The same prepared statement's generic plan (EXECUTE under plan_cache_mode=force_generic_plan),"
            )
            print("  which PostgreSQL may keep for a pooled asyncpg connection after five executions:")
            for line in generic:
                print("    " + line)

    rows = inproc["queries"]
    custom = inproc["postgres"]
    print("\nIn-process, per query (median): matches = people matching in all (the fragment shows 10),")
    print(
        "SQL = people.queries.search_people on an AsyncSession (statement + 10 rows to objects), render = the fragment"
    )
    if custom:
        print("custom = the same on a connection with plan_cache_mode=force_custom_plan")
    head = f"  {'query':<20}{'class':<13}{'matches':>8}{'SQL ms':>9}" + (f"{'custom':>9}" if custom else "")
    print(head + f"{'render ms':>10}")
    for query, row in sorted(rows.items(), key=lambda item: -item[1]["sql_ms"])[:15]:
        line = f"  {query!r:<20}{classify(query):<13}{row['matches']:>8,}{row['sql_ms']:>9.2f}"
        line += f"{row['custom_ms']:>9.2f}" if custom else ""
        print(line + f"{row['render_ms']:>10.3f}")
    print(f"  ... {len(rows) - 15} more")
    for key, label in (
        (("sql_ms", "SQL ms"), ("custom_ms", "custom ms")) if custom else (("sql_ms", "SQL ms"),)
    ):
        by_class: dict[str, list[float]] = {}
        for query, row in rows.items():
            by_class.setdefault(classify(query), []).append(row[key])
        every = [row[key] for row in rows.values()]
        print(
            f"  {label} by class (median / max): "
            + ", ".join(f"{name} {statistics.median(v):.2f} / {max(v):.2f}" for name, v in by_class.items())
            + f"; all {statistics.median(every):.2f} / {max(every):.2f}"
        )
    print(f"  render ms: max {max(row['render_ms'] for row in rows.values()):.3f}")

    print(
        "\nSigned-in requests in-process (TestClient, median of 15): statements, time in the driver, in all"
    )
    for url, (rows_, total, driver) in statements.items():
        print(
            f"  {url:<24}{len(rows_):>3} statements {1000 * driver:7.2f} ms in the driver {1000 * total:7.2f} ms in all"
        )
        print("      " + ", ".join(f"{s} {1000 * (d or 0):.2f}" for s, d in rows_))

    print(
        f"\nServed: uvicorn --workers 1, one keep-alive connection, sequential; {args.warmup} warm-up round(s), then"
    )
    print(
        f"{args.rounds} rounds of {len(typed_queries())} queries typed keystroke by keystroke; latency from request to last byte"
    )
    print(
        f"(load average of the machine, 1 min: {served['load'][0]:.2f} before, {served['load'][1]:.2f} after; {os.cpu_count()} CPUs)"
    )
    print(
        "(CPU ms = the uvicorn process's CPU time per request, from /proc; with SQLite it includes the database's)"
    )
    if served["directory_status"] != 200:
        print(
            f"  GET {DIRECTORY}?q=mc answered {served['directory_status']}: the staff directory page is not there yet, skipped"
        )
    print(
        f"  {'endpoint':<26}{'requests':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'bytes':>8}{'CPU ms':>8}  target p95 < {TARGET_P95_MS:.0f} ms"
    )
    for name, result in served["endpoints"].items():
        values = result["latencies"]
        p95 = percentile(values, 0.95)
        verdict = ""
        if "empty" not in name:
            passed = p95 < TARGET_P95_MS
            ok &= passed
            verdict = "PASS" if passed else "FAIL"
        print(
            f"  {name:<26}{len(values):>9}{percentile(values, 0.5):>8.2f}{p95:>8.2f}{percentile(values, 0.99):>8.2f}"
            f"{max(values):>8.2f}{result['bytes']:>8.0f}{result['cpu_ms']:>8.2f}  {verdict}"
        )
        if result["problems"]:
            print(f"  {'':<26}answers other than 200: {dict(result['problems'])}")
    for name, result in served["endpoints"].items():
        if "empty" in name:
            continue
        print(f"\n  {name}, by class of query (p50 / p95 ms)")
        by_class = {}
        for query, values in result["per_query"].items():
            by_class.setdefault(classify(query), []).extend(values)
        for label, values in by_class.items():
            print(
                f"    {label:<12}{len(values):>5} requests {percentile(values, 0.5):7.2f} / {percentile(values, 0.95):7.2f}"
            )
        slowest = sorted(result["per_query"].items(), key=lambda item: -statistics.median(item[1]))[:6]
        print(
            "    slowest queries (median ms): "
            + ", ".join(f"{q!r} {statistics.median(v):.1f}" for q, v in slowest)
        )
    if served["wrk"]:
        print(f"\n  wrk -t1 --latency -d{args.wrk_seconds}s, cycling through the same queries")
        print(f"  {'endpoint':<20}{'conns':>6}{'req/s':>8}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}")
        for (name, connections), row in served["wrk"].items():
            print(
                f"  {name:<20}{connections:>6}{row['rps']:>8.0f}{row['p50']:>8.2f}{row['p90']:>8.2f}{row['p99']:>8.2f}{row['max']:>8.2f}"
            )
            if row["problems"]:
                print(f"  {'':<20}wrk reported: {row['problems']}")
    return ok
