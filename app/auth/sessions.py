"""Server-side sessions in the shared store, and the sign-in throttle.

The cookie carries only a random 256-bit id; the store keeps the session under a hash of that
id, so a copy of the store cannot be replayed as cookies. A new id is issued at every sign-in
step (no session fixation), sessions end after an idle and an absolute timeout, and a session
made before an account's roles changed or it was disabled is refused (``session_version``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

from app.store import SharedStore

STAFF_IDLE_S = 30 * 60
PARTICIPANT_IDLE_S = 2 * 60 * 60
ABSOLUTE_S = 12 * 60 * 60
TOUCH_EVERY_S = 60
RECENT_S = 2.0
RECENT_MAX = 10_000


@dataclass(frozen=True)
class SessionData:
    """What a session knows. ``stage`` is "mfa" between password and code, else "signed-in"."""

    account: str
    kind: str
    stage: str
    version: int
    created: float
    seen: float
    fresh_until: float = 0.0
    assisted_by: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def idle_limit(self) -> int:
        return STAFF_IDLE_S if self.kind == "staff" else PARTICIPANT_IDLE_S

    def expired(self, now: float) -> bool:
        return now - self.seen > self.idle_limit or now - self.created > ABSOLUTE_S


@dataclass(frozen=True)
class SessionCookies:
    """Cookie naming: ``__Host-`` needs Secure, which needs https (so not on a laptop)."""

    https: bool

    @property
    def name(self) -> str:
        return "__Host-session" if self.https else "session"

    def set(self, session_id: str) -> Cookie:
        return Cookie(
            key=self.name,
            value=session_id,
            path="/",
            secure=self.https,
            httponly=True,
            samesite="lax",
            max_age=ABSOLUTE_S,
        )

    def clear(self) -> Cookie:
        return Cookie(
            key=self.name,
            value="",
            path="/",
            secure=self.https,
            httponly=True,
            samesite="lax",
            max_age=0,
        )


def _store_key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class Sessions:
    """Sessions in the shared store, with a two-second read cache in this process.

    Reading the store on every request is the larger part of what signing in costs; the cache
    means a sign-out or revocation made on another worker reaches this one within
    ``RECENT_S`` seconds (on this worker, at once), the same bound as account state.
    """

    store: SharedStore
    cookies: SessionCookies
    _recent: dict[str, tuple[float, SessionData]] = field(default_factory=dict, repr=False)

    async def begin(
        self, response: Response[Any], data: SessionData, *, replacing: str | None
    ) -> str:
        """Start a session under a new id (ending ``replacing``) and set its cookie."""
        if replacing:
            await self._forget(replacing)
        session_id = secrets.token_urlsafe(32)
        await self.save(session_id, data)
        response.set_cookie(self.cookies.set(session_id))
        return session_id

    async def load(self, request: Request[Any, Any, Any]) -> tuple[str, SessionData] | None:
        """The request's live session, or None (missing, unknown, idle or too old)."""
        session_id = request.cookies.get(self.cookies.name)
        if not session_id:
            return None
        data = await self._read(session_id)
        now = time.time()
        if data is None or data.expired(now):
            if data is not None:
                await self._forget(session_id)
            return None
        if now - data.seen > TOUCH_EVERY_S:
            data = replace(data, seen=now)
            await self.save(session_id, data)
        return session_id, data

    async def _read(self, session_id: str) -> SessionData | None:
        cached = self._recent.get(session_id)
        if cached is not None and time.monotonic() - cached[0] < RECENT_S:
            return cached[1]
        raw = await self.store.get(_store_key(session_id))
        data = SessionData(**json.loads(raw)) if raw is not None else None
        if data is not None:
            self._remember(session_id, data)
        return data

    def _remember(self, session_id: str, data: SessionData) -> None:
        if len(self._recent) > RECENT_MAX:
            self._recent.clear()
        self._recent[session_id] = (time.monotonic(), data)

    async def save(self, session_id: str, data: SessionData) -> None:
        remaining = max(1, int(ABSOLUTE_S - (time.time() - data.created)))
        await self.store.set(_store_key(session_id), json.dumps(asdict(data)), remaining)
        self._remember(session_id, data)

    async def _forget(self, session_id: str) -> None:
        self._recent.pop(session_id, None)
        await self.store.delete(_store_key(session_id))

    async def end(self, response: Response[Any], session_id: str | None) -> None:
        if session_id:
            await self._forget(session_id)
        response.set_cookie(self.cookies.clear())


@dataclass(frozen=True)
class Throttle:
    """Attempts per identifier and per client address in a window, shared by every worker.

    It slows guessing without locking anyone out for good: an abuser who knows a survivor's
    email must not be able to stop them signing in for more than the window.
    """

    store: SharedStore
    per_identifier: int = 10
    per_address: int = 50
    window_s: int = 15 * 60

    async def allow(self, identifier_digest: str, address: str) -> bool:
        by_identifier = await self.store.hit(f"id:{identifier_digest}", self.window_s)
        by_address = await self.store.hit(f"ip:{address}", self.window_s)
        return by_identifier <= self.per_identifier and by_address <= self.per_address
