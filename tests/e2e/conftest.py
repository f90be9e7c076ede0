"""A real browser against the real service: Debian's Chromium driven by Playwright, axe-core on top.

The service runs as ``reciprocity serve`` in its own process on a free port (a fresh SQLite
database), exactly as an operator starts it. Playwright never downloads a browser: it drives
``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.conftest import TEST_SECRET
from tests.support.smtp import CapturingSMTPServer, _free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
RECIPROCITY = str(Path(sys.executable).with_name("reciprocity"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def mailbox() -> Iterator[CapturingSMTPServer]:
    """The SMTP server the live service sends to, for the whole session."""
    server = CapturingSMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_env(
    tmp_path_factory: pytest.TempPathFactory, mailbox: CapturingSMTPServer
) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("live")
    port = _free_port()
    return {
        "PORT": str(port),
        "RECIPROCITY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PATH": os.environ["PATH"],
        "RECIPROCITY_ENVIRONMENT": "development",
        "RECIPROCITY_VAR_DIR": str(tmp),
        "RECIPROCITY_SECRET_KEY": TEST_SECRET,
        "RECIPROCITY_SMTP_HOST": mailbox.host,
        "RECIPROCITY_SMTP_PORT": str(mailbox.port),
        "RECIPROCITY_OUTBOX_POLL_S": "0.2",
    }


def reciprocity(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [RECIPROCITY, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def live_server(live_env: dict[str, str]) -> Iterator[str]:
    """``reciprocity serve`` on a free port, migrated, with demo data; stopped after the session."""
    env = live_env
    tmp = Path(env["RECIPROCITY_VAR_DIR"])
    port = int(env["PORT"])
    for step in (["migrate"], ["demo", "--if-empty"]):
        reciprocity(env, *step)
    log = (tmp / "serve.log").open("w")
    server = subprocess.Popen(
        [RECIPROCITY, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _wait_until_ready(base_url: str, server: subprocess.Popen[bytes]) -> None:
    """Poll the readiness probe (a condition, not a guess) for up to 30 seconds."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"reciprocity serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("reciprocity serve did not become ready within 30 seconds")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does).")
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh page at a phone and at a desktop size; fails the test on any CSP violation."""
    context = browser.new_context(
        base_url=live_server,
        viewport=VIEWPORTS[request.param],
        locale="en-GB",  # type: ignore[arg-type]
    )
    tab = context.new_page()
    refused: list[str] = []
    tab.on(
        "console",
        lambda message: refused.append(message.text) if "Refused to" in message.text else None,
    )
    yield tab
    context.close()
    assert refused == [], f"Content-Security-Policy blocked something: {refused}"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-results/screenshots for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOTS / f"{name}-{width}px.png"
    page.screenshot(path=str(path), full_page=True)
    return path
