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

from app.crypto import KEY_BYTES, DecryptionFailed, FieldRef, KeyDestroyed, key_id_of, seal, unseal
from app.db import transaction
from app.keyring import Keyring
from app.tables import DataKey

FINANCE_OWNER = uuid5(UUID("7c1b9e54-3f0a-4d7e-9a51-7b0c2f4e8d10"), "finance")
"""The owner of the finance data key: payment records stay readable after a person's erasure."""


@dataclass
class Vault:
    keyring: Keyring
    _plain_keys: dict[UUID, tuple[UUID, bytes]] = field(default_factory=dict, repr=False)

    async def encrypt(self, owner: UUID, where: FieldRef, value: str) -> bytes:
        key_id, key = await self._key_for_owner(owner)
        return seal(key, key_id.bytes, where, value.encode())

    async def decrypt(self, where: FieldRef, blob: bytes) -> str:
        key = await self._key_by_id(UUID(bytes=key_id_of(blob)))
        return unseal(key, where, blob).decode()

    async def destroy(self, owner: UUID) -> bool:
        """Crypto-shred: forget ``owner``'s data key. True if there was one to destroy."""
        if owner == FINANCE_OWNER:
            raise ValueError("the finance key must survive erasure")
        self._plain_keys.pop(owner, None)
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
            self._plain_keys[owner] = (row.id, self._unwrap(row))
        return self._plain_keys[owner]

    async def _key_by_id(self, key_id: UUID) -> bytes:
        for cached_id, key in self._plain_keys.values():
            if cached_id == key_id:
                return key
        row = await DataKey.objects().where(DataKey.id == key_id).first()
        if row is None:
            raise DecryptionFailed("the data key of this value does not exist")
        self._plain_keys[row.owner] = (row.id, self._unwrap(row))
        return self._plain_keys[row.owner][1]

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

    def _unwrap(self, row: DataKey) -> bytes:
        if row.wrapped is None:
            raise KeyDestroyed("this person's data was erased")
        master = self.keyring.for_unwrapping(row.master_key_id)
        return unseal(master.material, _wrap_ref(row.id), bytes(row.wrapped))


def wrap(master: bytes, master_key_id: str, data_key_id: UUID, data_key: bytes) -> bytes:
    """Encrypt a data key under a master key; bound to the data key's id."""
    return seal(master, master_key_id.encode(), _wrap_ref(data_key_id), data_key)


def _wrap_ref(data_key_id: UUID) -> FieldRef:
    return FieldRef(table="data_key", column="wrapped", row_id=str(data_key_id))
