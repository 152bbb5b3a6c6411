"""Fixtures of the browser tests: devhost serving the coordinator app, a client of its Durable
HTTP API, and Debian's headless Chromium driven by Playwright (no browser download), with a
fresh page per test that fails the test when the page logs an error or throws.

A test module here marks itself `pytest.mark.asyncio(loop_scope="module")`: the host and the
browser live for the module, in its event loop."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, ConsoleMessage, Error, Page, async_playwright, expect

from devhost.host.server import DevHost
from tests.browser.coordinator_host import base_url, coordinator_host

CHROMIUM = shutil.which("chromium")
# Without the background-networking flags Chromium keeps dialling Google's hosts, which a
# machine with a closed network refuses; as root it needs --no-sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
]
VIEWPORT = {"width": 1360, "height": 900}
# A loaded machine renders slowly; Playwright's 5 s default is too short for CI here.
TIMEOUT_MS = 20_000

expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip this folder's tests, with the reason, where Chromium is not installed; in CI
    (`CI` set) they run and fail instead, so a missing browser cannot pass as green."""
    if CHROMIUM is not None or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(skip)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def host(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevHost]:
    """devhost serving the coordinator app for this module."""
    async with coordinator_host(tmp_path_factory.mktemp("monitor-browser")) as devhost:
        yield devhost


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def http(host: DevHost) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the host's HTTP API."""
    async with httpx.AsyncClient(base_url=base_url(host), timeout=30) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Headless Debian Chromium for this module."""
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed (apt-get install chromium); CI runs these tests")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        await chromium.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A page in a fresh browser context; the test fails if the page logged an error."""
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    tab = await context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text}")

    def thrown(error: Error) -> None:
        errors.append(f"exception: {error.message}")

    tab.on("console", console)
    tab.on("pageerror", thrown)
    yield tab
    await context.close()
    assert errors == [], "the page logged errors"
