"""Sealing rows: the typed helper every table with personal data uses.

Domain code hands over plain values and gets back what to store (ciphertexts, blind indexes,
the ``sealed_with`` marker); reading gives back ``Sensitive`` values. Which columns are
encrypted, under whose key, and which are indexed all come from the data map, so a service
cannot forget one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from piccolo.table import Table

from app import blind_index
from app.crypto import FORMAT_V1
from app.datamap import SEALED_WITH, DataMap, KeyOwner, PersonalField, TableMap
from app.redact import Sensitive
from app.vault import FINANCE_OWNER, Vault


@dataclass
class Sealer:
    vault: Vault
    datamap: DataMap
    population: int = blind_index.DEFAULT_POPULATION

    @property
    def marker(self) -> str:
        """What ``sealed_with`` says for a row sealed now; the re-encrypt job updates the rest."""
        return f"f{FORMAT_V1}.i{self.vault.keyring.index_version}"

    async def seal(
        self, table: type[Table], row_id: UUID, owner: UUID, values: dict[str, str | None]
    ) -> dict[str, Any]:
        """Column values to store for a whole row: every encrypted field (missing = None)."""
        table_map = self.datamap.for_table(table)
        wanted = {f.column: values.get(f.column) for f in table_map.encrypted}
        return {SEALED_WITH: self.marker} | await self._sealed(table_map, row_id, owner, wanted)

    async def seal_fields(
        self, table: type[Table], row_id: UUID, owner: UUID, values: dict[str, str | None]
    ) -> dict[str, Any]:
        """Column values for an update of just these fields (and their blind indexes)."""
        return await self._sealed(self.datamap.for_table(table), row_id, owner, values)

    async def _sealed(
        self, table_map: TableMap, row_id: UUID, owner: UUID, values: dict[str, str | None]
    ) -> dict[str, Any]:
        """Encrypt per key owner (the person's key, the finance key), then add blind indexes."""
        stored: dict[str, Any] = {}
        groups: dict[UUID, dict[str, str]] = {}
        for personal in table_map.encrypted:
            if personal.column not in values:
                continue
            value = values[personal.column]
            stored[personal.column] = None
            if value is not None:
                groups.setdefault(_owner(personal, owner), {})[personal.column] = value
            if personal.blind_index:
                index = None if value is None else self.index(table_map, personal, value)
                stored[personal.blind_index.column] = index
        for key_owner, group in groups.items():
            stored |= await self.vault.encrypt_row(key_owner, table_map.name, str(row_id), group)
        return stored

    async def open(
        self, table: type[Table], row: dict[str, Any], columns: tuple[str, ...] | None = None
    ) -> dict[str, Sensitive[str] | None]:
        """Decrypt the row's encrypted fields (or just ``columns``); the row must include ``id``."""
        table_map = self.datamap.for_table(table)
        names = [f.column for f in table_map.encrypted if columns is None or f.column in columns]
        blobs = {name: bytes(row[name]) for name in names if row.get(name) is not None}
        plain = await self.vault.decrypt_row(table_map.name, str(row["id"]), blobs)
        return {name: Sensitive(plain[name]) if name in plain else None for name in names}

    def index(self, table_map: TableMap, personal: PersonalField, value: str) -> str:
        assert personal.blind_index is not None
        keyring = self.vault.keyring
        key = blind_index.derive_key(
            keyring.index_root, table_map.name, personal.column, keyring.index_version
        )
        return blind_index.compute(
            key, personal.blind_index.kind, value, blind_index.bits_for(self.population)
        )

    async def find(self, table: type[Table], column: str, value: str) -> list[dict[str, Any]]:
        """Rows whose ``column`` equals ``value`` once normalised.

        The blind index finds candidates; each is decrypted and compared, so a collision never
        returns the wrong person.
        """
        table_map = self.datamap.for_table(table)
        personal = next(f for f in table_map.fields if f.column == column and f.blind_index)
        assert personal.blind_index is not None
        normalise = blind_index.NORMALISERS[personal.blind_index.kind]
        candidates = await self._candidates(
            table_map, personal.blind_index.column, self.index(table_map, personal, value)
        )
        wanted = normalise(value)
        matches = []
        for row in candidates:
            opened = await self.open(table, row, (column,))
            found = opened[column]
            if found is not None and normalise(found.reveal()) == wanted:
                matches.append(row)
        return matches

    async def _candidates(
        self, table_map: TableMap, index_column: str, index_value: str
    ) -> list[dict[str, Any]]:
        """Rows with this index value, each with its data key in the same query (primed)."""
        table, owner = table_map.table, table_map.owner_column
        # Names come from our own table classes, never from input; the value is a parameter.
        owner_sql = f't."{owner}"'
        sql = (
            f'SELECT t.*, {KEY_COLUMNS} FROM "{table._meta.tablename}" t '
            f'{key_join(owner_sql)} WHERE t."{index_column}" = {{}}'
        )
        rows: list[dict[str, Any]] = await table.raw(sql, index_value)
        return self.prime_from(rows, owner)

    def prime_from(self, rows: list[dict[str, Any]], owner: str) -> list[dict[str, Any]]:
        """Take the data-key columns (``KEY_COLUMNS``) off each row and cache the keys."""
        for row in rows:
            key_id, master, wrapped = (
                row.pop("key__id"),
                row.pop("key__master"),
                row.pop("key__wrapped"),
            )
            if key_id is not None:
                self.vault.prime(
                    _uuid(row[owner]), _uuid(key_id), master, wrapped and bytes(wrapped)
                )
        return rows


KEY_COLUMNS = 'k.id AS "key__id", k.master_key_id AS "key__master", k.wrapped AS "key__wrapped"'
"""Select these with ``key_join`` to read rows and their data keys in one query."""


def key_join(owner: str) -> str:
    """SQL joining each row's data key (alias ``k``) on the row's ``owner`` expression."""
    return f"LEFT JOIN data_key k ON k.owner = {owner}"


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _owner(personal: PersonalField, subject: UUID) -> UUID:
    return FINANCE_OWNER if personal.key is KeyOwner.finance else subject
