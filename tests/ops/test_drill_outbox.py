"""Fault drill: the outbox worker is killed (SIGKILL) in the middle of delivering email, twice.

The mail server here is slow on purpose and can hold its answer to one command, so each kill
lands at a known point instead of wherever the clock happens to be:

1. while the server holds its reply to DATA: the message is not accepted (the connection
   drops before "250"), its claim runs out (RECIPROCITY_OUTBOX_LEASE_S=3) and the next worker
   sends it: delivered exactly once;
2. after the server accepted a message ("250" sent) but before the worker recorded it as sent
   (the server holds its reply to QUIT): the next worker sends it again. This is the
   at-least-once window every outbox has (app/mail.py says so): the copy carries the same
   Message-ID, so a receiving system that drops a Message-ID it has seen gets it exactly once.

What it proves: every queued message arrives; counted by Message-ID, each exactly once; the
only repeat is the one message whose acceptance the kill cut off from its record; and the
outbox shows every message sent, none retried, failed or stuck.
"""

from __future__ import annotations

import asyncio
import email
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ops.stack import Stack, free_port_base
from tests.ops.drill_support import fetch, private_redis, run_tool, running_stack
from tests.support.waiting import wait_for

pytestmark = pytest.mark.xdist_group("ops")

MESSAGES = 30
DATA_DELAY_S = 0.1
LEASE_S = 3


@dataclass
class Received:
    message_id: str
    subject: str
    at: float


@dataclass
class Hold:
    """Hold the reply to ``command`` ("DATA" or "QUIT") once ``after`` messages are accepted,
    until the client goes away."""

    command: str
    after: int
    held: str = ""  # the Message-ID whose reply was held
    holding: bool = False
    dropped: bool = False


@dataclass
class SlowMailServer:
    """A real SMTP server (aiosmtpd) that takes ``DATA_DELAY_S`` to accept each message and
    can hold one reply: what a drill needs to land a kill mid-delivery, on purpose."""

    accepted: list[Received] = field(default_factory=list)
    hold: Hold | None = None
    _current: dict[int, str] = field(default_factory=dict)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        message = email.message_from_bytes(envelope.content)
        message_id, subject = str(message["Message-ID"]), str(message["Subject"])
        self._current[id(session)] = message_id
        await asyncio.sleep(DATA_DELAY_S)
        await self._maybe_hold("DATA", message_id)
        self.accepted.append(Received(message_id, subject, time.monotonic()))
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        await self._maybe_hold("QUIT", self._current.get(id(session), ""))
        return "221 Bye"

    async def _maybe_hold(self, command: str, message_id: str) -> None:
        hold = self.hold
        if hold is None or hold.command != command or hold.holding:
            return
        if len(self.accepted) < hold.after:
            return
        hold.held, hold.holding = message_id, True
        try:
            await asyncio.Event().wait()  # until the connection drops and cancels us
        except asyncio.CancelledError:
            hold.dropped = True
            raise


@pytest.fixture
def mail_server() -> Iterator[tuple[SlowMailServer, int]]:
    handler = SlowMailServer()
    port = free_port_base(1)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def stack(tmp_path: Path, mail_server: tuple[SlowMailServer, int]) -> Iterator[Stack]:
    settings = {
        "RECIPROCITY_SMTP_HOST": "127.0.0.1",
        "RECIPROCITY_SMTP_PORT": str(mail_server[1]),
        "RECIPROCITY_OUTBOX_LEASE_S": str(LEASE_S),
    }
    with (
        private_redis() as redis,
        running_stack(
            tmp_path / "stack",
            redis_url=redis.url,
            database="outbox_kill",
            app_workers=1,
            outbox_workers=1,
            extra_env=settings,
        ) as up,
    ):
        yield up


def test_killing_the_outbox_worker_mid_delivery_loses_nothing(
    stack: Stack, mail_server: tuple[SlowMailServer, int]
) -> None:
    server = mail_server[0]
    server.hold = before_accept = Hold("DATA", after=5)
    queued = run_tool(stack, "queue-mail", str(MESSAGES)).split()
    assert len(queued) == MESSAGES

    killed_before_accept = kill_while_held(stack, before_accept)
    server.hold = after_accept = Hold("QUIT", after=len(server.accepted) + 5)
    stack.start_outbox_worker(0)
    kill_while_held(stack, after_accept)
    stack.start_outbox_worker(0)

    wait_for(lambda: outbox(stack) == {"sent": MESSAGES}, 60, "every message marked sent")
    ids = Counter(received.message_id for received in server.accepted)
    subjects = {received.subject for received in server.accepted}
    assert subjects == {f"Drill message {number}" for number in range(MESSAGES)}
    assert len(ids) == MESSAGES, "each message has one Message-ID, however often it was sent"
    assert ids[before_accept.held] == 1
    assert ids[after_accept.held] == 2  # accepted, then the kill: sent again, same Message-ID
    assert set(ids.values()) - {1} == {2}
    assert sum(ids.values()) == MESSAGES + 1
    resent = [r.at for r in server.accepted if r.message_id == before_accept.held]
    assert resent[0] > killed_before_accept, "sent by the next worker, after the kill"
    attempts = asyncio.run(
        fetch(stack.config.database_url, "SELECT SUM(attempts) AS n FROM outbox_message")
    )
    assert attempts[0]["n"] == 0, "a kill is not a failed try: nothing backed off"


def kill_while_held(stack: Stack, hold: Hold) -> float:
    """Wait until the server holds a reply, SIGKILL the worker, and wait until the server sees
    the connection drop. Returns when the kill happened."""
    wait_for(lambda: hold.holding, 60, f"the server to hold a {hold.command} reply")
    stack.kill_outbox_worker(0)
    killed = time.monotonic()
    wait_for(lambda: hold.dropped, 10, "the killed worker's connection to drop")
    return killed


def outbox(stack: Stack) -> dict[str, int]:
    rows = asyncio.run(
        fetch(
            stack.config.database_url,
            "SELECT status, COUNT(*) AS n FROM outbox_message GROUP BY status",
        )
    )
    return {row["status"]: int(row["n"]) for row in rows}
