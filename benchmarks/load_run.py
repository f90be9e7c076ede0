"""One load run against one running target: prepare its data, run locust, read the figures.

Not a benchmark itself (no ``bench_`` prefix): ``bench_load`` runs it against the embedded
default and the scale-out stack. Locust runs as its own process (it patches the standard
library with gevent, which must never reach our asyncio code); so do the data set-up and the
database check, each with the target's own settings in its environment.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent
LOCUSTFILE = PROJECT_ROOT / "benchmarks" / "load_users.py"
USERS = {
    name: int(os.environ.get(name, default))
    for name, default in (("LOAD_PARTICIPANTS", 8), ("LOAD_COORDINATORS", 2), ("LOAD_FINANCE", 2))
}
READY_DEADLINE_S = 60.0


class LoadError(RuntimeError):
    """A step of the run failed; the message ends with what the step printed."""


@dataclass
class Figures:
    """What one configuration did: locust's summary, the database check, the 5xx count."""

    name: str
    requests: int = 0
    failures: int = 0
    rate: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    per_name: dict[str, tuple[int, float]] = field(default_factory=dict)  # count, p95 ms
    server_errors: int = 0
    server_cpu: float = 0.0  # CPU seconds the app processes used per second of load
    machine_busy: float = 0.0  # share of all cores busy (anyone's work) during the load
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failure_lines: list[str] = field(default_factory=list)


def run_step(argv: list[str], env: dict[str, str], what: str, log: Path) -> str:
    """Run one command to completion; its output goes to ``log`` and is returned."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and commands
        argv, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    with log.open("a") as out:
        out.write(f"$ {' '.join(argv)}\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0:
        raise LoadError(f"{what} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(env: dict[str, str], work: Path) -> Path:
    """Demo data (benefit figures, payment policy), then the load population; the state file."""
    state = work / "state.json"
    log = work / "setup.log"
    run_step([str(BIN / "reciprocity"), "demo"], env, "reciprocity demo", log)
    setup = [sys.executable, "-m", "benchmarks.load_setup", "populate", str(state)]
    run_step(setup, env, "load set-up", log)
    return state


def wait_ready(url: str, deadline_s: float = READY_DEADLINE_S) -> None:
    """Poll ``/health/ready`` until it answers 200."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health/ready", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise LoadError(f"{url} was not ready within {deadline_s:.0f} s")


def run_locust(  # noqa: PLR0917 - each argument is a distinct part of the run
    name: str, url: str, state: Path, work: Path, duration_s: int, servers: list[int]
) -> Figures:
    """Run the locustfile headless for ``duration_s`` seconds; its figures and its record.

    ``servers``: the app's process ids, whose CPU time is measured over the run."""
    users = sum(USERS.values())
    prefix = work / "locust"
    done = work / "done.json"
    argv = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
    argv += ["-u", str(users), "-r", str(users), "-t", f"{duration_s}s", "--host", url]
    argv += ["--csv", str(prefix), "--stop-timeout", "20", "--loglevel", "WARNING"]
    env = {**os.environ, "LOAD_STATE": str(state), "LOAD_DONE": str(done)}
    env.update({key: str(value) for key, value in USERS.items()})
    cpu_before, machine_before, started = _cpu(servers), _machine(), time.monotonic()
    done_run = subprocess.run(  # noqa: S603 - our own command line
        argv, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - started
    cpu_used, machine = _cpu(servers) - cpu_before, _machine()
    (work / "locust.log").write_text(done_run.stdout + done_run.stderr)
    if not done.exists():
        raise LoadError(
            f"locust wrote no record (exit {done_run.returncode}):\n{done_run.stderr[-3000:]}"
        )
    figures = _read_stats(name, Path(f"{prefix}_stats.csv"))
    figures.failure_lines = _read_failures(Path(f"{prefix}_failures.csv"))
    record = json.loads(done.read_text())
    figures.server_errors = sum(record["server_errors"].values())
    figures.server_cpu = cpu_used / elapsed
    busy, total = (after - before for after, before in zip(machine, machine_before, strict=True))
    figures.machine_busy = busy / total if total else 0.0
    return figures


def _cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) these processes have used so far; gone ones count 0."""
    used = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return used / os.sysconf("SC_CLK_TCK")


def _machine() -> tuple[int, int]:
    """Busy and total CPU time of the whole machine so far, in clock ticks."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


def check(env: dict[str, str], work: Path, figures: Figures) -> None:
    """Compare the database with what the load users were told was done."""
    argv = [sys.executable, "-m", "benchmarks.load_setup", "check"]
    argv += [str(work / "state.json"), str(work / "done.json")]
    out = run_step(argv, env, "database check", work / "setup.log")
    found: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    figures.problems, figures.counts = found["problems"], found["counts"]


def _read_stats(name: str, path: Path) -> Figures:
    figures = Figures(name)
    with path.open() as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated":
                figures.requests = int(row["Request Count"])
                figures.failures = int(row["Failure Count"])
                figures.rate = float(row["Requests/s"])
                figures.p50, figures.p95, figures.p99 = (_ms(row[p]) for p in ("50%", "95%", "99%"))
            else:
                figures.per_name[row["Name"]] = (int(row["Request Count"]), _ms(row["95%"]))
    return figures


def _read_failures(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open() as failures:
        return [
            f"{row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}"
            for row in csv.DictReader(failures)
        ]


def _ms(text: str) -> float:
    return float(text) if text not in ("", "N/A") else 0.0
