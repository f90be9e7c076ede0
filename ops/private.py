"""Private PostgreSQL and Redis servers that a fault drill may stop, kill and restart.

The machine's own servers (PostgreSQL on 5432, Redis on 6379) are shared by everyone's tests,
so a drill never touches them: it starts its own on a port of its choosing, breaks that one on
purpose, and throws it away afterwards. Both wait for their server to answer (or give up with
the end of its log) instead of sleeping, so a drill knows exactly when the outage begins and
ends.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ops.backing import redis_answers
from ops.processes import free_port_base, wait_until

START_DEADLINE_S = 30.0
STOP_DEADLINE_S = 10.0


class ServerFailed(RuntimeError):
    """A private server did not start or stop in time; the message ends with its log."""


def answers(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on ``port``."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_until(
    condition: Callable[[], bool], deadline_s: float, what: str, log: Path | None
) -> None:
    """Poll ``condition`` until true; past the deadline, fail with the end of ``log``."""
    wait_until(condition, deadline_s)
    if not condition():
        tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        raise ServerFailed(f"{what} (after {deadline_s:.0f} s)\n{tail}")


def _postgres_bin() -> Path:
    """The newest installed PostgreSQL's binaries (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    if not found:
        raise ServerFailed("PostgreSQL's server programs are not installed (postgresql package)")
    return Path(found[-1]).parent


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in ``dir`` listening on 127.0.0.1:``port``.

    PostgreSQL refuses to run as root, so every server command runs as the ``postgres`` user;
    ``dir`` is handed to that user, and its parent must let it in (a fresh directory under
    /tmp does; pytest's own temporary directories, private to root, do not). Trust
    authentication on loopback only, no fsync: this is a drill, not a store.
    """

    def __init__(self, port: int, dir: Path, database: str = "reciprocity") -> None:
        self.port = port
        self.dir = Path(dir)
        self.database = database
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self._bin = _postgres_bin()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> None:
        """Create the cluster and its database the first time; start it; wait until it answers."""
        if answers(self.port):
            raise ServerFailed(f"port {self.port} is already taken")
        first_time = not (self.data / "PG_VERSION").exists()
        if first_time:
            self._init()
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._as_postgres(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            str(int(START_DEADLINE_S)),
            "start",
        )
        _wait_until(self._accepts, START_DEADLINE_S, "PostgreSQL did not answer", self.log)
        if first_time:
            self._as_postgres("createdb", "-h", "127.0.0.1", "-p", str(self.port), self.database)

    def stop(self) -> None:
        """Stop at once (``-m fast``: sessions are cut, as in an outage); no-op when stopped."""
        if not (self.data / "postmaster.pid").exists():
            return
        self._as_postgres(
            "pg_ctl",
            "-D",
            str(self.data),
            "-m",
            "fast",
            "-w",
            "-t",
            str(int(STOP_DEADLINE_S)),
            "stop",
        )
        _wait_until(
            lambda: not answers(self.port), STOP_DEADLINE_S, "PostgreSQL still answers", self.log
        )

    def destroy(self) -> None:
        """Stop it (immediately, whatever state it is in) and delete the cluster's files."""
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(
                "pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False
            )
        shutil.rmtree(self.dir, ignore_errors=True)

    def _init(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-instructions",
        )

    def _accepts(self) -> bool:
        probe = subprocess.run(  # noqa: S603 - fixed program, our own arguments
            [str(self._bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
            check=False,
        )
        return probe.returncode == 0

    def _as_postgres(self, program: str, *args: str, check: bool = True) -> None:
        command = shlex.join([str(self._bin / program), *args])
        done = subprocess.run(  # noqa: S603 - fixed programs, our own arguments
            ["/usr/bin/su", "postgres", "-s", "/bin/sh", "-c", command],
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
        )
        if check and done.returncode != 0:
            raise ServerFailed(f"{program} failed: {done.stderr.strip()[-2000:]}")


class PrivateRedis:
    """A Redis on 127.0.0.1:``port`` that keeps nothing on disk, so a restart loses every key:
    the worst a real Redis restart can do (sessions and throttle counts gone)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if answers(self.port):
            raise ServerFailed(f"port {self.port} is already taken")
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        self._process = subprocess.Popen(  # noqa: S603 - fixed program, our own arguments
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_until(self._pings, START_DEADLINE_S, "Redis did not answer PING", None)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not gone within the deadline; no-op when stopped."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(STOP_DEADLINE_S)
        _wait_until(lambda: not answers(self.port), STOP_DEADLINE_S, "Redis still answers", None)

    def restart(self) -> None:
        """Stop and start again on the same port: every key is gone afterwards."""
        self.stop()
        self.start()

    def _pings(self) -> bool:
        return redis_answers(self.url)


@contextmanager
def throwaway_postgres() -> Iterator[PrivatePostgres]:
    """A running cluster in a fresh directory under /tmp (the ``postgres`` user must reach it)
    on a free port, destroyed afterwards whatever happened."""
    server = PrivatePostgres(free_port_base(1), Path(tempfile.mkdtemp(prefix="reciprocity-pg-")))
    try:
        server.start()
        yield server
    finally:
        server.destroy()
