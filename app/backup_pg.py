"""PostgreSQL's side of backup and restore: ``pg_dump --format=custom`` and ``pg_restore``.

The dump and the row counts in the backup's header come from ONE snapshot: a repeatable-read
transaction exports its snapshot and ``pg_dump --snapshot`` reads exactly what the counts saw,
however busy the service is. The password never goes on a command line (other users of the
machine can read those); it travels in ``PGPASSWORD``. Error text from the tools is cut down to
its first lines without DETAIL, which can quote a row's values.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

from app.backup import BackupError, quote

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/")) or "(default)"


def snapshot(url: str, dest: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Dump the database to ``dest``; returns the row counts and the tools' versions."""
    return asyncio.run(_snapshot(url, dest))


async def _snapshot(url: str, dest: Path) -> tuple[dict[str, int], dict[str, str]]:
    dump = tool("pg_dump")
    client = tool_major(dump)
    connection = await connect(url)
    try:
        server = int(connection.get_server_version().major)
        if server > client:
            raise BackupError(
                f"The PostgreSQL server is version {server} but this machine's pg_dump is "
                f"version {client}; pg_dump cannot dump a newer server. Install the PostgreSQL "
                f"{server} client tools and run the backup again."
            )
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            exported = await connection.fetchval("SELECT pg_export_snapshot()")
            tables = await counts(connection)
            command = [dump, "--format=custom", f"--snapshot={exported}", "--file", str(dest)]
            await run(command, url)
    finally:
        await connection.close()
    return tables, {"pg_dump": str(client), "server": str(server)}


def refuse_unless_fresh(url: str) -> None:
    """Restore goes only into an existing, empty database (``createdb`` it first)."""

    async def tables() -> int:
        connection = await connect(url)
        try:
            return len(await table_names(connection))
        finally:
            await connection.close()

    found = asyncio.run(tables())
    if found:
        raise BackupError(
            f"The database {database_name(url)!r} already has {found} tables. Restore only into "
            "a fresh, empty database (createdb a new one). Nothing was written."
        )


def restore(url: str, dump: Path, dump_major: int) -> None:
    """``pg_restore`` in one transaction: on any error the target is left empty."""
    restorer = tool("pg_restore")
    if tool_major(restorer) < dump_major:
        raise BackupError(
            f"This backup was dumped by pg_dump {dump_major}; this machine's pg_restore is "
            f"older. Install the PostgreSQL {dump_major} client tools. Nothing was written."
        )
    command = [
        restorer,
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        str(dump),
    ]
    asyncio.run(run(command, url))


def verify(url: str) -> dict[str, int]:
    """After a restore: no invalid index or constraint, and the row count of every table."""

    async def check() -> dict[str, int]:
        connection = await connect(url)
        try:
            invalid = await connection.fetchval(
                "SELECT (SELECT count(*) FROM pg_index WHERE NOT indisvalid OR NOT indisready)"
                " + (SELECT count(*) FROM pg_constraint WHERE NOT convalidated)"
            )
            if invalid:
                raise BackupError(
                    f"After restoring, {invalid} indexes or constraints are not valid. Drop "
                    f"the database {database_name(url)!r} and restore again."
                )
            return await counts(connection)
        finally:
            await connection.close()

    return asyncio.run(check())


async def connect(url: str) -> Any:
    try:
        return await asyncpg.connect(url, timeout=10)
    except asyncpg.InvalidCatalogNameError:
        raise BackupError(
            f"The database {database_name(url)!r} does not exist. Create an empty one first "
            "(createdb), then run the restore again."
        ) from None
    except (OSError, asyncpg.PostgresError) as exc:
        raise BackupError(f"Cannot connect to PostgreSQL: {type(exc).__name__}.") from None


async def table_names(connection: Any) -> list[tuple[str, str]]:
    rows = await connection.fetch(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname <> ALL($1::text[]) "
        "ORDER BY schemaname, tablename",
        list(SYSTEM_SCHEMAS),
    )
    return [(row["schemaname"], row["tablename"]) for row in rows]


async def counts(connection: Any) -> dict[str, int]:
    """Rows per table, named ``table`` in the public schema and ``schema.table`` elsewhere."""
    found: dict[str, int] = {}
    for schema, table in await table_names(connection):
        name = table if schema == "public" else f"{schema}.{table}"
        sql = f"SELECT count(*) FROM {quote(schema)}.{quote(table)}"  # noqa: S608 - quoted names
        found[name] = int(await connection.fetchval(sql))
    return found


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/bin")
    if found is None:
        raise BackupError(f"{name} is not installed. Install the PostgreSQL client tools.")
    return found


def tool_major(path: str) -> int:
    """The major version of a client tool ("pg_dump (PostgreSQL) 15.20 (Debian ...)" -> 15)."""
    result = subprocess.run(  # noqa: S603 - a found tool, fixed arguments
        [path, "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"\)\s+(\d+)", result.stdout)
    if result.returncode != 0 or match is None:
        raise BackupError(f"Cannot tell the version of {path}.")
    return int(match.group(1))


async def run(command: list[str], url: str) -> None:
    """Run a client tool against ``url``: the password goes in the environment, not argv."""
    parts = urlsplit(url)
    environment = dict(os.environ)
    if parts.password is not None:
        environment["PGPASSWORD"] = unquote(parts.password)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        user = f"{parts.username}@" if parts.username else ""
        parts = parts._replace(netloc=user + host)
    dsn = urlunsplit(parts._replace(scheme="postgresql"))
    process = await asyncio.create_subprocess_exec(
        *command,
        "--dbname",
        dsn,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await process.communicate()
    if process.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} failed: {_first_errors(errors)} Nothing else was changed.")


def _first_errors(errors: bytes) -> str:
    """The tool's first error lines, without DETAIL/CONTEXT (they can quote row values)."""
    lines = []
    for line in errors.decode(errors="replace").splitlines():
        if "error" in line.lower() and "DETAIL" not in line and "CONTEXT" not in line:
            lines.append(line.strip()[:300])
    return " ".join(lines[:3]) or "(no message)."
