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
from app.crypto import FORMAT_V1, FieldRef
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
        stored: dict[str, Any] = {SEALED_WITH: self.marker}
        for personal in table_map.encrypted:
            value = values.get(personal.column)
            stored |= await self._seal_one(table_map, personal, row_id, owner, value)
        return stored

    async def seal_fields(
        self, table: type[Table], row_id: UUID, owner: UUID, values: dict[str, str | None]
    ) -> dict[str, Any]:
        """Column values for an update of just these fields (and their blind indexes)."""
        table_map = self.datamap.for_table(table)
        stored: dict[str, Any] = {}
        for personal in table_map.encrypted:
            if personal.column in values:
                value = values[personal.column]
                stored |= await self._seal_one(table_map, personal, row_id, owner, value)
        return stored

    async def _seal_one(
        self,
        table_map: TableMap,
        personal: PersonalField,
        row_id: UUID,
        owner: UUID,
        value: str | None,
    ) -> dict[str, Any]:
        ref = FieldRef(table_map.name, personal.column, str(row_id))
        key_owner = _owner(personal, owner)
        stored: dict[str, Any] = {
            personal.column: None
            if value is None
            else await self.vault.encrypt(key_owner, ref, value)
        }
        if personal.blind_index:
            index = None if value is None else self.index(table_map, personal, value)
            stored[personal.blind_index.column] = index
        return stored

    async def open(
        self, table: type[Table], row: dict[str, Any], columns: tuple[str, ...] | None = None
    ) -> dict[str, Sensitive[str] | None]:
        """Decrypt the row's encrypted fields (or just ``columns``); the row must include ``id``."""
        table_map = self.datamap.for_table(table)
        opened: dict[str, Sensitive[str] | None] = {}
        for personal in table_map.encrypted:
            if columns is not None and personal.column not in columns:
                continue
            blob = row.get(personal.column)
            ref = FieldRef(table_map.name, personal.column, str(row["id"]))
            opened[personal.column] = (
                None if blob is None else Sensitive(await self.vault.decrypt(ref, bytes(blob)))
            )
        return opened

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
        index_column = table._meta.get_column_by_name(personal.blind_index.column)
        candidates = await table.select().where(
            index_column == self.index(table_map, personal, value)
        )
        wanted = normalise(value)
        matches = []
        for row in candidates:
            opened = await self.open(table, row)
            found = opened[column]
            if found is not None and normalise(found.reveal()) == wanted:
                matches.append(row)
        return matches


def _owner(personal: PersonalField, subject: UUID) -> UUID:
    return FINANCE_OWNER if personal.key is KeyOwner.finance else subject
