"""Key jobs: status, rotation (re-wrap data keys) and re-encryption of rows.

Both jobs are batched, resumable and idempotent: each unit of work (one data key, or one row
with its blind indexes) is its own transaction that re-checks its state first, so a job killed
at any point leaves every value readable and simply continues where it stopped when run again.
A second run finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from app.crypto import FieldRef, unseal
from app.datamap import SEALED_WITH, DataMap, TableMap
from app.db import transaction
from app.sealed import Sealer
from app.tables import DataKey
from app.vault import wrap

Progress = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


async def status(sealer: Sealer) -> dict[str, dict[str, int]]:
    """Data keys per master key id, and sealed rows per marker, for ``reciprocity keys status``."""
    keys = await DataKey.select(DataKey.master_key_id, DataKey.destroyed_at)
    per_master: dict[str, int] = {}
    for row in keys:
        label = "destroyed (erased people)" if row["destroyed_at"] else row["master_key_id"]
        per_master[label] = per_master.get(label, 0) + 1
    per_marker: dict[str, int] = {}
    for table_map in _sealed_tables(sealer.datamap):
        marker = table_map.table._meta.get_column_by_name(SEALED_WITH)
        for row in await table_map.table.select(marker):
            label = f"{table_map.name} {row[SEALED_WITH]}"
            per_marker[label] = per_marker.get(label, 0) + 1
    return {"data keys by master key": per_master, "rows by seal": per_marker}


async def retired_in_use(sealer: Sealer) -> list[str]:
    """Master keys marked retired that still wrap data keys: their people would be unreadable."""
    keyring = sealer.vault.keyring
    retired = [k.key_id for k in keyring.master_keys.values() if k.status == "retired"]
    return [
        key_id
        for key_id in retired
        if await DataKey.count().where(
            (DataKey.master_key_id == key_id) & DataKey.wrapped.is_not_null()
        )
    ]


async def rotate(sealer: Sealer, batch: int = 100, after_each: Progress = _nothing) -> int:
    """Re-wrap every live data key under the active master key; returns how many moved."""
    keyring = sealer.vault.keyring
    active = keyring.active
    moved = 0
    while True:
        ids = (
            await DataKey.select(DataKey.id)
            .where((DataKey.master_key_id != active.key_id) & DataKey.wrapped.is_not_null())
            .limit(batch)
        )
        if not ids:
            return moved
        for row in ids:
            async with transaction():
                key = await DataKey.objects().where(DataKey.id == row["id"]).first()
                if key is None or key.wrapped is None or key.master_key_id == active.key_id:
                    continue
                old = keyring.for_unwrapping(key.master_key_id)
                plain = unseal(
                    old.material, FieldRef("data_key", "wrapped", str(key.id)), bytes(key.wrapped)
                )
                await DataKey.update(
                    {
                        DataKey.master_key_id: active.key_id,
                        DataKey.wrapped: wrap(active.material, active.key_id, key.id, plain),
                    }
                ).where(DataKey.id == key.id)
                await after_each()
            moved += 1


async def reencrypt(sealer: Sealer, batch: int = 100, after_each: Progress = _nothing) -> int:
    """Re-seal rows not sealed with the current format and index key; returns how many."""
    done = 0
    for table_map in _sealed_tables(sealer.datamap):
        done += await _reencrypt_table(sealer, table_map, batch, after_each)
    return done


async def _reencrypt_table(
    sealer: Sealer, table_map: TableMap, batch: int, after_each: Progress
) -> int:
    table = table_map.table
    marker = table._meta.get_column_by_name(SEALED_WITH)
    done = 0
    while True:
        stale = (
            await table.select(table._meta.primary_key).where(marker != sealer.marker).limit(batch)
        )
        if not stale:
            return done
        for row in stale:
            async with transaction():
                current = await table.select().where(table._meta.primary_key == row["id"]).first()
                if current is None or current[SEALED_WITH] == sealer.marker:
                    continue
                await table.update(await _resealed(sealer, table_map, current)).where(
                    table._meta.primary_key == row["id"]
                )
                await after_each()
            done += 1


async def _resealed(sealer: Sealer, table_map: TableMap, row: dict[str, Any]) -> dict[Any, Any]:
    opened = await sealer.open(table_map.table, row)
    plain = {
        column: (value.reveal() if value is not None else None) for column, value in opened.items()
    }
    values = await sealer.seal(table_map.table, row["id"], row[table_map.owner_column], plain)
    return {table_map.table._meta.get_column_by_name(name): value for name, value in values.items()}


def _sealed_tables(datamap: DataMap) -> list[TableMap]:
    return [table_map for table_map in datamap.tables.values() if table_map.encrypted]
