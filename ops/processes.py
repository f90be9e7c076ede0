"""The processes of the scale-out stack: started in their own session, remembered in pid
files, signalled as groups, and waited for with deadlines rather than sleeps.

A pid file can outlive its process (a crash, a reboot), so a pid counts as ours only while it
runs a command line we would have started; a child of this Python process is reaped as soon as
it ends, so a killed worker never lingers as a zombie that looks alive.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from app.settings import PROJECT_ROOT
from ops.backing import StackError

READY_DEADLINE_S = 90.0
STOP_DEADLINE_S = 15.0


class Processes:
    """The named processes of one run directory (``pids/<name>.pid``, ``logs/<name>.log``)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self._children: dict[int, subprocess.Popen[bytes]] = {}

    def names(self) -> list[str]:
        return sorted(path.stem for path in (self.run_dir / "pids").glob("*.pid"))

    def start(self, name: str, argv: list[str], env: dict[str, str], port: int = 0) -> None:
        """Start ``name`` unless it runs. A ``port`` it will listen on must be free: else
        another process there could answer its readiness check in its place."""
        if self.alive(name):
            return
        if port and not _port_free(port):
            raise StackError(f"Port {port} is in use by another process; {name} needs it.")
        with (self.run_dir / "logs" / f"{name}.log").open("ab") as log:
            log.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} starting {name}\n".encode())
            log.flush()
            child = subprocess.Popen(  # noqa: S603 - our own command lines
                argv,
                env=env,
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._children[child.pid] = child
        (self.run_dir / "pids" / f"{name}.pid").write_text(f"{child.pid}\n", encoding="utf-8")

    def stop(self, names: list[str], sig: int) -> None:
        """Ask politely (``sig``), then SIGKILL each process group still there at the deadline."""
        running = {name: pid for name in names if (pid := self.pid(name)) and self.alive(name)}
        for name in running:
            self.signal(name, sig, group=sig != signal.SIGQUIT)
        wait_until(lambda: not any(map(self.running, running.values())), STOP_DEADLINE_S)
        for name, pid in running.items():
            if self.running(pid):
                self.signal(name, signal.SIGKILL)
        for name in names:
            (self.run_dir / "pids" / f"{name}.pid").unlink(missing_ok=True)

    def signal(self, name: str, sig: int, *, group: bool = True) -> None:
        pid = self.pid(name)
        if pid is None or not self.alive(name):
            return
        try:
            if group:
                os.killpg(pid, sig)  # its own session: the group is the process and its children
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            pass
        if sig == signal.SIGKILL:
            wait_until(lambda: not self.running(pid), 5.0)

    def pid(self, name: str) -> int | None:
        try:
            return int((self.run_dir / "pids" / f"{name}.pid").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def alive(self, name: str) -> bool:
        """Running and still ours: a pid file can outlive a reboot and its pid be reused."""
        pid = self.pid(name)
        if pid is None or not self.running(pid):
            return False
        if pid in self._children:
            return True  # started by this process and not ended; while it execs, cmdline is empty
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return False
        return ("nginx" if name == "nginx" else "reciprocity") in cmdline

    def running(self, pid: int) -> bool:
        """The process exists and is not a zombie; one we started is reaped once it ends."""
        child = self._children.get(pid)
        if child is not None:
            if child.poll() is None:
                return True
            del self._children[pid]
            return False
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
        except OSError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"

    def wait_ready(self, name: str, port: int) -> None:
        deadline = time.monotonic() + READY_DEADLINE_S
        while time.monotonic() < deadline:
            if not self.alive(name):
                raise StackError(f"{name} stopped while starting:\n{self.log_tail(name)}")
            if _http_status(port, "/health/ready") == 200:
                return
            time.sleep(0.2)
        raise StackError(f"{name} was not ready within {READY_DEADLINE_S:.0f} s:\n"
                         f"{self.log_tail(name)}")  # fmt: skip

    def log_tail(self, name: str) -> str:
        logs = self.run_dir / "logs" / f"{name}.log"
        text = logs.read_text(encoding="utf-8", errors="replace") if logs.exists() else ""
        if name == "nginx":
            error_log = self.run_dir / "nginx" / "logs" / "error.log"
            if error_log.exists():
                text += error_log.read_text(encoding="utf-8", errors="replace")
        return tail(text)


def free_port_base(count: int) -> int:
    """A port such that it and the ``count - 1`` after it are free now (for tests and drills)."""
    for _ in range(100):
        base = 20000 + secrets.randbelow(20000)
        if all(_port_free(base + offset) for offset in range(count)):
            return base
    raise StackError(f"No {count} free consecutive ports found.")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        # as uvicorn binds: connections of a just-killed worker waiting in TIME_WAIT do not
        # make the port busy, only another listener does
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _http_status(port: int, path: str) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def wait_until(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
