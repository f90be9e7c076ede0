"""Load: the embedded default (one process, SQLite) against the scale-out stack, same workload.

Both configurations start from a fresh database with the same population (``load_setup``:
demo data, 48 participants who sign in with one-time links, 60 more people on the register,
8 coordinators' opportunities, 1,500 proposed fees), then take the same closed-loop mixed
workload (``load_users``: participants in a browser, coordinators and finance with API
tokens) from locust, run as its own process, for the same time. Afterwards the database is
checked against every write the load users were told was done: nothing lost, nothing doubled.

(a) embedded: one ``reciprocity serve`` on a fresh SQLite file in a temporary directory,
development keys, background jobs on, as ``make run`` runs it.
(b) scale-out: ``ops.stack.Stack`` on free ports with a fresh PostgreSQL database: app workers
behind nginx, Redis for sessions and throttles, an outbox worker.

Targets: scale-out throughput >= 1.3x the embedded default's; every participant page's p95
under 300 ms on the embedded default; 0 lost writes, 0 duplicated payments and 0 5xx answers
in both. The machine has 2 cores, shared by the load generator and every server.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks import harness
from benchmarks.load_run import (
    BIN,
    USERS,
    Figures,
    check,
    prepare,
    run_locust,
    run_step,
    wait_ready,
)
from ops.stack import Stack, StackConfig, free_port_base

DURATION_S = int(os.environ.get("LOAD_DURATION_S", "45"))
APP_WORKERS = int(os.environ.get("LOAD_APP_WORKERS", "2"))
RATIO_TARGET = 1.3
PAGE_P95_LIMIT_MS = 300.0


def main() -> bool:
    """Run both configurations one after the other; True when every target is met."""
    harness.print_header(
        "Load: embedded default vs scale-out stack, mixed workload",
        *harness.machine_lines(),
        f"closed loop, no think time: {_users()} for {DURATION_S} s per configuration",
    )
    with tempfile.TemporaryDirectory(prefix="reciprocity-load-") as tmp:
        embedded = _embedded(Path(tmp) / "embedded")
        scaled = _scale_out(Path(tmp) / "scale")
    return _report(embedded, scaled)


def _users() -> str:
    return ", ".join(f"{n} {k.removeprefix('LOAD_').lower()}" for k, n in USERS.items())


def _embedded(work: Path) -> Figures:
    work.mkdir(parents=True)
    port = free_port_base(1)
    url = f"http://127.0.0.1:{port}"
    env = _embedded_env(work, url)
    run_step([str(BIN / "reciprocity"), "migrate"], env, "reciprocity migrate", work / "setup.log")
    state = prepare(env, work)
    with _serving(env, port, work / "serve.log") as server:
        wait_ready(url)
        figures = run_locust("embedded (1 process, SQLite)", url, state, work, DURATION_S, [server])
    check(env, work, figures)
    return figures


def _embedded_env(work: Path, url: str) -> dict[str, str]:
    """``make run``'s settings on a throwaway directory; nothing inherited points elsewhere."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("RECIPROCITY_") and name not in {"DATABASE_URL", "REDIS_URL"}
    }
    return {
        **inherited,
        "RECIPROCITY_ENVIRONMENT": "development",
        "RECIPROCITY_VAR_DIR": str(work / "var"),
        "RECIPROCITY_MAIL_DIR": str(work / "mail"),
        "RECIPROCITY_PUBLIC_URL": url,
    }


