"""Run every ``benchmarks/bench_*.py``; exit non-zero when any of them misses its target.

Each module exposes ``main() -> bool``: it prints its own figures (ratios against a baseline
measured in the same run, plus absolute rates) and returns whether its target was met. Each
runs in its own interpreter, so one cannot leave logging set-up, threads or a warm heap behind
for the next. ``python -m benchmarks bench_sqlite`` (or ``sqlite``) runs a single one. Modules
without the ``bench_`` prefix (``harness``, ``population``) are helpers and are not run. The
load test (``bench_load``: minutes long, and it needs PostgreSQL, Redis and nginx) runs only when
named: ``make load``.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import time

import benchmarks
from benchmarks import harness

ONLY_WHEN_NAMED = frozenset({"bench_load"})


def discover() -> list[str]:
    """Every benchmark module in this package, in name order, so new ones need no registration."""
    modules = pkgutil.iter_modules(benchmarks.__path__)
    return sorted(m.name for m in modules if m.name.startswith("bench_"))


def run_one(name: str) -> int:
    """Run one benchmark in this process; exit code 0 when its target was met."""
    module = importlib.import_module(f"benchmarks.{name}")
    return 0 if module.main() else 1


def run_all() -> int:
    print("Reciprocity benchmarks")
    for line in harness.machine_lines():
        print(f"   {line}")
    started = time.perf_counter()
    codes = {}
    for name in (n for n in discover() if n not in ONLY_WHEN_NAMED):
        sys.stdout.flush()
        command = [sys.executable, "-m", "benchmarks", name]  # our interpreter, our module names
        codes[name] = subprocess.run(command, check=False).returncode  # noqa: S603
    print(f"\n== Summary ({time.perf_counter() - started:.0f}s)")
    for name, code in codes.items():
        verdict = {0: "target met", 1: "TARGET MISSED"}.get(code, f"FAILED (exit {code})")
        print(f"   {name:<14} {verdict}")
    return 0 if not any(codes.values()) else 1


def main(argv: list[str]) -> int:
    if not argv:
        return run_all()
    name = argv[0] if argv[0].startswith("bench_") else f"bench_{argv[0]}"
    if name not in discover():
        print(f"unknown benchmark {argv[0]!r}; known: {', '.join(discover())}", file=sys.stderr)
        return 2
    return run_one(name)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
