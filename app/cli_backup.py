"""``reciprocity backup`` and ``reciprocity restore``: one encrypted file out, a fresh instance in.

Only a tested restore counts (see docs/backups.md), so restore checks everything it can before
it writes anything: the file's tags and SHA-256, the keyring, that the target is empty; and
after: integrity and the row counts the header promised. Plaintext exists only in a private
(0700) scratch directory that is removed on the way out.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import asyncpg
import click

from app import backup_pg
from app.backup import (
    POSTGRESQL,
    SQLITE,
    BackupError,
    Header,
    decrypt_file,
    encrypt_file,
    fsync_dir,
    install_atomically,
    master_for,
    new_header,
    read_header,
    sqlite_refuse_unless_fresh,
    sqlite_snapshot,
    sqlite_verify,
)
from app.keyring import Keyring, load_keyring
from app.keys import ConfigurationError, dev_key_dir
from app.settings import Settings

PRIVATE = 0o600


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the backup (default: var/backups/reciprocity-ENGINE-TIME.backup).",
)
@click.pass_obj
def backup(settings: Settings, out: Path | None) -> None:
    """Write an encrypted backup of the database to ONE file (readable only by you).

    SQLite: an online snapshot, integrity-checked. PostgreSQL: pg_dump --format=custom.
    The file is useless without the keyring: keep that escrowed apart from the backups.
    """
    with _actionable("write the backup"):
        written, header = make_backup(settings, load_keyring(settings), out)
    click.echo(
        f"Backed up {len(header.tables)} tables, {header.rows} rows ({_where(settings)}); "
        + ("integrity ok." if header.engine == SQLITE else "dumped from one snapshot.")
    )
    click.echo(f"Wrote {written} ({written.stat().st_size} bytes).")
    click.echo(
        f"Encrypted under master key {header.key_id!r}: the file cannot be read without the "
        "keyring, so keep the keyring escrowed apart from the backups."
    )


@click.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--into",
    "database_url",
    default=None,
    help="The fresh database to restore into: sqlite:///PATH or postgresql://... "
    "(default: the configured RECIPROCITY_DATABASE_URL).",
)
@click.pass_obj
def restore(settings: Settings, path: Path, database_url: str | None) -> None:
    """Restore an encrypted backup into a fresh, empty instance; refuses anything else.

    Needs the keyring the backup was made with (RECIPROCITY_KEYRING_FILE). For PostgreSQL,
    create an empty database first (createdb).
    """
    target = settings if database_url is None else _pointed_at(settings, database_url)
    with _actionable("restore the backup"):
        header, restored = restore_backup(target, _escrowed_keyring(target), path)
    click.echo(
        f"Restored {len(restored)} tables, {sum(restored.values())} rows into {_where(target)}."
    )
    click.echo(
        f"Integrity ok; row counts match the backup (made {header.created}, "
        f"master key {header.key_id!r})."
    )
    click.echo(
        f"Anything done after {header.created} is not in it: apply again the erasures made "
        "since then before opening the service (docs/backups.md, 'After a restore')."
    )


def make_backup(
    settings: Settings, keyring: Keyring, out: Path | None = None
) -> tuple[Path, Header]:
    """Snapshot, check, encrypt to a private scratch file, then link it to ``out`` (never
    overwriting anything). Returns where it went and its header."""
    created = datetime.now(UTC)
    engine = POSTGRESQL if settings.uses_postgres else SQLITE
    if out is None:
        out = settings.var_dir / "backups" / f"reciprocity-{engine}-{created:%Y%m%dT%H%M%SZ}.backup"
        out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if out.exists():
        raise BackupError(f"{out} already exists; choose another --out. Nothing was written.")
    with _scratch(out.parent) as work:
        plain, extra = work / "snapshot", dict[str, str]()
        if engine == POSTGRESQL:
            tables, extra = backup_pg.snapshot(settings.database_url, plain)
        else:
            tables = sqlite_snapshot(settings.sqlite_path, plain)
        master = keyring.active
        stamp = created.isoformat(timespec="seconds")
        header = new_header(master, plain, engine=engine, created=stamp, tables=tables, extra=extra)
        sealed = work / "sealed"
        with os.fdopen(os.open(sealed, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE), "wb") as fh:
            encrypt_file(plain, header, master, fh)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(sealed, out)  # atomic, and refuses to replace a file that appeared meanwhile
        except FileExistsError:
            raise BackupError(f"{out} already exists; choose another --out.") from None
        fsync_dir(out.parent)
    return out, header


def restore_backup(
    settings: Settings, keyring: Keyring, source: Path
) -> tuple[Header, dict[str, int]]:
    """Restore ``source`` into the database ``settings`` point at; returns its row counts."""
    with source.open("rb") as handle:
        header, _ = read_header(handle)
    master_for(keyring, header)  # the keyring's error before any other work
    _refuse_unless_fresh(settings, header)
    # scratch beside the SQLite file (so the final rename is atomic), else in the var directory
    work_in = settings.sqlite_path.parent if header.engine == SQLITE else settings.var_dir
    work_in.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _scratch(work_in) as work:
        plain = work / "restore"
        with source.open("rb") as handle, _private_file(plain) as out:
            header = decrypt_file(handle, keyring, out)  # all tags and the SHA-256, or stop
        if header.engine == SQLITE:
            restored = sqlite_verify(plain)
            _require_same(restored, header)
            sqlite_refuse_unless_fresh(settings.sqlite_path)  # still fresh, just before the swap
            install_atomically(plain, settings.sqlite_path)
        else:
            backup_pg.restore(settings.database_url, plain, int(header.extra.get("pg_dump", "0")))
            restored = backup_pg.verify(settings.database_url)
            _require_same(restored, header)
    return header, restored


def _refuse_unless_fresh(settings: Settings, header: Header) -> None:
    target = POSTGRESQL if settings.uses_postgres else SQLITE
    if target != header.engine:
        raise BackupError(
            f"This is a {header.engine} backup but the target is {target}. Restore it into a "
            f"{header.engine} database with --into. Nothing was written."
        )
    if target == SQLITE:
        sqlite_refuse_unless_fresh(settings.sqlite_path)
    else:
        backup_pg.refuse_unless_fresh(settings.database_url)


def _require_same(restored: dict[str, int], header: Header) -> None:
    if restored != header.tables:
        differ = sorted(
            name
            for name in restored.keys() | header.tables.keys()
            if restored.get(name) != header.tables.get(name)
        )
        raise BackupError(
            f"After restoring, the row counts of {len(differ)} tables differ from the backup "
            f"({', '.join(differ[:5])}). Do not use this database; report it."
        )


def _escrowed_keyring(settings: Settings) -> Keyring:
    """The configured keyring; unlike the service, restore never generates a development one
    (a new keyring cannot open an old backup, and a refused restore must write nothing)."""
    configured = settings.keyring.get_secret_value() or settings.keyring_file is not None
    if not configured and not (dev_key_dir(settings) / "keyring.json").exists():
        raise click.ClickException(
            "No keyring is configured. Set RECIPROCITY_KEYRING_FILE to the escrowed keyring "
            "this backup was made with."
        )
    with _actionable("read the keyring"):
        return load_keyring(settings)


def _pointed_at(settings: Settings, database_url: str) -> Settings:
    if not database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
        raise click.BadParameter(
            "use sqlite:///PATH or postgresql://USER@HOST/DATABASE", param_hint="--into"
        )
    return settings.model_copy(update={"database_url": database_url})


@contextmanager
def _actionable(doing: str) -> Iterator[None]:
    """Known failures become one clear line and a non-zero exit, never a traceback."""
    try:
        yield
    except (BackupError, ConfigurationError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise click.ClickException(f"Cannot {doing}: {exc.strerror}{where}.") from None
    except sqlite3.Error as exc:  # SQLite's messages name no data ("unable to open ...")
        raise click.ClickException(f"Cannot {doing}: SQLite said {exc}.") from None
    except asyncpg.PostgresError as exc:  # its text can quote values: the kind only
        kind = type(exc).__name__
        raise click.ClickException(f"Cannot {doing}: PostgreSQL refused ({kind}).") from None


@contextmanager
def _scratch(parent: Path) -> Iterator[Path]:
    """A private (0700) directory for plaintext, removed however the work ends."""
    work = Path(tempfile.mkdtemp(prefix=".reciprocity-backup-", dir=parent))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE), "wb") as handle:
        yield handle


def _where(settings: Settings) -> str:
    if settings.uses_postgres:
        return f"PostgreSQL database {backup_pg.database_name(settings.database_url)!r}"
    return f"SQLite file {settings.sqlite_path}"
