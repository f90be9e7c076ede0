"""Encrypted backup files: the format, its encryption, and the SQLite side of back up and restore.

A backup is ONE file::

    b"RCBACKUP" | version (1 byte) | header length (4 bytes) | header (JSON)
    | chunks: length (4 bytes) | AES-256-GCM(plaintext chunk) || tag

The header says what the file holds (engine, time, master key id, SHA-256 and size of the
plaintext, row counts per table) and is authenticated: every chunk's associated data carries
the SHA-256 of everything before the first chunk, the chunk's number and whether it is the last.
So a changed header, a changed byte, chunks swapped, dropped or cut off all fail the tag.

The key is derived with HKDF from a master key of the keyring and a random salt per file, so no
two files share a key (chunk nonces can then simply count) and a backup is useless without the
keyring, which is escrowed apart from the backups. ``key_check`` (also derived) lets restore say
"wrong keyring" instead of "damaged file" when a keyring has a different key under the same id.
PostgreSQL's side lives in ``app.backup_pg``; ``app.cli_backup`` puts the steps together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.keyring import Keyring, MasterKey

MAGIC = b"RCBACKUP"
FORMAT_VERSION = 1
CHUNK_BYTES = 1 << 20  # 1 MiB: memory use stays flat however big the database is
SALT_BYTES = 32
TAG_BYTES = 16
MAX_HEADER_BYTES = 1 << 20
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
_U32 = struct.Struct(">I")
_PREFIX = struct.Struct(">8sBI")  # magic, version, header length


class BackupError(Exception):
    """Something a person can act on; the message says what and never holds personal data."""


DAMAGED = "The backup file is damaged or was changed; nothing was restored. Use another copy."


@dataclass(frozen=True)
class Header:
    """What a backup holds; authenticated with every chunk."""

    engine: str
    created: str
    key_id: str
    salt: str
    key_check: str
    sha256: str
    size: int
    tables: dict[str, int]
    chunk_bytes: int = CHUNK_BYTES
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def encode(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def decode(cls, raw: bytes) -> Header:
        try:
            header = cls(**json.loads(raw))
            bytes.fromhex(header.salt)
            well_formed = (
                all(isinstance(getattr(header, name), str) for name in _TEXT_FIELDS)
                and all(isinstance(getattr(header, name), int) for name in ("size", "chunk_bytes"))
                and all(isinstance(n, int) for n in header.tables.values())
                and all(isinstance(v, str) for v in header.extra.values())
                and header.chunk_bytes > 0
            )
        except (ValueError, TypeError, AttributeError):
            raise BackupError(DAMAGED) from None
        if not well_formed:
            raise BackupError(DAMAGED)
        return header


_TEXT_FIELDS = ("engine", "created", "key_id", "salt", "key_check", "sha256")


def derive_keys(master: MasterKey, salt: bytes) -> tuple[bytes, str]:
    """The file's AES key and a check value that tells a wrong keyring from a damaged file."""
    info = b"reciprocity/backup/v1/" + master.key_id.encode()
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=info).derive(master.material)
    return okm[:32], okm[32:].hex()


def new_header(
    master: MasterKey,
    plain: Path,
    *,
    engine: str,
    created: str,
    tables: dict[str, int],
    extra: dict[str, str] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Header:
    """A header for ``plain`` under a fresh salt; reads the file once to hash it."""
    salt = os.urandom(SALT_BYTES)
    _, check = derive_keys(master, salt)
    digest = hashlib.sha256()
    with plain.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
    return Header(
        engine=engine,
        created=created,
        key_id=master.key_id,
        salt=salt.hex(),
        key_check=check,
        sha256=digest.hexdigest(),
        size=plain.stat().st_size,
        tables=tables,
        chunk_bytes=chunk_bytes,
        extra=extra or {},
    )


def encrypt_file(plain: Path, header: Header, master: MasterKey, out: BinaryIO) -> None:
    """Write the header, then ``plain`` chunk by chunk (one chunk in memory at a time)."""
    key, _ = derive_keys(master, bytes.fromhex(header.salt))
    cipher, raw = AESGCM(key), header.encode()
    prefix = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(raw)) + raw
    out.write(prefix)
    bound = hashlib.sha256(prefix).digest()
    with plain.open("rb") as handle:
        for number, (block, last) in enumerate(_chunks(handle, header.chunk_bytes)):
            sealed = cipher.encrypt(_nonce(number), block, _aad(bound, number, last))
            out.write(_U32.pack(len(sealed)) + sealed)


def _chunks(handle: BinaryIO, size: int) -> Iterator[tuple[bytes, bool]]:
    """Each block with whether it is the last; an empty file is one empty last block."""
    block = handle.read(size)
    while True:
        following = handle.read(size)
        yield block, not following
        if not following:
            return
        block = following


def _nonce(number: int) -> bytes:
    return number.to_bytes(12, "big")  # unique: every file has its own key


