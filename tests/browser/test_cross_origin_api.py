"""A browser app on another origin calls the API in headless Chromium: devhost serves the
coordinator app with that origin in CORS_ALLOWED_ORIGINS (and no `Host.CORS`, as in Azure);
the page starts a workflow with a JSON POST (so Chromium sends a preflight first), reads the
202's Location and Retry-After and follows Location. A page on an unlisted origin is refused
before its POST is sent."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page

from devhost.host.server import DevHost
from tests.browser.coordinator_host import base_url, coordinator_host
from tests.services import free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")

# Pages are served from loopback, as the API is: Chromium refuses a page it does not know to be
# on loopback any request to a loopback address, whatever CORS says.
LISTED_PORT, UNLISTED_PORT = free_port(), free_port()
LISTED = f"http://127.0.0.1:{LISTED_PORT}"
UNLISTED = f"http://127.0.0.1:{UNLISTED_PORT}"
SELF_TEST = {"query": "deployment verification test", "query_type": "system_test"}

START = """async ([url, body]) => {
  try {
    const started = await fetch(url, {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
    });
    const location = started.headers.get("Location");
    const status = await fetch(location);
    return {
      status: started.status, location, retryAfter: started.headers.get("Retry-After"),
      id: (await started.json()).id, followed: status.status, followedId: (await status.json()).instanceId,
    };
  } catch (error) {
    return {refused: String(error)};
  }
}"""


class AppPage(BaseHTTPRequestHandler):
    """An empty HTML page: the document of the browser app."""

    def do_GET(self) -> None:
        body = b"<!doctype html><title>app</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(scope="module", autouse=True)
def app_pages() -> Iterator[None]:
    """The page served on the listed and on the unlisted origin."""
    servers = [
        ThreadingHTTPServer(("127.0.0.1", port), AppPage) for port in (LISTED_PORT, UNLISTED_PORT)
    ]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def host(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevHost]:
    """devhost serving the coordinator app with LISTED as its only CORS origin."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CORS_ALLOWED_ORIGINS", LISTED)
        async with coordinator_host(tmp_path_factory.mktemp("cors-browser")) as devhost:
            yield devhost


async def page_on(browser: Browser, origin: str) -> Page:
    """A page whose document comes from `origin`."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{origin}/")
    return page


async def start_from(browser: Browser, origin: str, host: DevHost) -> dict[str, Any]:
    page = await page_on(browser, origin)
    try:
        url = f"{base_url(host)}/api/orchestrators/coordinator"
        result: dict[str, Any] = await page.evaluate(START, [url, SELF_TEST])
        return result
    finally:
        await page.context.close()


async def test_a_page_on_a_listed_origin_starts_a_run_and_reads_location(
    browser: Browser, host: DevHost
):
    result = await start_from(browser, LISTED, host)

    assert "refused" not in result, result
    assert result["status"] == 202
    assert result["location"].startswith(f"{base_url(host)}/api/instances/")
    assert int(result["retryAfter"]) > 0
    assert result["followed"] in (200, 202)
    assert result["followedId"] == result["id"]


async def test_a_page_on_an_unlisted_origin_is_refused(browser: Browser, host: DevHost):
    result = await start_from(browser, UNLISTED, host)

    assert "Failed to fetch" in result["refused"]
