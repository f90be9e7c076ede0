"""Placeholder demo step: filled by the fees work."""

from app.sealed import Sealer


async def is_empty() -> bool:
    return True


async def populate(sealer: Sealer) -> list[str]:
    return []