def _aad(bound: bytes, number: int, last: bool) -> bytes:
    return bound + number.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def read_header(handle: BinaryIO) -> tuple[Header, bytes]:
    """The header and the exact bytes it was authenticated as; refuses other files early."""
    start = handle.read(_PREFIX.size)
    if len(start) < _PREFIX.size or start[:8] != MAGIC:
        raise BackupError("This is not a Reciprocity backup file.")
    _, version, length = _PREFIX.unpack(start)
    if version != FORMAT_VERSION:
        raise BackupError(
            f"This backup uses format {version}; this version of Reciprocity reads format "
            f"{FORMAT_VERSION}. Restore it with the version that made it."
        )
    if length > MAX_HEADER_BYTES:
        raise BackupError(DAMAGED)
    raw = handle.read(length)
    if len(raw) != length:
        raise BackupError(DAMAGED)
    return Header.decode(raw), start + raw


def master_for(keyring: Keyring, header: Header) -> MasterKey:
    """The master key this backup was made with, found by id (decrypt-only keys work too)."""
    master = keyring.master_keys.get(header.key_id)
    if master is None:
        raise BackupError(
            f"This backup was made with master key {header.key_id!r}, which this keyring does "
            "not hold. Configure the escrowed keyring that has it (RECIPROCITY_KEYRING_FILE)."
        )
    _, check = derive_keys(master, bytes.fromhex(header.salt))
    if not hmac.compare_digest(check, header.key_check):
        raise BackupError(
            f"Master key {header.key_id!r} in this keyring is not the key this backup was made "
            "with (same id, different key). Configure the escrowed keyring it was made with."
        )
    return master


def decrypt_file(handle: BinaryIO, keyring: Keyring, out: BinaryIO) -> Header:
    """Decrypt a whole backup into ``out``; raise ``BackupError`` unless every tag and the
    SHA-256 check out. ``out`` is scratch space: callers use it only after this returns."""
    header, prefix = read_header(handle)
    key, _ = derive_keys(master_for(keyring, header), bytes.fromhex(header.salt))
    cipher, bound = AESGCM(key), hashlib.sha256(prefix).digest()
    digest, size, number, last = hashlib.sha256(), 0, 0, False
    while not last:
        sealed = _next_chunk(handle, header.chunk_bytes)
        last = _peek_end(handle)
        try:
            block = cipher.decrypt(_nonce(number), sealed, _aad(bound, number, last))
        except InvalidTag:
            raise BackupError(DAMAGED) from None
        digest.update(block)
        out.write(block)
        size, number = size + len(block), number + 1
    if digest.hexdigest() != header.sha256 or size != header.size:
        raise BackupError(DAMAGED)
    return header


def _next_chunk(handle: BinaryIO, chunk_bytes: int) -> bytes:
    raw = handle.read(_U32.size)
    if len(raw) != _U32.size:
        raise BackupError(DAMAGED)  # cut off before its last chunk
    (length,) = _U32.unpack(raw)
    if not TAG_BYTES <= length <= chunk_bytes + TAG_BYTES:
        raise BackupError(DAMAGED)
    sealed = handle.read(length)
    if len(sealed) != length:
        raise BackupError(DAMAGED)
    return sealed


def _peek_end(handle: BinaryIO) -> bool:
    """True at the end of the file: the chunk just read must then be sealed as the last one."""
    here = handle.tell()
    at_end = not handle.read(1)
    handle.seek(here)
    return at_end


# --- SQLite -------------------------------------------------------------------------------


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_snapshot(source: Path, dest: Path) -> dict[str, int]:
    """Copy a live database with SQLite's online backup API (one consistent read, safe while
    the service writes; a plain copy of a WAL database is not), then check the copy."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source}. Check RECIPROCITY_DATABASE_URL.")
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(dest)
    try:
        origin.backup(copy)  # all pages in one step: one snapshot
        copy.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Cannot read the database {source}: {exc}.") from None
    finally:
        origin.close()
        copy.close()
    return sqlite_verify(dest)


def sqlite_verify(path: Path) -> dict[str, int]:
    """``PRAGMA integrity_check`` must say ok; returns the row count of every table."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]:
            return {name: _count(connection, name) for name in sqlite_tables(connection)}
    except sqlite3.DatabaseError:
        pass  # "malformed": the same answer as a failed check
    finally:
        connection.close()
    raise BackupError(
        "SQLite's integrity check failed: the database is damaged. Nothing was written. "
        "Investigate the disk; restore the last good backup into a fresh instance."
    )


def sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _count(connection: sqlite3.Connection, table: str) -> int:
    sql = f"SELECT count(*) FROM {quote(table)}"  # noqa: S608 - a quoted catalogue name
    return int(connection.execute(sql).fetchone()[0])


def sqlite_refuse_unless_fresh(target: Path) -> None:
    """A restore goes only into a fresh instance: no tables, and no other process's journal."""
    wal = target.with_name(target.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise BackupError(
            f"{target} has a write-ahead log in use: stop the service first. Nothing was written."
        )
    if not target.exists() or target.stat().st_size == 0:
        return
    connection = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        tables = sqlite_tables(connection)
    except sqlite3.DatabaseError:
        tables = ["?"]
    finally:
        connection.close()
    if tables:
        raise BackupError(
            f"{target} already holds a database ({len(tables)} tables). Restore only into a "
            "fresh instance: point --into at a new file. Nothing was written."
        )


def install_atomically(temporary: Path, target: Path) -> None:
    """Flush the file, then rename it into place: a crash leaves the old state or the new one."""
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    fsync_dir(target.parent)


def fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
