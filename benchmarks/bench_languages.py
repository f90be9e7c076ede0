"""Languages: the public list of ways to take part in Welsh and in Arabic versus in English.

The same page (two open opportunities) through the whole app and the same in-process client,
chosen by the ``lang`` cookie. English is the baseline: it runs the same templates, whose
``_()`` calls return the English text, so the ratio is what a catalogue lookup, CLDR dates and
the right-to-left attributes cost. Target: a translated page keeps 90% of English's throughput.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import httpx

from app.factory import create_app
from app.migrations import migrate
from benchmarks import harness
from benchmarks.bench_http import _access_log_to_devnull, _client, _settings
from tests.participation.recruiting import published

PATH = "/take-part"
ROUNDS, REQUESTS, WARMUP = 20, 100, 100
TARGET = 0.9
ENGLISH, WELSH, ARABIC = "English", "Welsh (cy)", "Arabic (ar, right to left)"
CODES = {ENGLISH: "en", WELSH: "cy", ARABIC: "ar"}


def main() -> bool:
    """Run the benchmark; True when both translated pages keep 90% of English's throughput."""
    return asyncio.run(_run())


async def _run() -> bool:
    with tempfile.TemporaryDirectory(prefix="reciprocity-bench-") as tmp:
        app = create_app(_settings(Path(tmp)))
        with _access_log_to_devnull():
            async with app.lifespan():
                await migrate()
                await _two_open_opportunities()
                clients = {name: _client(app) for name in CODES}
                for name, client in clients.items():
                    client.cookies.set("lang", CODES[name])
                    await _check(client, CODES[name])
                group = harness.Group(
                    {name: _driver(client) for name, client in clients.items()},
                    ops=REQUESTS,
                    warmup=WARMUP,
                )
                results = await harness.alternate_groups([group], rounds=ROUNDS)
                for client in clients.values():
                    await client.aclose()
    return _report(results)


async def _two_open_opportunities() -> None:
    await published()
    await published(title="Write the questions we ask providers about safe accommodation")


async def _check(client: httpx.AsyncClient, code: str) -> None:
    """Refuse to time a page that is not in the language it claims, or not there at all."""
    response = await client.get(PATH)
    expected = f'<html lang="{"en-GB" if code == "en" else code}"'
    if response.status_code != 200 or expected not in response.text:
        raise RuntimeError(f"GET {PATH} in {code} answered {response.status_code}")


def _driver(client: httpx.AsyncClient) -> harness.Contender:
    async def run(n: int) -> None:
        for _ in range(n):
            if (await client.get(PATH)).status_code != 200:
                raise RuntimeError(f"GET {PATH} failed")

    return run


def _report(results: dict[str, harness.Result]) -> bool:
    harness.print_header(
        f"Languages: GET {PATH} (2 open opportunities) in Welsh and Arabic vs English",
        f"in-process, {ROUNDS} alternating rounds x {REQUESTS} requests per language",
    )
    for name in CODES:
        harness.print_row(results[name], results[ENGLISH], "req")
    welsh = harness.ratio(results[WELSH], results[ENGLISH])
    arabic = harness.ratio(results[ARABIC], results[ENGLISH])
    met_welsh = harness.print_target("Welsh / English", welsh, TARGET)
    met_arabic = harness.print_target("Arabic / English", arabic, TARGET)
    return met_welsh and met_arabic
