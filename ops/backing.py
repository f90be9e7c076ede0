"""PostgreSQL and Redis for the scale-out stack: use the ones that answer, else start this
machine's (installing Debian's packages when missing), and remember which we started.

Only the machine's own servers, at their usual loopback addresses, are ever started or stopped.
A stack pointed elsewhere (a fault drill's private servers) uses what it is given and says so
plainly when it does not answer.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import redis

MACHINE_POSTGRES = ("127.0.0.1", 5432)
MACHINE_REDIS = ("127.0.0.1", 6379)
START_DEADLINE_S = 60.0


class StackError(RuntimeError):
    """The stack cannot start; the message says what failed and how to fix it."""


# --- PostgreSQL ---------------------------------------------------------------------------


T = TypeVar("T")


def run_apart(work: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on a thread of its own, so the stack can be driven from code that already
    runs an event loop on this thread (a test beside the browser tests' Playwright, say)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()


def admin_url(database_url: str) -> str:
    """The same server's ``postgres`` database, to create and drop the stack's database."""
    return urlunsplit(urlsplit(database_url)._replace(path="/postgres"))


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def postgres_answers(database_url: str) -> bool:
    async def probe() -> bool:
        try:
            connection = await asyncpg.connect(admin_url(database_url), timeout=3)
        except (OSError, asyncpg.PostgresError):
            return False
        await connection.close()
        return True

    return run_apart(probe())


def ensure_postgres(database_url: str) -> bool:
    """Make PostgreSQL answer; True when this call started it (so ``down`` may stop it)."""
    if postgres_answers(database_url):
        return False
    if _address(database_url, 5432) != MACHINE_POSTGRES:
        raise StackError(f"PostgreSQL does not answer at {_address(database_url, 5432)}.")
    installed_now = False
    if not Path("/etc/postgresql").is_dir() or not os.listdir("/etc/postgresql"):
        _apt_install("postgresql")
        installed_now = True
    version = _cluster_version()
    _run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
    if installed_now:
        _trust_local_postgres(version)
    _wait_for(lambda: postgres_answers(database_url), "PostgreSQL")
    return True


def stop_postgres() -> None:
    _run(["pg_ctlcluster", "--skip-systemctl-redirect", _cluster_version(), "main", "stop"])


def create_database(database_url: str, *, fresh: bool) -> bool:
    """Create the stack's database if missing (``fresh``: drop it first); True if created."""
    name = database_name(database_url)

    async def create() -> bool:
        connection = await asyncpg.connect(admin_url(database_url), timeout=5)
        try:
            if fresh:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await connection.execute(f'CREATE DATABASE "{name}"')
            return not exists
        finally:
            await connection.close()

    return run_apart(create())


def drop_database(database_url: str) -> None:
    name = database_name(database_url)

    async def drop() -> None:
        connection = await asyncpg.connect(admin_url(database_url), timeout=5)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    run_apart(drop())


def _cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])
    if not versions:
        raise StackError("No PostgreSQL cluster under /etc/postgresql.")
    return versions[-1]


def _trust_local_postgres(version: str) -> None:
    """A cluster Debian has just installed asks for a password on 127.0.0.1; the stack (like
    the test suite) connects as ``postgres`` without one. Trust that user on loopback only, in
    the cluster we installed ourselves: never in one we found."""
    hba = Path(f"/etc/postgresql/{version}/main/pg_hba.conf")
    line = "host all postgres 127.0.0.1/32 trust  # added by ops/stack.py\n"
    hba.write_text(line + hba.read_text(encoding="utf-8"), encoding="utf-8")
    _run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "reload"])


# --- Redis ----------------------------------------------------------------------------------


def redis_answers(redis_url: str) -> bool:
    client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def ensure_redis(redis_url: str, run_dir: Path) -> bool:
    """Make Redis answer; True when this call started it (so ``down`` may stop it)."""
    if redis_answers(redis_url):
        return False
    if _address(redis_url, 6379) != MACHINE_REDIS:
        raise StackError(f"Redis does not answer at {_address(redis_url, 6379)}.")
    if shutil.which("redis-server") is None:
        _apt_install("redis-server")
    data_dir = run_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    # Sessions and throttles only: nothing to persist (a restart signs people out at worst).
    _run(
        [
            "redis-server",
            "--daemonize", "yes",
            "--bind", "127.0.0.1",
            "--port", "6379",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(data_dir),
            "--pidfile", str(run_dir / "pids" / "redis.pid"),
            "--logfile", str(run_dir / "logs" / "redis.log"),
        ]
    )  # fmt: skip
    _wait_for(lambda: redis_answers(redis_url), "Redis")
    return True


def stop_redis(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # shutting down closes the connection under us: that is the success case
    finally:
        client.close()


# --- shared ---------------------------------------------------------------------------------


def _address(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    return ("127.0.0.1" if host == "localhost" else host, parts.port or default_port)


def _apt_install(package: str) -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise StackError(f"{package} is not installed: sudo apt-get install {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update", "-qq"], env=env)
    _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package], env=env)


def _run(argv: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise StackError(f"'{' '.join(argv)}' failed:\n{done.stderr.strip() or done.stdout}")


def _wait_for(answers: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if answers():
            return
        time.sleep(0.2)
    raise StackError(f"{what} was started but did not answer within {START_DEADLINE_S:.0f} s.")
