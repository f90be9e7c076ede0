"""``reciprocity users ...``: the first administrator, and the development sign-in link."""

from __future__ import annotations

import sys

import click

from app import audit
from app.auth import accounts, passwords
from app.auth.dev import dev_sign_in_link
from app.cli_keys import sealer_for
from app.db import with_database
from app.keys import ConfigurationError, load_secret_key
from app.sealed import Sealer
from app.settings import Settings


@click.group()
def users() -> None:
    """Create the first administrator; everyone else is invited from the service."""


@users.command(name="create-admin")
@click.option("--email", required=True, help="The administrator's work email address.")
@click.option("--name", required=True, help="Their full name.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (for scripts)."
)
@click.pass_obj
def create_admin(settings: Settings, email: str, name: str, password_stdin: bool) -> None:
    """Create an administrator with every staff role (two-step set-up at first sign-in)."""
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else click.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    problem = passwords.password_problem(password, email=email)
    if problem:
        raise click.ClickException(problem)
    new = accounts.NewAccount("staff", email, name, tuple(accounts.STAFF_ROLES), password=password)
    sealer = _sealer(settings)
    account_id = with_database(settings, lambda: accounts.create(sealer, new, audit.SYSTEM))
    click.echo(
        f"Created administrator {account_id}. Sign in at {settings.public_url}/sign-in/staff"
    )


@users.command(name="dev-sign-in")
@click.pass_obj
def dev_sign_in(settings: Settings) -> None:
    """Development only: print a one-time link that signs you in as a dev administrator."""
    if settings.is_production:
        raise click.ClickException("The dev sign-in link is refused in production.")
    sealer = _sealer(settings)
    secret_key = load_secret_key(settings)
    link = with_database(
        settings, lambda: dev_sign_in_link(sealer, secret_key, settings.public_url)
    )
    click.secho(
        f"\n  Sign in as the dev admin (works once, for 10 minutes):\n  {link}\n", fg="green"
    )
    if settings.mail_dir is not None:
        click.echo(
            f"  Emails (participants' sign-in codes...) are written to {settings.mail_dir}\n"
        )


def _sealer(settings: Settings) -> Sealer:
    from app.factory import data_map  # noqa: PLC0415 - the composition root, imported when used

    try:
        return sealer_for(settings, data_map())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
