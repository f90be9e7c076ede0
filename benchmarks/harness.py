"""Shared helpers: grouped alternating rounds, per-round ratios and the printed report.

Contenders are grouped with the baseline they are compared with. In every round each group
runs its contenders back to back, in an order that rotates from round to round, so a contender
and its baseline are measured seconds apart under the same conditions. The figure a target uses
is the MEDIAN OF THE PER-ROUND RATIOS: a burst of noise (a slow fsync, another process) spoils a
round or two and cannot decide a result on its own.
"""

from __future__ import annotations

import gc
import os
import platform
import sqlite3
import statistics
import tempfile
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


@dataclass
class Group:
    """Contenders measured back to back in each round; the first one is their baseline."""

    contenders: dict[str, Contender]
    ops: int
    warmup: int


async def alternate(
    contenders: dict[str, Contender], *, rounds: int, ops: int, warmup: int
) -> dict[str, Result]:
    """One group: warm every contender up, then time ``rounds`` rounds of ``ops`` operations."""
    return await alternate_groups([Group(contenders, ops, warmup)], rounds=rounds)


async def alternate_groups(groups: list[Group], *, rounds: int) -> dict[str, Result]:
    """Warm everything up, then run ``rounds`` rounds; each round runs every group in turn."""
    for group in groups:
        for run in group.contenders.values():
            await run(group.warmup)
    _freeze_heap()
    results = {name: Result(name) for group in groups for name in group.contenders}
    for round_no in range(rounds):
        for group in groups:
            names = list(group.contenders)
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                results[name].rates.append(await _timed_rate(group.contenders[name], group.ops))
    return results


def _freeze_heap() -> None:
    """Move set-up objects out of the collector's reach: a full collection then takes
    microseconds instead of ~50 ms, and the collection before each round stays cheap."""
    gc.collect()
    gc.freeze()


async def _timed_rate(run: Contender, ops: int) -> float:
    gc.collect()  # start every round from the same heap state, outside the timed part
    started = time.perf_counter()
    await run(ops)
    return ops / (time.perf_counter() - started)


def round_ratios(result: Result, baseline: Result) -> list[float]:
    """Rate ratios of the same round, measured seconds apart under the same conditions."""
    return [mine / theirs for mine, theirs in zip(result.rates, baseline.rates, strict=True)]


def ratio(result: Result, baseline: Result) -> float:
    """The figure the targets use: the median of the per-round rate ratios."""
    return statistics.median(round_ratios(result, baseline))


def time_ratio(result: Result, baseline: Result) -> float:
    """The same, as time per operation: how many times longer ``result`` takes."""
    return statistics.median([1 / r for r in round_ratios(result, baseline)])


def print_header(title: str, *details: str) -> None:
    print(f"\n== {title}")
    for detail in details:
        print(f"   {detail}")


def print_row(result: Result, baseline: Result, unit: str, *, as_time: bool = False) -> None:
    """One contender: median rate, time per operation, and its ratio to the baseline with the
    range of the per-round ratios; ``as_time`` gives the ratio as time taken, not rate."""
    per_op_us = 1e6 / result.median
    print(
        f"   {result.name:<44} {result.median:>9,.0f} {unit}/s {per_op_us:>8.1f} us/{unit} "
        f"{_versus(result, baseline, as_time=as_time)}"
    )


def _versus(result: Result, baseline: Result, *, as_time: bool) -> str:
    if result is baseline:
        return "  baseline"
    ratios = round_ratios(result, baseline)
    if as_time:
        ratios = sorted(1 / r for r in ratios)
        figure = time_ratio(result, baseline)
        return f"{figure:>5.2f}x the time  (rounds: {ratios[0]:.2f}-{ratios[-1]:.2f}x)"
    figure = ratio(result, baseline)
    return f"{figure:>5.2f}x  (rounds: {min(ratios):.2f}-{max(ratios):.2f}x)"


def print_target(label: str, value: float, target: float) -> bool:
    """Print the verdict on an at-least target and return whether it was met."""
    met = value >= target
    print(f"   TARGET {label} >= {target:.2f}x: {value:.2f}x {'met' if met else 'MISSED'}")
    return met


def print_limit(label: str, value: float, limit: float) -> bool:
    """Print the verdict on an at-most target (a time ratio) and return whether it was met."""
    met = value <= limit
    print(f"   TARGET {label} <= {limit:.2f}x: {value:.2f}x {'met' if met else 'MISSED'}")
    return met


def machine_lines() -> list[str]:
    """What the figures were measured on; ratios travel between machines, rates do not."""
    packages = ("litestar", "piccolo", "aiosqlite", "httpx", "cryptography")
    versions = ", ".join(f"{p} {version(p)}" for p in packages)
    return [
        f"cores: {len(os.sched_getaffinity(0))} (nproc), CPU: {_cpu_model()}",
        f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, {versions}",
        f"temp dir filesystem: {_filesystem_of(Path(tempfile.gettempdir()))}",
        "load average at start (1/5/15 min): " + " ".join(f"{x:.2f}" for x in os.getloadavg()),
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
