"""A private PostgreSQL cluster for tests that must stop and start the database.

The machine's PostgreSQL on 5432 is shared by everyone's tests and must never be stopped; a
test that drills a database outage gets its own throw-away cluster instead: ``initdb`` into a
temporary directory (as the ``postgres`` user, which the server insists on), on a port of its
own, listening on loopback only, with its socket inside its directory. ``stop`` and ``start``
are the real ``pg_ctl`` operations an operator would run.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_PORT = 5491
SU = shutil.which("su") or "/bin/su"


def binary_dir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` live: Debian's versioned directory, else the PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = candidates[0] if candidates else shutil.which("initdb")
    if found is None and Path("/usr/local/bin/initdb").exists():
        found = "/usr/local/bin/initdb"
    return Path(found).parent if found else None


def available() -> bool:
    """A private cluster needs the server binaries, root (to act as ``postgres``) and that user."""
    return binary_dir() is not None and os.geteuid() == 0 and Path(SU).exists()


def port_for(worker_id: str) -> int:
    """5491 for the main process, 5492 for xdist's gw0, 5493 for gw1 ..."""
    digits = "".join(ch for ch in worker_id if ch.isdigit())
    return BASE_PORT + (int(digits) + 1 if digits else 0)


class PrivatePostgres:
    """One cluster: ``start`` / ``stop`` it as often as a drill needs, ``destroy`` it at the end."""

    def __init__(self, port: int) -> None:
        bin_dir = binary_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        self.bin_dir = bin_dir
        self.port = port
        self.directory = Path(tempfile.mkdtemp(prefix=f"private-pg-{port}-"))
        shutil.chown(self.directory, user="postgres", group="postgres")
        self.data = self.directory / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _as_postgres(self, *argv: str, check: bool = True) -> int:
        command = " ".join(shlex.quote(arg) for arg in argv)
        done = subprocess.run([SU, "postgres", "-c", command], check=check, capture_output=True)
        return done.returncode

    def initdb(self) -> None:
        self._as_postgres(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        """Start and wait until it accepts connections (``pg_ctl -w``)."""
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c full_page_writes=off -c synchronous_commit=off"
        )
        self._as_postgres(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
            "-l", str(self.directory / "server.log"), "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Fast shutdown, as an operator restarting the server would: clients are cut off."""
        self._as_postgres(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
            "-m", "fast", "stop",
        )  # fmt: skip

    def is_running(self) -> bool:
        pg_ctl = str(self.bin_dir / "pg_ctl")
        return self._as_postgres(pg_ctl, "-D", str(self.data), "status", check=False) == 0

    def destroy(self) -> None:
        if self.is_running():
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def private_postgres(worker_id: str) -> Iterator[PrivatePostgres]:
    """A fresh, running cluster for the duration of the block; removed afterwards."""
    cluster = PrivatePostgres(port_for(worker_id))
    try:
        cluster.initdb()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()
