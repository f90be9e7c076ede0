"""Shared helpers: alternating timed rounds, medians, ratios and the printed report.

Contenders run in alternating rounds (the order rotates each round) and are compared by their
median rate, so a burst of noise on a small shared machine hits every contender about equally
and cannot decide a result on its own.
"""

from __future__ import annotations

import gc
import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

Contender = Callable[[int], Awaitable[None]]
"""Performs ``n`` operations; the harness times the whole call."""


@dataclass
class Result:
    """Rates (operations per second) of one contender, one per round."""

    name: str
    rates: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.rates)


async def alternate(
    contenders: dict[str, Contender], *, rounds: int, ops: int, warmup: int
) -> dict[str, Result]:
    """Warm every contender up, then time ``rounds`` rounds of ``ops`` operations each."""
    for run in contenders.values():
        await run(warmup)
    names = list(contenders)
    results = {name: Result(name) for name in names}
    for round_no in range(rounds):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].rates.append(await _timed_rate(contenders[name], ops))
    return results


async def _timed_rate(run: Contender, ops: int) -> float:
    gc.collect()  # start every round from the same heap state, outside the timed part
    started = time.perf_counter()
    await run(ops)
    return ops / (time.perf_counter() - started)


def round_ratios(result: Result, baseline: Result) -> list[float]:
    """Per-round ratios; their spread shows how much to trust the ratio of the medians."""
    return [mine / theirs for mine, theirs in zip(result.rates, baseline.rates, strict=True)]


def ratio(result: Result, baseline: Result) -> float:
    """The figure the targets use: median rate over the baseline's median rate."""
    return result.median / baseline.median


def print_header(title: str, detail: str) -> None:
    print(f"\n== {title}")
    print(f"   {detail}")


def print_row(result: Result, baseline: Result, unit: str) -> None:
    """One contender: median rate, time per operation, ratio and its per-round spread."""
    ratios = round_ratios(result, baseline)
    per_op_us = 1e6 / result.median
    spread = f"rounds {min(ratios):.2f}-{max(ratios):.2f}x" if result is not baseline else ""
    print(
        f"   {result.name:<34} {result.median:>9,.0f} {unit}/s "
        f"{per_op_us:>8.1f} us/{unit}  {ratio(result, baseline):>5.2f}x  {spread}"
    )


def print_target(label: str, value: float, target: float) -> bool:
    """Print the verdict on one target and return whether it was met."""
    met = value >= target
    print(f"   target: {label} >= {target:.2f}x -> {value:.2f}x {'MET' if met else 'MISSED'}")
    return met


def machine_lines() -> list[str]:
    """What the figures were measured on; ratios travel between machines, rates do not."""
    versions = ", ".join(f"{p} {version(p)}" for p in ("litestar", "piccolo", "aiosqlite"))
    return [
        f"cores: {len(os.sched_getaffinity(0))} (nproc), CPU: {_cpu_model()}",
        f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, {versions}",
        f"temp dir filesystem: {_filesystem_of(Path(os.environ.get('TMPDIR', '/tmp')))}",
    ]


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _filesystem_of(path: Path) -> str:
    """The mount holding ``path``: fsync cost, which dominates durable writes, depends on it."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    resolved = str(path.resolve())
    matches = [m for m in mounts if resolved == m[0] or resolved.startswith(m[0].rstrip("/") + "/")]
    if not matches:
        return "unknown"
    mount_point, fs_type = max(matches, key=lambda m: len(m[0]))
    return f"{fs_type} (mounted on {mount_point})"
