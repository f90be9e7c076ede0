"""Backups and the restore drill: real files, real databases, both engines, the real command.

The drill is the one in docs/backups.md: fill an instance, back it up, restore into a fresh
one, then check integrity, every table's row count and that every encrypted row still decrypts
to the same values with the escrowed keyring. Refusals (a changed byte, the wrong keyring, a
target that already has data) must leave the target exactly as it was.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from click.testing import CliRunner

import app.db
from app.auth import accounts
from app.backup import DAMAGED
from app.cli import main
from app.cli_keys import sealer_for
from app.db import bind_engine, with_database
from app.demo import DEMO_PARTICIPANT_EMAIL
from app.factory import data_map
from app.keyring import new_keyring_json
from tests.app.test_backup_format import flip
from tests.conftest import ENGINES, TEST_SECRET, make_settings
from tests.support import postgres
from tests.support.waiting import wait_for

RECIPROCITY = str(Path(sys.executable).with_name("reciprocity"))
DEMO_FEEDBACK_WORDS = b"Universal Credit"  # plain text in the demo's feedback table


# --- the restore drill, through the real command, on both engines ---------------------------


@dataclass(frozen=True)
class Instance:
    """One installation of the service: its database, its var directory, its keyring."""

    url: str
    var_dir: Path
    keyring_file: Path

    @property
    def engine(self) -> str:
        return "postgresql" if self.url.startswith("postgresql://") else "sqlite"

    @property
    def sqlite_file(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    def environment(self, keyring_file: Path | None = None) -> dict[str, str]:
        return {
            "PATH": os.environ["PATH"],
            "RECIPROCITY_ENVIRONMENT": "development",
            "RECIPROCITY_VAR_DIR": str(self.var_dir),
            "RECIPROCITY_SECRET_KEY": TEST_SECRET,
            "RECIPROCITY_DATABASE_URL": self.url,
            "RECIPROCITY_KEYRING_FILE": str(keyring_file or self.keyring_file),
        }

    def run(self, *args: str, keyring_file: Path | None = None) -> subprocess.CompletedProcess[str]:
        """The command as an operator runs it: a fresh process configured by RECIPROCITY_*."""
        return subprocess.run(
            [RECIPROCITY, *args],
            env=self.environment(keyring_file),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def invoke(self, *args: str, keyring_file: Path | None = None) -> Any:
        """The same command in this process (faster; shows that no traceback escapes)."""
        return CliRunner().invoke(main, list(args), env=self.environment(keyring_file))


def new_instance(engine: str, root: Path, label: str, keyring_file: Path) -> Instance:
    var_dir = root / label
    var_dir.mkdir()
    if engine == "postgres":
        tag = os.environ.get("TEST_DB_TAG", "")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        url = postgres.fresh_database(f"reciprocity_test_{tag}bk_{label}_{worker}")
    else:
        url = f"sqlite:///{var_dir / 'reciprocity.sqlite'}"
    return Instance(url, var_dir, keyring_file)


def write_keyring(path: Path, key_id: str) -> Path:
    path.write_text(new_keyring_json(key_id=key_id), encoding="utf-8")
    path.chmod(0o600)
    return path


def table_counts(url: str) -> dict[str, int]:
    """Rows per table, read independently of the code under test."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return {}
        with sqlite3.connect(path) as connection:
            names = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {
                n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names
            }

    async def read() -> dict[str, int]:
        connection = await asyncpg.connect(url)
        try:
            names = await connection.fetch(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
            return {
                row[0]: await connection.fetchval(f'SELECT count(*) FROM "{row[0]}"')
                for row in names
            }
        finally:
            await connection.close()

    return asyncio.run(read())


Golden = dict[tuple[str, str], dict[str, str | None]]


def golden_rows(instance: Instance) -> tuple[Golden, dict[str, str]]:
    """Every encrypted row of every mapped table, decrypted with the instance's keyring, and the
    demo participant's own account details found by email (blind index + decryption)."""
    settings = make_settings(instance.var_dir, instance.url, keyring_file=instance.keyring_file)
    sealer = sealer_for(settings, data_map())

    async def read() -> tuple[Golden, dict[str, str]]:
        found: Golden = {}
        for table_map in sealer.datamap.tables.values():
            if not table_map.encrypted:
                continue
            for row in await table_map.table.select():
                values = await sealer.open(table_map.table, row)
                found[(table_map.name, str(row["id"]))] = {
                    column: None if value is None else value.reveal()
                    for column, value in values.items()
                }
        account = await accounts.find_by_email(sealer, DEMO_PARTICIPANT_EMAIL)
        assert account is not None
        return found, await accounts.own_details(sealer, account["id"])

    return _keeping_the_bound_engine(lambda: with_database(settings, read))


def _keeping_the_bound_engine(work: Any) -> Any:
    """with_database binds its engine to every table; put back whatever other tests had bound."""
    before = list(app.db._bound)
    try:
        return work()
    finally:
        if before:
            bind_engine(before[0])
        else:
            app.db._bound.clear()


@dataclass(frozen=True)
class Drill:
    source: Instance
    backup: Path
    counts: dict[str, int]
    golden: Golden
    account: dict[str, str]
    root: Path


@pytest.fixture(scope="module", params=ENGINES)
def drill(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Drill:
    """A filled instance (all domains' demo data) and its backup, made by the real command."""
    root = tmp_path_factory.mktemp(f"drill-{request.param}")
    keyring_file = write_keyring(root / "escrowed-keyring.json", "drill-1")
    source = new_instance(request.param, root, "source", keyring_file)
    for command in (("migrate",), ("demo",)):
        done = source.run(*command)
        assert done.returncode == 0, done.stderr
    golden, account = golden_rows(source)
    made = source.run("backup", "--out", str(root / "drill.backup"))
    assert made.returncode == 0, made.stderr
    return Drill(source, root / "drill.backup", table_counts(source.url), golden, account, root)


@pytest.fixture
def fresh(drill: Drill, tmp_path: Path) -> Instance:
    """A new, empty instance of the drill's engine holding the same escrowed keyring."""
    engine = "postgres" if drill.source.engine == "postgresql" else "sqlite"
    return new_instance(engine, tmp_path, "target", drill.source.keyring_file)


def where(instance: Instance) -> str:
    if instance.engine == "postgresql":
        return f"PostgreSQL database {instance.url.rsplit('/', 1)[1]!r}"
    return f"SQLite file {instance.sqlite_file}"


def assert_untouched(instance: Instance) -> None:
    """Nothing was written: no tables, and (SQLite) no file, not even scratch files."""
    assert table_counts(instance.url) == {}
    if instance.engine == "sqlite":
        assert list(instance.var_dir.iterdir()) == []


def test_the_restore_drill_brings_back_every_row_and_every_secret(
    drill: Drill, fresh: Instance
) -> None:
    restored = fresh.run("restore", str(drill.backup))

    assert restored.returncode == 0, restored.stderr
    tables, rows = len(drill.counts), sum(drill.counts.values())
    assert (
        restored.stdout.splitlines()[0]
        == f"Restored {tables} tables, {rows} rows into {where(fresh)}."
    )
    assert restored.stdout.splitlines()[1].startswith("Integrity ok; row counts match the backup")
    assert "apply again the erasures made since then" in restored.stdout
    assert table_counts(fresh.url) == drill.counts
    left = sorted(p.name for p in fresh.var_dir.iterdir())  # no plaintext scratch left behind
    assert left == (["reciprocity.sqlite"] if fresh.engine == "sqlite" else [])
    assert drill.counts["account"] == 86  # the demo council: 4 staff, 82 people signed up online
    assert drill.counts["data_key"] > 0
    if fresh.engine == "sqlite":
        with sqlite3.connect(fresh.sqlite_file) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    golden, account = golden_rows(fresh)
    assert len(drill.golden) > 50
    assert golden == drill.golden
    assert (
        account
        == drill.account
        == {
            "name": "Jordan",
            "email": DEMO_PARTICIPANT_EMAIL,
            "two_step": "Not set up",
        }
    )
    assert fresh.run("migrate", "--check").returncode == 0


def test_a_backup_is_one_private_file_without_plain_text(drill: Drill) -> None:
    made = drill.source.invoke("backup")

    assert made.exit_code == 0, made.output
    backups = drill.source.var_dir / "backups"
    [written] = backups.iterdir()  # and no scratch directory left behind
    assert written.name.startswith(f"reciprocity-{drill.source.engine}-")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    assert DEMO_FEEDBACK_WORDS not in written.read_bytes()
    assert DEMO_FEEDBACK_WORDS.decode() not in made.output
    if drill.source.engine == "sqlite":
        assert (
            DEMO_FEEDBACK_WORDS in drill.source.sqlite_file.read_bytes()
        )  # the check means something
    assert "master key 'drill-1'" in made.output
    written.unlink()


def test_a_backup_never_overwrites_a_file(drill: Drill, tmp_path: Path) -> None:
    existing = tmp_path / "existing.backup"
    existing.write_bytes(b"keep me")

    made = drill.source.invoke("backup", "--out", str(existing))

    assert made.exit_code == 1
    assert f"{existing} already exists" in made.output
    assert existing.read_bytes() == b"keep me"
    assert list(tmp_path.iterdir()) == [existing]


@pytest.mark.parametrize("place", ["a row count in the header", "a byte of the data"])
def test_a_changed_byte_is_refused_and_nothing_is_written(
    drill: Drill, fresh: Instance, tmp_path: Path, place: str
) -> None:
    data = drill.backup.read_bytes()
    at = data.index(b'"audit_event":') + 14 if place.endswith("header") else len(data) // 2
    changed = tmp_path / "changed.backup"
    changed.write_bytes(flip(data, at))

    refused = fresh.invoke("restore", str(changed))

    assert refused.exit_code == 1
    assert isinstance(refused.exception, SystemExit)  # a clear message, not a traceback
    assert refused.output == f"Error: {DAMAGED}\n"
    assert_untouched(fresh)


@pytest.mark.parametrize("keyring", ["without the key", "another key under the same id"])
def test_the_wrong_keyring_is_refused_and_nothing_is_written(
    drill: Drill, fresh: Instance, tmp_path: Path, keyring: str
) -> None:
    other = write_keyring(
        tmp_path / "other.json", "drill-2" if keyring.startswith("without") else "drill-1"
    )

    refused = fresh.invoke("restore", str(drill.backup), keyring_file=other)

    assert refused.exit_code == 1
    assert isinstance(refused.exception, SystemExit)
    if keyring.startswith("without"):
        assert "made with master key 'drill-1', which this keyring does not hold" in refused.output
    else:
        assert "Master key 'drill-1' in this keyring is not the key this backup" in refused.output
    assert_untouched(fresh)


def test_a_database_that_has_data_is_never_restored_over(drill: Drill) -> None:
    before = table_counts(drill.source.url)
    file_before = (
        hashlib.sha256(drill.source.sqlite_file.read_bytes()).hexdigest()
        if drill.source.engine == "sqlite"
        else ""
    )

    refused = drill.source.invoke("restore", str(drill.backup))

    assert refused.exit_code == 1
    assert "Restore only into a fresh" in refused.output
    assert "Nothing was written." in refused.output
    assert table_counts(drill.source.url) == before
    if drill.source.engine == "sqlite":
        assert hashlib.sha256(drill.source.sqlite_file.read_bytes()).hexdigest() == file_before


def test_a_damaged_sqlite_database_is_not_backed_up(tmp_path: Path) -> None:
    broken = tmp_path / "reciprocity.sqlite"
    with sqlite3.connect(broken) as connection:
        connection.execute("CREATE TABLE t (x BLOB)")
        connection.executemany("INSERT INTO t VALUES (?)", [(os.urandom(200),)] * 2000)
    connection.close()
    with broken.open("r+b") as handle:
        handle.seek(4096 * 5 + 8)
        handle.write(b"\xff" * 64)  # scribble over a b-tree page's cell pointers
    instance = Instance(f"sqlite:///{broken}", tmp_path, write_keyring(tmp_path / "k.json", "1"))

    refused = instance.invoke("backup", "--out", str(tmp_path / "out.backup"))

    assert refused.exit_code == 1
    assert "integrity check failed" in refused.output
    assert not (tmp_path / "out.backup").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.json", "reciprocity.sqlite"]


class PairWriter(threading.Thread):
    """Writes rows two at a time, one transaction per pair, until told to stop: a consistent
    snapshot holds an even number of rows, and counts taken at another moment would differ."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.stop, self.failure = url, threading.Event(), ""

    def run(self) -> None:
        try:
            if self.url.startswith("sqlite:///"):
                self._sqlite(Path(self.url.removeprefix("sqlite:///")))
            else:
                asyncio.run(self._postgres())
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.failure = repr(exc)

    def _sqlite(self, path: Path) -> None:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")  # as the service runs it
        while not self.stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany("INSERT INTO pair (half) VALUES (?)", [(1,), (2,)])
            connection.execute("COMMIT")
        connection.close()

    async def _postgres(self) -> None:
        connection = await asyncpg.connect(self.url)
        while not self.stop.is_set():
            async with connection.transaction():
                await connection.executemany("INSERT INTO pair (half) VALUES ($1)", [(1,), (2,)])
        await connection.close()


def pair_rows(url: str) -> int:
    return table_counts(url).get("pair", 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_backup_taken_while_the_service_writes_is_one_consistent_moment(
    engine: str, tmp_path: Path
) -> None:
    keyring_file = write_keyring(tmp_path / "keyring.json", "1")
    source = new_instance(engine, tmp_path, "busy", keyring_file)
    if engine == "sqlite":
        with sqlite3.connect(source.sqlite_file) as connection:
            connection.execute("CREATE TABLE pair (id INTEGER PRIMARY KEY, half INTEGER)")
        connection.close()
    else:
        asyncio.run(_create_pair_table(source.url))
    writer = PairWriter(source.url)
    writer.start()
    try:
        wait_for(lambda: pair_rows(source.url) >= 200, 30, "200 pairs written before the backup")
        made = source.invoke("backup", "--out", str(tmp_path / "busy.backup"))
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.failure == ""
    assert made.exit_code == 0, made.output

    target = new_instance(engine, tmp_path, "quiet", keyring_file)
    restored = target.invoke("restore", str(tmp_path / "busy.backup"))

    assert restored.exit_code == 0, restored.output  # the header's counts match the dump
    in_backup = pair_rows(target.url)
    assert in_backup >= 200
    assert in_backup % 2 == 0


async def _create_pair_table(url: str) -> None:
    connection = await asyncpg.connect(url)
    await connection.execute("CREATE TABLE pair (id serial PRIMARY KEY, half integer)")
    await connection.close()
