"""The ``events`` command: database migrations, the demo event, the web server, stored files,
backups."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from .config import get_settings
from .i18n import cli_locale, format_number, gettext, pgettext, use_locale


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """A materials archive for public-sector learning events."""
    ctx.with_resource(use_locale(cli_locale()))  # French when the shell's language is (LANG=fr_CA.UTF-8)


@main.group()
def db() -> None:
    """Database schema migrations."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from .db import migrate

    migrate(get_settings(), revision)
    click.echo(gettext("Database upgraded to %(revision)s.") % {"revision": revision})


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Undo migrations down to REVISION ("base" removes everything)."""
    from .db import migrate

    migrate(get_settings(), revision, downgrade=True)
    click.echo(gettext("Database downgraded to %(revision)s.") % {"revision": revision})


async def _load_demo() -> bool:
    from .db import sqlalchemy_config
    from .demo import load_demo
    from .storage import create_storage

    settings = get_settings()
    config = sqlalchemy_config(settings)
    engine = config.get_engine()
    try:
        async with config.create_session_maker()() as session, session.begin():
            return await load_demo(session, create_storage(settings))
    finally:
        await engine.dispose()


@main.command()
def demo() -> None:
    """Load the Fredericton 2003 demo event (does nothing if it is already there)."""
    loaded = asyncio.run(_load_demo())
    click.echo(
        gettext("Demo event loaded.") if loaded else gettext("Demo event already present; nothing changed.")
    )


async def _create_user(email: str, password: str, role: str, name: str | None) -> str:
    from .audit import COMMAND_LINE
    from .db import sqlalchemy_config
    from .domain.accounts.service import create_user
    from .models import Role

    config = sqlalchemy_config(get_settings())
    engine = config.get_engine()
    try:
        async with config.create_session_maker()() as session, session.begin():
            user = await create_user(
                session, COMMAND_LINE, email=email, password=password, role=Role(role), display_name=name
            )
            return user.email
    finally:
        await engine.dispose()


@main.command("create-user")
@click.argument("email")
@click.option(
    "--role", type=click.Choice(["admin", "staff", "organiser"]), default="organiser", show_default=True
)
@click.option("--name", default=None, help="The name shown for this user.")
def create_user_command(email: str, role: str, name: str | None) -> None:
    """Create a user; the password is asked for (or read from standard input when piped)."""
    import sys

    from .domain.accounts.service import AccountError

    if sys.stdin.isatty():
        password = click.prompt(gettext("Password"), hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        created = asyncio.run(_create_user(email, password, role, name))
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    messages = {
        "admin": gettext("Created admin %(email)s."),
        "staff": gettext("Created staff %(email)s."),
        "organiser": gettext("Created organiser %(email)s."),
    }
    click.echo(messages[role] % {"email": created})


def _size(count: int) -> str:
    units = (
        pgettext("size unit", "bytes"),
        pgettext("size unit", "kB"),
        pgettext("size unit", "MB"),
        pgettext("size unit", "GB"),
    )
    for position, unit in enumerate(units):
        if count < 1000 or position == len(units) - 1:
            return f"{format_number(count, '0' if position == 0 else '0.0')} {unit}"
        count /= 1000
    raise AssertionError  # unreachable


async def _check_storage(repair: bool):  # noqa: ANN202
    from .db import sqlalchemy_config
    from .domain.materials.stored import check_storage
    from .storage import create_storage

    settings = get_settings()
    config = sqlalchemy_config(settings)
    engine = config.get_engine()
    storage = create_storage(settings)
    try:
        return await check_storage(config.create_session_maker(), storage, repair_orphans=repair)
    finally:
        storage.close()
        await engine.dispose()


@main.group()
def storage() -> None:
    """Stored files."""


@storage.command("check")
@click.option("--repair", is_flag=True, help="Remove orphan files older than an hour and abandoned staging.")
def storage_check(repair: bool) -> None:
    """Compare every stored file with its row (presence, size, SHA-256); exit 1 if anything is wrong."""
    report, repaired = asyncio.run(_check_storage(repair))
    if repaired:
        swept = repaired.swept
        message = gettext(
            "Repaired: removed %(removed)d orphan file(s) older than an hour (%(removed_size)s); removed the "
            "staging of %(processes)d stopped process(es) (%(files)d file(s), %(files_size)s) and "
            "%(orphans)d file(s) they stored without a row."
        )
        click.echo(
            message
            % {
                "removed": len(repaired.removed),
                "removed_size": _size(sum(info.size for info in repaired.removed)),
                "processes": swept.processes,
                "files": swept.staged_files,
                "files_size": _size(swept.staged_bytes),
                "orphans": swept.orphans,
            }
        )
        for info in repaired.removed:
            click.echo("  " + gettext("removed %(key)s") % {"key": info.key})
        if repaired.left_recent:
            message = gettext("Left %(count)d orphan file(s) younger than an hour alone.")
            click.echo(message % {"count": len(repaired.left_recent)})
    message = gettext("Checked %(rows)d row(s) and %(objects)d stored file(s) (%(size)s).")
    click.echo(message % {"rows": report.rows, "objects": report.objects, "size": _size(report.stored_bytes)})
    for label, items in report.findings():
        click.echo("  " + gettext("%(finding)s: %(count)d") % {"finding": label, "count": len(items)})
        for item in items[:20]:
            click.echo(f"    {item}")
        if len(items) > 20:
            click.echo("    " + gettext("... and %(count)d more") % {"count": len(items) - 20})
    if report.in_progress:
        message = gettext("being stored right now (left alone): %(count)d")
        click.echo("  " + message % {"count": report.in_progress})
    if report.ok:
        click.echo(gettext("Everything is in order."))
        return
    if report.damaged:
        click.echo(gettext("Missing or damaged files cannot be repaired here: restore them from a backup."))
    if not repair and (report.orphans or report.abandoned or report.loose_files):
        click.echo(
            gettext(
                "`events storage check --repair` removes orphans older than an hour and abandoned staging."
            )
        )
    raise SystemExit(1)


@main.command("backup")
@click.argument("out", type=click.Path(path_type=Path))
def backup_command(out: Path) -> None:
    """Write the database and every stored file, with a manifest of SHA-256 sums, into the new folder OUT."""
    from .backup import BackupError, backup

    try:
        summary = asyncio.run(backup(get_settings(), out))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    message = gettext(
        "Backed up %(rows)d rows in %(tables)d tables and %(files)d files (%(size)s) into %(folder)s."
    )
    click.echo(message % {"rows": summary.rows, "tables": len(summary.tables), "files": len(summary.files),
                          "size": _size(summary.bytes), "folder": out})  # fmt: skip
    _problems(summary.problems, gettext("Run `events storage check`; the backup holds everything else."))


@main.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(source: Path) -> None:
    """Restore the backup in SOURCE into this install, which must be empty, and verify it."""
    from .backup import BackupError, restore

    try:
        summary = asyncio.run(restore(get_settings(), source))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    message = gettext(
        "Restored %(rows)d rows in %(tables)d tables and %(files)d files (%(size)s) from %(folder)s."
    )
    click.echo(message % {"rows": summary.rows, "tables": len(summary.tables), "files": len(summary.files),
                          "size": _size(summary.bytes), "folder": source})  # fmt: skip
    _problems(summary.problems, gettext("The restored install differs from the backup."))
    click.echo(gettext("Verified: every table has its rows and every file its SHA-256."))


def _problems(problems: list[str], advice: str) -> None:
    if not problems:
        return
    click.echo(gettext("%(count)d problem(s):") % {"count": len(problems)}, err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    click.echo(advice, err=True)
    raise SystemExit(1)


@main.command()
@click.option("--host", default=None, help="Address to listen on (EVENTS_HOST).")
@click.option("--port", default=None, type=int, help="Port to listen on (EVENTS_PORT).")
@click.option("--workers", default=None, type=int, help="Worker processes (EVENTS_WORKERS).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the application with uvicorn."""
    import uvicorn

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    click.echo(gettext("Serving on %(address)s  (Ctrl+C to stop)") % {"address": f"http://{host}:{port}"})
    uvicorn.run(
        "events.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        proxy_headers=True,
        log_level="info",
    )


if __name__ == "__main__":
    main()
