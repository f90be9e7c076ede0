"""The scale-out stack for real: PostgreSQL, Redis, two app workers behind nginx, an outbox
worker, brought up on free ports with a database of its own, and taken down again.

It proves what "stateless workers" means in practice: nginx spreads requests over both
workers, and a session begun through one is honoured by the other (shared keys, sessions in
Redis), so a load balancer may send anyone anywhere.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import httpx
import pytest

from ops import backing, nginx
from ops.stack import Stack, StackConfig, free_port_base
from tests.support import postgres
from tests.support.auth import form_token

REDIS_URL = "redis://127.0.0.1:6379/0"

pytestmark = [pytest.mark.xdist_group("ops")]


def _needs(ready: bool, what: str) -> None:
    """Skip without the machine's servers, except where they are required (CI)."""
    if not ready:
        if postgres.required():
            pytest.fail(f"{what} is required here")
        pytest.skip(f"{what} is not available")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    _needs(postgres.reachable(), "PostgreSQL")
    _needs(backing.redis_answers(REDIS_URL), "Redis")
    _needs(nginx.NGINX.exists(), "nginx")
    name = f"reciprocity_stack_{os.environ.get('TEST_DB_TAG', '')}{uuid4().hex[:8]}"
    database_url = urlunsplit(urlsplit(postgres.admin_url())._replace(path=f"/{name}"))
    config = StackConfig(
        run_dir=tmp_path / "scale",
        port=free_port_base(3),
        database_url=database_url,
        redis_url=REDIS_URL,
    )
    stack = Stack(config)
    try:
        yield stack
    finally:
        stack.down()
        stack.drop_database()


def test_two_workers_behind_nginx_share_sessions_and_stop_cleanly(stack: Stack) -> None:
    stack.up()
    workers = {f"127.0.0.1:{stack.app_port(index)}" for index in (0, 1)}

    home = httpx.get(f"{stack.url}/")
    assert home.status_code == 200
    assert "<title>" in home.text
    assert home.headers["x-upstream"] in workers

    seen = {httpx.get(f"{stack.url}/health/ready").headers["x-upstream"] for _ in range(6)}
    assert seen == workers
    assert httpx.get(f"{stack.url}/metrics").status_code == 403

    session = _sign_in_through_nginx(stack)
    for index in (0, 1):
        page = httpx.get(f"{stack.app_url(index)}/account", cookies={"session": session})
        assert page.status_code == 200, f"app-{index} did not honour the session"
        anonymous = httpx.get(f"{stack.app_url(index)}/account")
        assert anonymous.status_code == 303
        assert anonymous.headers["location"].endswith("/sign-in")

    running = stack.status()
    assert [(name, alive) for name, _, alive in running] == [
        ("app-0", True),
        ("app-1", True),
        ("nginx", True),
        ("outbox-0", True),
    ]
    stack.up()  # a second `up` starts nothing new
    assert stack.status() == running

    stack.down()
    assert stack.status() == []
    for _, pid, _ in running:
        assert pid is not None
        assert not Path(f"/proc/{pid}").exists()
    for port in (stack.config.port, stack.app_port(0), stack.app_port(1)):
        with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
            pass


def _sign_in_through_nginx(stack: Stack) -> str:
    """Sign in as the dev admin through the load balancer, as a person would; return the
    session cookie."""
    link = re.search(r"http://\S+/sign-in/dev/\S+", stack.run_cli("users", "dev-sign-in"))
    assert link is not None
    with httpx.Client() as browser:
        confirm = browser.get(link.group(0))
        assert confirm.status_code == 200
        signed_in = browser.post(link.group(0), data={"_csrf_token": form_token(confirm.text)})
        assert signed_in.status_code == 303
        return str(signed_in.cookies["session"])
