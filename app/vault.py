"""Envelope encryption: per-subject data keys, wrapped by the keyring's master keys.

A ``Vault`` lives for one request or one job: unwrapped data keys are cached on it and on
nothing else, so they leave memory with it. Domain code goes through ``app.sealed`` and never
calls this module's key functions directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID, uuid4, uuid5

from app.crypto import (
    KEY_BYTES,
    DecryptionFailed,
    FieldRef,
    KeyDestroyed,
    key_id_of,
    seal,
    seal_row,
    unseal,
    unseal_row,
)
from app.db import transaction
from app.keyring import Keyring
from app.tables import DataKey

FINANCE_OWNER = uuid5(UUID("7c1b9e54-3f0a-4d7e-9a51-7b0c2f4e8d10"), "finance")
"""The owner of the finance data key: payment records stay readable after a person's erasure."""


@dataclass
class Vault:
    keyring: Keyring
    _plain_keys: dict[UUID, tuple[UUID, bytes]] = field(default_factory=dict, repr=False)
    _by_key_id: dict[UUID, bytes] = field(default_factory=dict, repr=False)

    async def encrypt_row(
        self, owner: UUID, table: str, row_id: str, values: dict[str, str]
    ) -> dict[str, bytes]:
        key_id, key = await self._key_for_owner(owner)
        plain = {column: value.encode() for column, value in values.items()}
        return seal_row(key, key_id.bytes, table, row_id, plain)

    async def decrypt_row(self, table: str, row_id: str, blobs: dict[str, bytes]) -> dict[str, str]:
        """Decrypt a row's fields; fields under different keys (person, finance) are grouped."""
        by_key: dict[bytes, dict[str, bytes]] = {}
        for column, blob in blobs.items():
            by_key.setdefault(key_id_of(blob), {})[column] = blob
        opened: dict[str, str] = {}
        for key_id, group in by_key.items():
            key = await self._key_by_id(UUID(bytes=key_id))
            opened |= {c: v.decode() for c, v in unseal_row(key, table, row_id, group).items()}
        return opened

    async def destroy(self, owner: UUID) -> bool:
        """Crypto-shred: forget ``owner``'s data key. True if there was one to destroy."""
        if owner == FINANCE_OWNER:
            raise ValueError("the finance key must survive erasure")
        dropped = self._plain_keys.pop(owner, None)
        if dropped is not None:
            self._by_key_id.pop(dropped[0], None)
        async with transaction():
            rows = (
                await DataKey.update(
                    {DataKey.wrapped: None, DataKey.destroyed_at: datetime.now(UTC)}
                )
                .where((DataKey.owner == owner) & DataKey.wrapped.is_not_null())
                .returning(DataKey.id)
            )
        return bool(rows)

    async def _key_for_owner(self, owner: UUID) -> tuple[UUID, bytes]:
        if owner not in self._plain_keys:
            async with transaction():
                row = await DataKey.objects().where(DataKey.owner == owner).first()
                if row is None:
                    row = await self._create(owner)
            self._remember(owner, row.id, self._unwrap(row.id, row.master_key_id, row.wrapped))
        return self._plain_keys[owner]

    async def _key_by_id(self, key_id: UUID) -> bytes:
        if key_id in self._by_key_id:
            return self._by_key_id[key_id]
        row = await DataKey.objects().where(DataKey.id == key_id).first()
        if row is None:
            raise DecryptionFailed("the data key of this value does not exist")
        self._remember(row.owner, row.id, self._unwrap(row.id, row.master_key_id, row.wrapped))
        return self._by_key_id[key_id]

    def _remember(self, owner: UUID, key_id: UUID, key: bytes) -> None:
        self._plain_keys[owner] = (key_id, key)
        self._by_key_id[key_id] = key

    def prime(self, owner: UUID, key_id: UUID, master_key_id: str, wrapped: bytes | None) -> None:
        """Cache a data key read together with the rows it protects (saves a query per row)."""
        if key_id not in self._by_key_id and wrapped is not None:
            self._remember(owner, key_id, self._unwrap(key_id, master_key_id, wrapped))

    async def _create(self, owner: UUID) -> DataKey:
        master = self.keyring.active
        key_id = uuid4()
        row = DataKey(
            id=key_id,
            owner=owner,
            master_key_id=master.key_id,
            wrapped=wrap(master.material, master.key_id, key_id, os.urandom(KEY_BYTES)),
        )
        await row.save()
        return row

    def _unwrap(self, key_id: UUID, master_key_id: str, wrapped: bytes | None) -> bytes:
        if wrapped is None:
            raise KeyDestroyed("this person's data was erased")
        master = self.keyring.for_unwrapping(master_key_id)
        return unseal(master.material, _wrap_ref(key_id), bytes(wrapped))


def wrap(master: bytes, master_key_id: str, data_key_id: UUID, data_key: bytes) -> bytes:
    """Encrypt a data key under a master key; bound to the data key's id."""
    return seal(master, master_key_id.encode(), _wrap_ref(data_key_id), data_key)


def _wrap_ref(data_key_id: UUID) -> FieldRef:
    return FieldRef(table="data_key", column="wrapped", row_id=str(data_key_id))
