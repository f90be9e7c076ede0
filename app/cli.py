"""``reciprocity``: the one command line for operators (serve, migrate, check, demo...).

Every subcommand reads the same settings as the web service (``RECIPROCITY_*`` environment
variables) and says in plain words what it did or what to fix.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from functools import partial
from typing import Any

import click
import uvicorn

from app import demo as kernel_demo
from app import demo_symbols, key_jobs
from app.auth import accounts
from app.auth.dev import sign_in_link
from app.cli_backup import backup, restore
from app.cli_keys import data_map_command, keys, sealer_for
from app.cli_outbox import outbox
from app.cli_users import users
from app.db import is_ready, with_database
from app.keyring import load_keyring
from app.keys import ConfigurationError, load_secret_key
from app.migrations import migrate as run_migrations
from app.migrations import model_drift, schema_drift
from app.observability import configure_logging
from app.retention import RetentionRun, run_rules
from app.sealed import Sealer
from app.settings import Settings
from app.vault import Vault
from app.worker import run_forever, run_once
from events import demo as events_demo
from events import demo_council as events_council
from events import demo_invited
from participation import demo as participation_demo
from participation import demo_council, demo_places, demo_programme, demo_recruitment
from payments import demo as payments_demo
from payments import demo_council as payments_council
from payments import demo_expenses, demo_fees, demo_ledger, demo_offers, demo_vouchers

DEMO_STEPS = (
    kernel_demo,
    demo_symbols,
    participation_demo,
    demo_council,
    demo_recruitment,
    demo_programme,
    events_demo,
    events_council,
    demo_places,
    demo_invited,
    payments_demo,
    payments_council,
    demo_offers,
    demo_fees,
    demo_expenses,
    demo_vouchers,
    demo_ledger,
)


def fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Reciprocity: co-production with people with lived experience.

    Settings come from RECIPROCITY_* environment variables (see the README).
    """
    try:
        ctx.obj = Settings()
    except ValueError as exc:
        fail(f"The configuration is not valid:\n{exc}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=lambda: int(os.environ.get("PORT", "8000")),
    show_default="8000, or $PORT",
    type=int,
    help="Port to listen on.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    help="Worker processes (use PostgreSQL for more than one).",
)
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve the web pages and the JSON API.

    Run 'reciprocity migrate' first. Put a reverse proxy with HTTPS in front in production.
    """
    if settings.is_production:  # fail here, once; in development the app itself warns
        try:
            load_secret_key(settings)
        except ConfigurationError as exc:
            fail(str(exc))
    click.echo(
        f"Serving {settings.service_name} on http://{host}:{port} (Ctrl+C to stop)", err=True
    )
    uvicorn.run(
        "app.factory:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        server_header=False,
        log_config=None,
        access_log=False,  # ours logs no query strings (app.web.middleware)
    )


@main.command()
@click.option(
    "--check",
    is_flag=True,
    help=(
        "After migrating, fail if the models need a migration that does not exist "
        "or the database differs from the models."
    ),
)
@click.pass_obj
def migrate(settings: Settings, check: bool) -> None:
    """Bring the database up to date (safe to run again: it applies only what is missing)."""
    if check:
        problems = with_database(settings, _drift)
        if problems:
            fail("Migrations are out of step:\n  " + "\n  ".join(problems))
        click.echo("Models, migrations and the database agree.")
        return
    with_database(settings, run_migrations)
    click.echo(f"The database is up to date ({_where(settings)}).")


async def _drift() -> list[str]:
    from app.db import current_engine  # noqa: PLC0415 - the engine bound by with_database

    drifted = [f"app '{name}' needs a new migration" for name in await model_drift()]
    await run_migrations()
    return drifted + await schema_drift(current_engine())


@main.command()
@click.pass_obj
def check(settings: Settings) -> None:
    """Check the configuration, the keys and the database before going live."""
    try:
        load_secret_key(settings)
    except ConfigurationError as exc:
        fail(f"Keys: {exc}")
    try:
        from app.factory import check_data_map, data_map  # noqa: PLC0415 - composition root

        datamap = data_map()
        check_data_map(datamap)
        sealer = sealer_for(settings, datamap)
    except ConfigurationError as exc:
        fail(f"Keys and data map: {exc}")
    active = sealer.vault.keyring.active.key_id
    click.echo(f"Keys: OK ({settings.environment.value}, active master key {active})")
    mapped = sum(len(table_map.fields) for table_map in datamap.tables.values())
    click.echo(f"Data map: OK ({mapped} personal-data columns)")
    if not with_database(settings, is_ready):
        fail(f"Database: cannot reach {_where(settings)}")
    click.echo(f"Database: OK ({_where(settings)})")
    if with_database(settings, model_drift):
        fail("Migrations: the code needs migrations that do not exist. Tell your developers.")
    click.echo("Migrations: OK")
    still_used = with_database(settings, lambda: key_jobs.retired_in_use(sealer))
    if still_used:
        fail(
            f"Keys: retired master keys still protect data: {', '.join(still_used)}. "
            "Run 'reciprocity keys rotate' first."
        )


@main.group()
def retention() -> None:
    """Delete what the data map says need not be kept any longer."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would go; change nothing.")
