"""The coordinator's home, "what needs me today": counts, each in one plain sentence, with a link
to the page where the work is done.

The kernel owns the page and the ``Attention`` type; it knows no domain. Each domain exposes
``services.attention.needs_attention(sealer, actor, now)`` and the composition root
(``app.factory``) puts those providers in ``app.state.attention``, in dependency order. The page
asks each one, then groups the items and puts the most urgent group first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from app import audit
from app.auth.flow import actor_of
from app.datamap import Role
from app.sealed import Sealer
from app.web.pages import page
from app.web.templates import NavItem

URGENT = 0
SOON = 1
ROUTINE = 2
URGENCY_WORDS = {URGENT: "Urgent", SOON: "Soon", ROUTINE: ""}


@dataclass(frozen=True)
class Attention:
    """One thing a coordinator should act on: ``count`` of it, said in ``sentence``, done at
    ``href``; ``urgency`` is URGENT, SOON or ROUTINE (smaller first)."""

    group: str
    sentence: str
    count: int
    href: str
    urgency: int = ROUTINE


Provider = Callable[[Sealer, audit.Actor, datetime], Awaitable[list[Attention]]]


@dataclass(frozen=True)
class Group:
    title: str
    items: tuple[Attention, ...]

    @property
    def urgency(self) -> int:
        return min(item.urgency for item in self.items)


def grouped(items: Sequence[Attention]) -> list[Group]:
    """Items in groups; the group with the most urgent item first, then in the providers' order.
    Inside a group, most urgent first, otherwise as the domain listed them."""
    order: dict[str, list[Attention]] = {}
    for item in items:
        if item.count > 0:
            order.setdefault(item.group, []).append(item)
    groups = [
        Group(title, tuple(sorted(found, key=lambda i: i.urgency)))
        for title, found in order.items()
    ]
    return sorted(groups, key=lambda g: g.urgency)


async def collect(
    providers: Sequence[Provider], sealer: Sealer, actor: audit.Actor, now: datetime
) -> list[Attention]:
    found: list[Attention] = []
    for provide in providers:
        found += await provide(sealer, actor, now)
    return found


class TodayPage(Controller):
    include_in_schema = False

    @get("/today", name="today")
    async def today(
        self, request: Request[Any, Any, Any], sealer: NamedDependency[Sealer]
    ) -> Template:
        providers: Sequence[Provider] = request.app.state.attention
        items = await collect(providers, sealer, actor_of(request), datetime.now(UTC))
        return page(
            "kernel/today.html",
            "What needs you today",
            groups=grouped(items),
            urgency_words=URGENCY_WORDS,
        )


ROUTES: list[Any] = [TodayPage]
NAVIGATION: tuple[NavItem, ...] = (NavItem("Today", "/today", roles=frozenset({Role.coordinator})),)
