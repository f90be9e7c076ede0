"""A data subject's rights over everything the data map lists: export it, or erase it.

Both walk the data map rather than a hand-written list of tables, so a table a domain adds
later is exported and erased without anyone remembering to: its ``TableMap`` says which
column names the subject, what an export shows and whether rows outlive an erasure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from piccolo.table import Table

from app.datamap import DataMap, Protection, TableMap
from app.db import transaction
from app.sealed import Sealer

Record = dict[str, Any]


async def export_subject(
    sealer: Sealer, datamap: DataMap, subject: UUID
) -> dict[str, list[Record]]:
    """Every exported field of every row about ``subject``, decrypted, keyed by table name.

    Only rows whose subject column equals ``subject`` are read, so nobody else's data can
    appear; fields marked not exported (credentials, other people's ids) are left out.
    """
    export: dict[str, list[Record]] = {}
    for table_map in _about_subjects(datamap):
        if not table_map.exported:
            continue
        rows = await _rows_of(table_map, subject)
        records = [await _record(sealer, table_map, row) for row in rows]
        if records:
            export[table_map.name] = records
    return export


@dataclass
class Erased:
    """What an erasure removed (rows per table) and what it kept, with the reason."""

    deleted: dict[str, int] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)
    key_destroyed: bool = False


async def erase_subject(sealer: Sealer, datamap: DataMap, subject: UUID) -> Erased:
    """Delete every row about ``subject`` that need not be kept, then destroy their data key.

    Runs inside the caller's transaction when there is one, so the erasure record the caller
    writes commits with it. Records kept under the finance key stay readable.
    """
    erased = Erased()
    async with transaction():
        for table_map in _about_subjects(datamap):
            rows = await _rows_of(table_map, subject, count_only=True)
            if not rows:
                continue
            if table_map.kept_on_erasure:
                erased.kept[table_map.name] = table_map.kept_on_erasure
                continue
            await table_map.table.delete().where(_column(table_map) == subject)
            erased.deleted[table_map.name] = len(rows)
        erased.key_destroyed = await sealer.vault.destroy(subject)
    return erased


def _about_subjects(datamap: DataMap) -> list[TableMap]:
    return [m for m in datamap.tables.values() if m.subject]


def _column(table_map: TableMap) -> Any:
    return table_map.table._meta.get_column_by_name(table_map.subject)


async def _rows_of(table_map: TableMap, subject: UUID, count_only: bool = False) -> list[Record]:
    table: type[Table] = table_map.table
    query = table.select(table._meta.primary_key) if count_only else table.select()
    rows: list[Record] = await query.where(_column(table_map) == subject)
    return rows


async def _record(sealer: Sealer, table_map: TableMap, row: Record) -> Record:
    opened = await sealer.open(table_map.table, row) if table_map.encrypted else {}
    record: Record = {}
    for personal in table_map.exported:
        if personal.protection is Protection.plain:
            record[personal.column] = _plain(row[personal.column])
        else:
            value = opened.get(personal.column)
            record[personal.column] = None if value is None else value.reveal()
    for column in table_map.export_context:
        record[column] = _plain(row[column])
    return record


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO 8601, ids as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value
