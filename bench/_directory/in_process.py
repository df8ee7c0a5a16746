"""In-process measurements: matches, SQL and rendering time, query plans, and each request's statements."""

from __future__ import annotations

import html
import re
import statistics
import time

from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from .names import DIRECTORY, EMAIL, NO_MATCH, SEARCH, TYPED


def typed_queries() -> list[str]:
    """Every prefix of each typed phrase, as the page sends it (trimmed), then the no-match queries."""
    queries = []
    for phrase in TYPED:
        for end in range(1, len(phrase) + 1):
            prefix = phrase[:end].strip()
            if prefix and (not queries or queries[-1] != prefix):
                queries.append(prefix)
    return queries + NO_MATCH


class Statements:
    """Every SQL statement the process runs while active, with the time spent in the driver."""

    def __init__(self) -> None:
        self.rows: list[list] = []

    def before(self, _conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        self.rows.append([statement, parameters, time.perf_counter(), None])

    def after(self, *_args: object) -> None:
        self.rows[-1][3] = time.perf_counter() - self.rows[-1][2]

    def __enter__(self) -> Statements:
        sa_event.listen(Engine, "before_cursor_execute", self.before)
        sa_event.listen(Engine, "after_cursor_execute", self.after)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa_event.remove(Engine, "before_cursor_execute", self.before)
        sa_event.remove(Engine, "after_cursor_execute", self.after)


def summary(statement: str) -> str:
    words = " ".join(statement.split())
    verb = words.split(" ", 1)[0].upper()
    table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", words, re.I)
    return f"{verb} {table.group(1) if table else ''}".strip()


async def in_process(config, settings, queries: list[str], rounds: int) -> dict:  # noqa: ANN001
    """Match counts, and the time of people.queries.search_people and of the fragment's rendering.

    On PostgreSQL the statements are also timed on a connection with plan_cache_mode=force_custom_plan:
    asyncpg prepares every statement and keeps it per connection, and after five executions PostgreSQL
    may plan it once for any parameters (a generic plan), without knowing how common the prefix is.
    """
    from litestar.plugins.jinja import JinjaTemplateEngine
    from sqlalchemy import func, select, text

    from events.domain.people import queries as people_queries
    from events.domain.people.search import people_matching
    from events.models import Person
    from events.resources import TEMPLATES_DIR
    from events.web.templating import configure_environment

    engine = JinjaTemplateEngine(directory=TEMPLATES_DIR)
    configure_environment(engine.engine, settings)
    template = engine.get_template("manage/partials/people_matches.html")
    maker = config.create_session_maker()
    postgres = config.get_engine().dialect.name == "postgresql"
    result: dict = {"queries": {}, "postgres": postgres}
    repeat = max(rounds, 5) * 2

    async def timed(session, query: str) -> tuple[float, list]:  # noqa: ANN001
        await people_queries.search_people(session, query)  # warm
        times, found = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            found = await people_queries.search_people(session, query)
            times.append(time.perf_counter() - started)
        return 1000 * statistics.median(times), found

    async with maker() as session, maker() as custom:
        if postgres:
            await custom.execute(text("SET plan_cache_mode = force_custom_plan"))
        for query in dict.fromkeys(queries):
            matches = await session.scalar(
                select(func.count())
                .select_from(Person)
                .where(Person.merged_into_id.is_(None), people_matching(query))
            )
            sql_ms, found = await timed(session, query)
            render = []
            for _ in range(repeat):
                started = time.perf_counter()
                size = len(template.render(matches=found, q=query).encode())
                render.append(time.perf_counter() - started)
            result["queries"][query] = {
                "matches": matches,
                "sql_ms": sql_ms,
                "custom_ms": (await timed(custom, query))[0] if postgres else None,
                "render_ms": 1000 * statistics.median(render),
                "bytes": size,
            }
    return result


async def explain(config, queries: list[str]) -> list[tuple]:  # noqa: ANN001
    """Every statement people.queries.search_people runs (captured from the driver), with the database's plan.

    PostgreSQL: EXPLAIN ANALYZE with the values (a custom plan), and, for the first query's statement on the
    name terms, the generic plan of the same prepared statement (PREPARE, then EXECUTE under
    plan_cache_mode=force_generic_plan).
    """
    from events.domain.people import queries as people_queries

    maker = config.create_session_maker()
    dialect = config.get_engine().dialect.name
    plans = []
    async with maker() as session:
        for number, query in enumerate(queries):
            with Statements() as statements:
                await people_queries.search_people(session, query)
            connection = await session.connection()
            captured = [row[:2] for row in statements.rows]
            for index, (statement, parameters) in enumerate(captured, start=1):
                generic = []
                if dialect == "sqlite":
                    rows = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                    depth = {0: -1}
                    lines = []
                    for node, parent, _unused, detail in rows.all():
                        depth[node] = depth.get(parent, -1) + 1
                        lines.append("  " * depth[node] + detail)
                else:
                    explain_sql = "EXPLAIN (ANALYZE, BUFFERS) "
                    rows = (await connection.exec_driver_sql(explain_sql + statement, parameters)).all()
                    lines = [row[0] for row in rows]
                    if number == 0 and "name_term" in statement:
                        values = ", ".join(
                            str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"
                            for v in parameters
                        )
                        await connection.exec_driver_sql("PREPARE bench_search AS " + statement)
                        await connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
                        rows = await connection.exec_driver_sql(
                            f"{explain_sql}EXECUTE bench_search({values})"
                        )
                        generic = [row[0] for row in rows.all()]
                        await connection.exec_driver_sql("RESET plan_cache_mode")
                        await connection.exec_driver_sql("DEALLOCATE bench_search")
                plans.append((query, index, len(captured), statement, parameters, lines, generic))
    return plans


def request_statements(settings, password: str, repeat: int = 15) -> dict[str, tuple]:  # noqa: ANN001
    """The SQL statements of signed-in requests, in-process (TestClient), each timed in the driver (median)."""
    from litestar.testing import TestClient

    from events.app import create_app

    out = {}
    with TestClient(create_app(settings)) as client:
        page = client.get("/manage/login").text
        token = html.unescape(re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1))
        form = {"email": EMAIL, "password": password, "_csrf_token": token, "next": "/manage"}
        client.post("/manage/login", data=form)
        requests = [(SEARCH, q) for q in ("mck", "m", "")]
        if client.get(DIRECTORY, params={"q": "mc"}).status_code == 200:
            requests += [(DIRECTORY, q) for q in ("mck", "m", "")]
        for path, query in requests:
            client.get(path, params={"q": query})  # warm
            totals, runs = [], []
            for _ in range(repeat):
                with Statements() as statements:
                    started = time.perf_counter()
                    response = client.get(path, params={"q": query})
                    totals.append(time.perf_counter() - started)
                response.raise_for_status()
                runs.append([(summary(s), d or 0.0) for s, _p, _t, d in statements.rows])
            names = [name for name, _ in runs[-1]]
            same = [run for run in runs if [name for name, _ in run] == names]
            each = [statistics.median(run[i][1] for run in same) for i in range(len(names))]
            driver = statistics.median(sum(d for _, d in run) for run in runs)
            out[f"{path}?q={query}"] = (
                list(zip(names, each, strict=True)),
                statistics.median(totals),
                driver,
            )
    return out
