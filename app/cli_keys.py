"""``reciprocity keys ...`` and ``reciprocity data-map``: the operator's side of data protection.

Rotation, in order: ``keys add master`` (the new key becomes active, the old one decrypt-only),
restart the service, ``keys rotate`` (re-wrap every data key), then mark the old key retired
once ``keys status`` shows no data key under it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from app import key_jobs
from app.datamap import DataMap
from app.db import with_database
from app.keyring import KeyStatus, load_keyring, new_key, new_keyring_json, parse_keyring
from app.keys import ConfigurationError
from app.sealed import Sealer
from app.settings import Settings
from app.vault import Vault


def sealer_for(settings: Settings, datamap: DataMap) -> Sealer:
    return Sealer(Vault(load_keyring(settings)), datamap, settings.blind_index_population)


@click.group()
def keys() -> None:
    """Generate, inspect and rotate the encryption keys."""


@keys.command()
@click.option(
    "--id", "key_id", default="1", show_default=True, help="Name of the first master key."
)
def generate(key_id: str) -> None:
    """Print a new keyring (JSON) to store as a secret file; set RECIPROCITY_KEYRING_FILE to it."""
    click.echo(new_keyring_json(key_id=key_id))


@keys.command()
@click.argument("kind", type=click.Choice(["master", "index"]))
@click.option(
    "--file",
    "path",
    type=click.Path(path_type=Path, exists=True),
    required=True,
    help="The keyring file to change.",
)
@click.option(
    "--id", "key_id", default="", help="Name of the new master key (default: next number)."
)
def add(kind: str, path: Path, key_id: str) -> None:
    """Add a new master key (made active; the old one becomes decrypt-only) or index key version."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if kind == "master":
        for entry in data["master_keys"]:
            if entry["status"] == KeyStatus.active:
                entry["status"] = KeyStatus.decrypt_only.value
        new_id = key_id or str(len(data["master_keys"]) + 1)
        data["master_keys"].append(
            {"id": new_id, "status": KeyStatus.active.value, "key": new_key()}
        )
    else:
        version = max(int(entry["version"]) for entry in data["index_keys"]) + 1
        data["index_keys"].append({"version": version, "key": new_key()})
    text = json.dumps(data, indent=2)
    parse_keyring(text)  # refuse to write a keyring the service would refuse to load
    _replace(path, text)
    click.echo(
        f"Added a {kind} key to {path}. Restart the service, then run 'reciprocity keys "
        + ("rotate'." if kind == "master" else "re-encrypt'.")
    )


def _replace(path: Path, text: str) -> None:
    """Write next to the file, then rename over it: a crash never leaves half a keyring."""
    temporary = path.with_suffix(".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    temporary.replace(path)


def run_job(ctx: click.Context, job: Any) -> Any:
    from app.factory import data_map  # noqa: PLC0415 - the composition root, imported when used

    settings: Settings = ctx.obj
    try:
        sealer = sealer_for(settings, data_map())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    return with_database(settings, lambda: job(sealer))


@keys.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Count data keys per master key and sealed rows per format and index version."""
    for heading, counts in run_job(ctx, key_jobs.status).items():
        click.echo(f"{heading}:")
        for label, count in sorted(counts.items()) or [("(none)", 0)]:
            click.echo(f"  {label}: {count}")


@keys.command()
@click.option("--batch", default=100, show_default=True, help="Data keys per batch.")
@click.pass_context
def rotate(ctx: click.Context, batch: int) -> None:
    """Re-wrap every data key under the active master key (safe to stop and run again)."""
    moved = run_job(ctx, lambda sealer: key_jobs.rotate(sealer, batch))
    click.echo(f"Re-wrapped {moved} data keys under the active master key.")


@keys.command(name="re-encrypt")
@click.option("--batch", default=100, show_default=True, help="Rows per batch.")
@click.pass_context
def re_encrypt(ctx: click.Context, batch: int) -> None:
    """Re-encrypt rows and blind indexes under the current format and index key (resumable)."""
    done = run_job(ctx, lambda sealer: key_jobs.reencrypt(sealer, batch))
    click.echo(f"Re-encrypted {done} rows.")


DATA_MAP_HEADINGS = (
    "table.column",
    "group",
    "protection",
    "purpose",
    "lawful basis",
    "special category",
    "retention",
    "visible to",
)


@click.command(name="data-map")
def data_map_command() -> None:
    """Print the record of processing: each personal-data column, why it is kept, who sees it."""
    from app.factory import data_map  # noqa: PLC0415 - the composition root, imported when used

    click.echo(" | ".join(DATA_MAP_HEADINGS))
    for table_map in data_map().tables.values():
        for personal in table_map.fields:
            click.echo(
                " | ".join(
                    (
                        f"{table_map.name}.{personal.column}",
                        personal.group,
                        personal.protection.value
                        + (
                            f" ({personal.key.value} key)" if personal.protection != "plain" else ""
                        ),
                        personal.purpose,
                        personal.lawful_basis,
                        personal.special_category or "-",
                        personal.retention,
                        ", ".join(sorted(personal.visible_to)),
                    )
                )
            )
