"""A small Chrome DevTools Protocol driver for Debian's headless Chromium: launch it with a
fresh profile, open a page, evaluate JavaScript, click and type like a user, take
screenshots, and collect the page's console errors and uncaught exceptions.

It speaks CDP over the page's WebSocket with aiohttp, which the app already depends on, so
the browser tests need no driver package and no browser download."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
CHROMIUM_FLAGS = (
    "--headless",
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
)
KEYS = {
    "Tab": ("Tab", 9),
    "Enter": ("Enter", 13),
    "Escape": ("Escape", 27),
    "Space": (" ", 32),
    "ArrowLeft": ("ArrowLeft", 37),
    "ArrowRight": ("ArrowRight", 39),
}


def find_chromium() -> str | None:
    """The path of a Chromium executable, or None."""
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BrowserError(Exception):
    """Raised when the browser cannot be driven or a page script throws."""


class Page:
    """One tab, driven over its DevTools WebSocket."""

    def __init__(self, socket_: aiohttp.ClientWebSocketResponse) -> None:
        self._socket = socket_
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._events: dict[str, list[asyncio.Future[dict[str, Any]]]] = {}
        self.errors: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self._socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "id" in data and data["id"] in self._waiting:
                self._waiting.pop(data["id"]).set_result(data)
                continue
            method, params = data.get("method", ""), data.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = details.get("exception", {}).get("description") or details.get("text")
                self.errors.append(f"exception: {text}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                self.errors.append(
                    "console: " + " ".join(str(a.get("value")) for a in params["args"])
                )
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                self.errors.append(f"log: {params['entry'].get('text')}")
            for future in self._events.pop(method, []):
                if not future.done():
                    future.set_result(params)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a CDP method and return its result."""
        number = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[number] = future
        await self._socket.send_str(json.dumps({"id": number, "method": method, "params": params}))
        answer = await asyncio.wait_for(future, 30)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        return dict(answer.get("result", {}))

    def _next(self, event: str) -> asyncio.Future[dict[str, Any]]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._events.setdefault(event, []).append(future)
        return future

    async def setup(self, width: int, height: int) -> None:
        """Turn on the events the driver reads and set the viewport."""
        for domain in ("Page", "Runtime", "Log"):
            await self.send(f"{domain}.enable")
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    async def goto(self, url: str) -> None:
        """Load `url` and wait for its load event (a change of the fragment alone does not
        load anything: it returns at once)."""
        loaded = self._next("Page.loadEventFired")
        started = await self.send("Page.navigate", url=url)
        if "errorText" in started:
            raise BrowserError(f"cannot open {url}: {started['errorText']}")
        if "loaderId" not in started:
            loaded.cancel()
            return
        await asyncio.wait_for(loaded, 30)

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises awaited)."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    async def wait_for(self, expression: str, timeout: float = 20.0) -> None:
        """Poll until `expression` is truthy (in JavaScript's sense)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if await self.evaluate(f"!!({expression})"):
                return
            if asyncio.get_running_loop().time() > deadline:
                raise BrowserError(f"timed out waiting for {expression}")
            await asyncio.sleep(0.1)

    async def click(self, selector: str) -> None:
        """Scroll to the element and click its centre with the mouse, as a user does."""
        box = await self.evaluate(
            f"""(() => {{
              const el = document.querySelector({json.dumps(selector)});
              if (!el) return null;
              el.scrollIntoView({{block: "center"}});
              const r = el.getBoundingClientRect();
              return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
            }})()"""
        )
        if not box:
            raise BrowserError(f"no element matches {selector}")
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box["x"],
                y=box["y"],
                button="left",
                clickCount=1,
            )

    async def type_text(self, text: str) -> None:
        """Type into the focused element."""
        await self.send("Input.insertText", text=text)

    async def press(self, key: str, shift: bool = False) -> None:
        """Press and release a key (`Tab`, `Enter`, `Escape`, `Space`, arrows)."""
        name, code = KEYS[key]
        common = {
            "key": name,
            "code": "Space" if key == "Space" else name,
            "windowsVirtualKeyCode": code,
            "modifiers": 8 if shift else 0,
        }
        text = {"Enter": "\r", "Space": " "}.get(key)
        down = {"type": "keyDown", "text": text} if text else {"type": "rawKeyDown"}
        await self.send("Input.dispatchKeyEvent", **down, **common)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    async def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """Save a PNG of the page (all of it when `full_page`)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = await self.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": size["height"],
                "scale": 1,
            }
            params["captureBeyondViewport"] = True
        shot = await self.send("Page.captureScreenshot", **params)
        await asyncio.to_thread(_write, path, base64.b64decode(shot["data"]))
        return path

    async def close(self) -> None:
        """Close the WebSocket and stop reading."""
        await self._socket.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


@contextlib.asynccontextmanager
async def chromium_page(
    executable: str, width: int = 1360, height: int = 900
) -> AsyncIterator[Page]:
    """Headless Chromium with a fresh profile, and its first tab; all removed on exit."""
    profile = Path(tempfile.mkdtemp(prefix="monitor-chromium-"))
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        executable,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--remote-debugging-port={port}",
        "--remote-debugging-address=127.0.0.1",
        f"--window-size={width},{height}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with aiohttp.ClientSession() as http:
            target = await _page_target(http, port, process)
            async with http.ws_connect(target, max_msg_size=0) as socket_:
                page = Page(socket_)
                await page.setup(width, height)
                try:
                    yield page
                finally:
                    await page.close()
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
        shutil.rmtree(profile, ignore_errors=True)


async def _page_target(
    http: aiohttp.ClientSession, port: int, process: asyncio.subprocess.Process
) -> str:
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        if process.returncode is not None:
            raise BrowserError(f"chromium exited with {process.returncode}")
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"http://127.0.0.1:{port}/json/list") as answer:
                targets = await answer.json()
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return str(pages[0]["webSocketDebuggerUrl"])
        if asyncio.get_running_loop().time() > deadline:
            raise BrowserError("chromium's DevTools endpoint did not come up")
        await asyncio.sleep(0.1)