@contextmanager
def _serving(env: dict[str, str], port: int, log: Path) -> Iterator[int]:
    """One ``reciprocity serve`` process, stopped (SIGTERM, then SIGKILL) however we leave."""
    argv = [str(BIN / "reciprocity"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _scale_out(work: Path) -> Figures:
    work.mkdir(parents=True)
    name = f"reciprocity_load_{secrets.token_hex(4)}"
    config = StackConfig(
        run_dir=work / "stack",
        port=free_port_base(1 + APP_WORKERS),
        app_workers=APP_WORKERS,
        outbox_workers=1,
        database_url=f"postgresql://postgres@127.0.0.1:5432/{name}",
    )
    stack = Stack(config)
    try:
        stack.up(fresh=True)
        env = stack.env()
        state = prepare(env, work)
        wait_ready(stack.url)
        label = f"scale-out ({APP_WORKERS} workers, nginx, PostgreSQL, Redis)"
        apps = [pid for name, pid, _ in stack.status() if name.startswith("app-") and pid]
        figures = run_locust(label, stack.url, state, work, DURATION_S, apps)
        check(env, work, figures)
    finally:
        stack.down()
        stack.drop_database()
    return figures


def _report(embedded: Figures, scaled: Figures) -> bool:
    print(f"   {'':<44} {'embedded':>12} {'scale-out':>12}")
    rows: list[tuple[str, Callable[[Figures], str]]] = [
        ("requests", lambda f: f"{f.requests:,}"),
        ("throughput (req/s)", lambda f: f"{f.rate:,.1f}"),
        ("p50 / p95 / p99 (ms)", lambda f: f"{f.p50:.0f}/{f.p95:.0f}/{f.p99:.0f}"),
        ("errors (failed requests)", lambda f: f"{f.failures}"),
        ("app processes' CPU (cores busy)", lambda f: f"{f.server_cpu:.2f}"),
        (
            "requests per app CPU second",
            lambda f: f"{f.rate / f.server_cpu:.0f}" if f.server_cpu else "-",
        ),
        ("whole machine busy (all processes)", lambda f: f"{f.machine_busy:.0%}"),
        ("5xx answers", lambda f: f"{f.server_errors}"),
        ("lost or doubled writes (problems)", lambda f: f"{len(f.problems)}"),
    ]
    for label, pick in rows:
        print(f"   {label:<44} {pick(embedded):>12} {pick(scaled):>12}")
    print("   p95 (ms) and requests per page or call:")
    for name in sorted(set(embedded.per_name) | set(scaled.per_name)):
        mine = [f.per_name.get(name, (0, 0.0)) for f in (embedded, scaled)]
        cells = [f"{p95:>6.0f} ({n:>5})" for n, p95 in mine]
        print(f"   {name:<44} {cells[0]:>12} {cells[1]:>12}")
    for figures in (embedded, scaled):
        for line in figures.problems + figures.failure_lines:
            print(f"   {figures.name}: {line}")
    print(
        "   confirmed writes checked (embedded / scale-out): "
        + ", ".join(
            f"{k} {embedded.counts.get(k, 0)}/{scaled.counts.get(k, 0)}" for k in embedded.counts
        )
    )
    return _verdicts(embedded, scaled)


def _verdicts(embedded: Figures, scaled: Figures) -> bool:
    ratio = scaled.rate / embedded.rate if embedded.rate else 0.0
    met = [harness.print_target("scale-out / embedded throughput", ratio, RATIO_TARGET)]
    pages = {n: p95 for n, (_, p95) in embedded.per_name.items() if n.startswith("participant")}
    worst = max(pages, key=lambda n: pages[n]) if pages else "none"
    slowest = pages.get(worst, 0.0)
    ok = bool(pages) and slowest < PAGE_P95_LIMIT_MS
    print(
        f"   TARGET participant page p95 on embedded < {PAGE_P95_LIMIT_MS:.0f} ms: "
        f"{slowest:.0f} ms ({worst}) {'met' if ok else 'MISSED'}"
    )
    met.append(ok)
    for figures in (embedded, scaled):
        clean = not figures.problems and figures.server_errors == 0
        print(
            f"   TARGET {figures.name}: 0 lost writes, 0 duplicated payments, 0 5xx: "
            f"{'met' if clean else 'MISSED'}"
        )
        met.append(clean)
    return all(met)


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
