"""``reciprocity backup`` and ``reciprocity restore`` (placeholder: being written)."""

from __future__ import annotations

import click


@click.command()
def backup() -> None:
    """Write an encrypted backup of the database (being written)."""
    raise click.ClickException("not built yet")


@click.command()
def restore() -> None:
    """Restore an encrypted backup into a fresh instance (being written)."""
    raise click.ClickException("not built yet")
