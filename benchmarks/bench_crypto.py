"""Data protection: field encryption and blind-index lookups against raw baselines.

ENCRYPTION: encrypt and decrypt a typical participant profile (ten text fields) through
``app.vault.Vault`` with its data key cached, which is what domain code uses (via
``app.sealed``), and through ``app.crypto`` directly, against raw ``AESGCM`` calls on the same
bytes: one cipher object, a fresh 12-byte random nonce per encryption (as the module uses), no
associated data, no header. LOOKUP: find one person among 100,000 by email through
``Sealer.find`` (blind index, candidate SELECT, data keys, decrypt, compare) with a fresh Vault
per lookup, as a request has, against a SELECT on an indexed plaintext column.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import tempfile
import time
from pathlib import Path
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.crypto import KEY_BYTES, NONCE_BYTES, seal_row, unseal_row
from app.db import bind_engine
from app.keyring import Keyring, new_keyring_json, parse_keyring
from app.sealed import Sealer
from app.sqlite_engine import EmbeddedSQLiteEngine
from app.vault import Vault
from benchmarks import harness
from benchmarks import population as pop

SEAL_ROUNDS, PROFILES, SEAL_WARMUP = 60, 200, 200
LOOKUP_ROUNDS, LOOKUPS, LOOKUP_WARMUP = 20, 150, 100
SEAL_TARGET, LOOKUP_LIMIT = 0.6, 2.0
TABLE = "bench_profile"

RAW, MODULE, VAULT = "raw AESGCM", "app.crypto seal_row/unseal_row", "Vault, key cached"
SEALER = "Sealer.seal/open (with 2 blind indexes)"
PLAIN = "plaintext indexed SELECT"
FIND = "Sealer.find, fresh Vault per lookup"
INDEX_ONLY = "blind index + candidate SELECT only"


def main() -> bool:
    """Run both parts; True when encryption keeps 0.6x raw and lookups take at most 2x."""
    return asyncio.run(_run())


async def _run() -> bool:
    keyring = parse_keyring(new_keyring_json(key_id="bench"))
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        engine = EmbeddedSQLiteEngine(Path(tmp) / "crypto.sqlite")
        bind_engine(engine)  # the Vault's transactions use the bound engine
        try:
            await pop.create_tables(engine)
            sealing = await _sealing(keyring)
            lookups = await _lookups(engine, keyring)
        finally:
            await engine.close()
    return sealing and lookups


# --- Encryption of one profile ------------------------------------------------------------


async def _sealing(keyring: Keyring) -> bool:
    owner, row_id = uuid4(), str(uuid4())
    vault = Vault(keyring)
    sealer = pop.new_sealer(keyring)
    key, key_id = os.urandom(KEY_BYTES), uuid4().bytes
    await _check_round_trips(vault, sealer, owner, row_id)  # also creates and caches the key
    contenders = {
        RAW: _raw_aesgcm(key),
        MODULE: _crypto_module(key, key_id, row_id),
        VAULT: _vault(vault, owner, row_id),
        SEALER: _sealer(sealer, owner, UUID(row_id)),
    }
    results = await harness.alternate(
        contenders, rounds=SEAL_ROUNDS, ops=PROFILES, warmup=SEAL_WARMUP
    )
    return _report_sealing(results)


async def _check_round_trips(vault: Vault, sealer: Sealer, owner: UUID, row_id: str) -> None:
    """Refuse to time a path that does not give the profile back."""
    blobs = await vault.encrypt_row(owner, TABLE, row_id, dict(pop.PROFILE))
    if await vault.decrypt_row(TABLE, row_id, blobs) != pop.PROFILE:
        raise RuntimeError("Vault round trip changed the profile")
    stored = await sealer.seal(pop.BenchProfile, UUID(row_id), owner, dict(pop.PROFILE))
    opened = await sealer.open(pop.BenchProfile, {"id": row_id, **stored})
    if {c: v.reveal() for c, v in opened.items() if v is not None} != pop.PROFILE:
        raise RuntimeError("Sealer round trip changed the profile")


def _raw_aesgcm(key: bytes) -> harness.Contender:
    cipher = AESGCM(key)
    values = [value.encode() for value in pop.PROFILE.values()]

    async def run(n: int) -> None:
        for _ in range(n):
            sealed = []
            for value in values:
                nonce = os.urandom(NONCE_BYTES)
                sealed.append((nonce, cipher.encrypt(nonce, value, None)))
            for nonce, body in sealed:
                cipher.decrypt(nonce, body, None)

    return run


def _crypto_module(key: bytes, key_id: bytes, row_id: str) -> harness.Contender:
    """The profile as one row, through ``seal_row``/``unseal_row`` (what the Vault calls)."""
    values = {column: value.encode() for column, value in pop.PROFILE.items()}

    async def run(n: int) -> None:
        for _ in range(n):
            unseal_row(key, TABLE, row_id, seal_row(key, key_id, TABLE, row_id, values))

    return run


def _vault(vault: Vault, owner: UUID, row_id: str) -> harness.Contender:
    profile = dict(pop.PROFILE)

    async def run(n: int) -> None:
        for _ in range(n):
            await vault.decrypt_row(
                TABLE, row_id, await vault.encrypt_row(owner, TABLE, row_id, profile)
            )

    return run


def _sealer(sealer: Sealer, owner: UUID, row_id: UUID) -> harness.Contender:
    """The whole domain path: Vault, data map, blind indexes and Sensitive wrappers."""
    profile: dict[str, str | None] = dict(pop.PROFILE)

    async def run(n: int) -> None:
        for _ in range(n):
            stored = await sealer.seal(pop.BenchProfile, row_id, owner, profile)
            await sealer.open(pop.BenchProfile, {"id": row_id, **stored})

    return run


def _report_sealing(results: dict[str, harness.Result]) -> bool:
    sizes = sorted(len(value) for value in pop.PROFILE.values())
    harness.print_header(
        "Encryption: one participant profile (10 fields) encrypted and decrypted",
        f"{SEAL_ROUNDS} alternating rounds x {PROFILES} profiles; field sizes {sizes} chars",
        "raw: one AESGCM object, a random 12-byte nonce per field, no associated data",
    )
    raw = results[RAW]
    for name in (RAW, MODULE, VAULT, SEALER):
        harness.print_row(results[name], raw, "profile")
    print(
        "   (the target is on app.crypto, the module that owns encryption; the rest is information)"
    )
    return harness.print_target(
        "app.crypto / raw AESGCM", harness.ratio(results[MODULE], raw), SEAL_TARGET
    )


# --- Blind-index lookups among 100,000 people -----------------------------------------------


async def _lookups(engine: EmbeddedSQLiteEngine, keyring: Keyring) -> bool:
    addresses = pop.emails(pop.POPULATION)
    started = time.perf_counter()
    await pop.fill(engine, keyring, addresses)
    build_s = time.perf_counter() - started
    wanted = random.Random(7).sample(addresses, LOOKUP_ROUNDS * LOOKUPS)
    candidates = await _mean_candidates(keyring, wanted[:1000])
    contenders = {
        PLAIN: _plain_lookup(wanted),
        FIND: _blind_lookup(keyring, wanted),
        INDEX_ONLY: _index_only(keyring, wanted),
    }
    results = await harness.alternate(
        contenders, rounds=LOOKUP_ROUNDS, ops=LOOKUPS, warmup=LOOKUP_WARMUP
    )
    return _report_lookups(results, build_s, candidates)


async def _index_select(sealer: Sealer, email: str) -> list[dict[str, object]]:
    """What ``Sealer.find`` selects before decrypting: every row sharing the blind index."""
    index = sealer.index(pop.PEOPLE_MAP, pop.PEOPLE_MAP.fields[0], email)
    return await pop.BenchPerson.select().where(pop.BenchPerson.email_index == index)


async def _mean_candidates(keyring: Keyring, sample: list[str]) -> float:
    sealer = pop.new_sealer(keyring)
    counts = [len(await _index_select(sealer, email)) for email in sample]
    return sum(counts) / len(counts)


def _plain_lookup(wanted: list[str]) -> harness.Contender:
    emails = itertools.cycle(wanted)

    async def run(n: int) -> None:
        for email in itertools.islice(emails, n):
            rows = await pop.PlainPerson.select().where(pop.PlainPerson.email == email)
            _require_one(rows, email)

    return run


def _blind_lookup(keyring: Keyring, wanted: list[str]) -> harness.Contender:
    emails = itertools.cycle(wanted)

    async def run(n: int) -> None:
        for email in itertools.islice(emails, n):
            rows = await pop.new_sealer(keyring).find(pop.BenchPerson, "email", email)
            _require_one(rows, email)

    return run


def _index_only(keyring: Keyring, wanted: list[str]) -> harness.Contender:
    """Find's first half alone: the rest of its time is data keys, decryption and comparison."""
    emails = itertools.cycle(wanted)

    async def run(n: int) -> None:
        for email in itertools.islice(emails, n):
            await _index_select(pop.new_sealer(keyring), email)

    return run


def _require_one(rows: list[dict[str, object]], email: str) -> None:
    if len(rows) != 1:
        raise RuntimeError(f"{len(rows)} rows for {email!r}, expected exactly one")


def _report_lookups(results: dict[str, harness.Result], build_s: float, candidates: float) -> bool:
    harness.print_header(
        f"Lookup: one person by email among {pop.POPULATION:,}, blind index vs plaintext index",
        f"{LOOKUP_ROUNDS} alternating rounds x {LOOKUPS} random lookups; tables built in "
        f"{build_s:.0f}s",
        f"{candidates:.2f} candidate rows per lookup on average (the person and the people "
        "sharing their index)",
    )
    plain = results[PLAIN]
    for name in (PLAIN, FIND, INDEX_ONLY):
        harness.print_row(results[name], plain, "lookup", as_time=True)
    print("   (no target for the last one: it shows how much of find is the candidate SELECT)")
    figure = harness.time_ratio(results[FIND], plain)
    return harness.print_limit("Sealer.find / plaintext SELECT, time", figure, LOOKUP_LIMIT)