@click.pass_obj
def retention_run(settings: Settings, dry_run: bool) -> None:
    """Apply every retention rule once. Safe to repeat: a second run finds nothing more.

    Run it daily from a scheduled task.
    """
    from app.factory import data_map, retention_rules  # noqa: PLC0415 - composition root

    sealer = sealer_for(settings, data_map())
    run = RetentionRun(datetime.now(UTC), dry_run, sealer, settings)
    results = with_database(settings, lambda: run_rules(retention_rules(), run))
    verb = "Would remove" if dry_run else "Removed"
    for rule, count in results:
        click.echo(f"{verb} {count:>6}  {rule.name} ({rule.period})")


@main.command()
@click.option("--once", is_flag=True, help="Run every job once, say what each did, then stop.")
@click.pass_obj
def worker(settings: Settings, once: bool) -> None:
    """Run the background jobs: send queued email (every RECIPROCITY_OUTBOX_POLL_S seconds),
    reminders before events (every 15 minutes) and retention (daily).

    At scale, set RECIPROCITY_OUTBOX_POLL_S=0 on the web servers and run this as its own
    service; several may run at once. Or run it with --once from a scheduled task.
    """
    from app.factory import background_jobs, data_map  # noqa: PLC0415 - composition root

    configure_logging(settings)
    keyring, datamap = load_keyring(settings), data_map()
    jobs = background_jobs(
        settings,
        lambda: Sealer(Vault(keyring), datamap, settings.blind_index_population),
        load_secret_key(settings),
    )
    if once:
        for job in jobs:
            said = with_database(settings, partial(run_once, job))
            click.echo(f"{job.name}: {said or 'nothing to do'}")
        return
    try:
        with_database(settings, lambda: run_forever(jobs))
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)


REFUSED = (
    "This database holds data that is not demo data; the demo is refused so nothing real is "
    "mixed with made-up people. Point RECIPROCITY_VAR_DIR (or DATABASE_URL) at an empty database."
)


@main.command()
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
@click.option("--links", is_flag=True, help="Only print fresh sign-in links for the demo accounts.")
@click.pass_obj
def demo(settings: Settings, if_empty: bool, links: bool) -> None:
    """Fill an empty database with the demo council (200 made-up people, their recruitment,
    events and payments) and print one-time sign-in links for its staff and participants.

    Run again on the demo, it prints fresh links. It refuses a database holding anything else.
    """
    if settings.is_production:
        fail("Demo data is refused in production. Set RECIPROCITY_ENVIRONMENT=development.")
    from app.factory import data_map  # noqa: PLC0415 - the composition root, imported when used

    sealer = sealer_for(settings, data_map())
    secret_key = load_secret_key(settings)
    state = with_database(settings, _state)
    if state == "other":
        if not if_empty:
            fail(REFUSED)
        click.echo("The database holds data that is not demo data; no demo data added.")
        return
    if state == "demo" and if_empty:
        click.echo("The database already has data; no demo data added.")
        return
    if state == "empty" and links:
        fail("This database holds no demo council yet. Run 'reciprocity demo' first.")
    if state == "empty":
        lines = with_database(settings, lambda: _populate(sealer))
        click.echo("Added demo data:\n  " + "\n  ".join(lines))
    elif not links:
        click.echo("The database already holds the demo council.")
    made = with_database(settings, lambda: _links(sealer, secret_key, settings.public_url))
    click.secho("\nSign in to the demo council (each link works once, for 10 minutes):", fg="green")
    click.secho("\n".join(f"  {who}: {link}" for who, link in made), fg="green")
    click.echo("New links: reciprocity demo --links")


async def _state() -> str:
    """'demo' (the demo filled it), 'empty', or 'other' (it holds data the demo did not make)."""
    if await kernel_demo.is_marked():
        return "demo"
    return "empty" if all([await step.is_empty() for step in DEMO_STEPS]) else "other"


async def _populate(sealer: Sealer) -> list[str]:
    lines: list[Any] = []
    for step in DEMO_STEPS:
        lines += await step.populate(sealer)
    return lines


async def _links(sealer: Sealer, secret_key: str, public_url: str) -> list[tuple[str, str]]:
    """A fresh one-time link for each demo account: (who and role, link)."""
    made = []
    for who, email in kernel_demo.sign_ins():
        account = await accounts.find_by_email(sealer, email)
        if account is not None:
            made.append((who, await sign_in_link(account["id"], secret_key, public_url)))
    return made


def _where(settings: Settings) -> str:
    return "PostgreSQL" if settings.uses_postgres else f"SQLite file {settings.sqlite_path}"


main.add_command(backup)
main.add_command(restore)
main.add_command(keys)
main.add_command(data_map_command)
main.add_command(outbox)
main.add_command(users)
