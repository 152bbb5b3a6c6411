"""Start devhost in-process for tests and talk to it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from azure.durable_functions.models.utils import http_utils

from devhost.host.server import DevHost, HostOptions

APPS = Path(__file__).resolve().parents[1] / "apps"


@contextlib.asynccontextmanager
async def running_host(
    app: str, hub_dir: Path, *, enforce_keys: bool | None = None, host: str = "127.0.0.1"
) -> AsyncIterator[DevHost]:
    """A started devhost for `tests/apps/<app>` on a free port, stopped on exit."""
    devhost = DevHost(
        HostOptions(
            app_dir=APPS / app, host=host, port=0, hub_dir=hub_dir, enforce_keys=enforce_keys
        )
    )
    await devhost.start()
    try:
        yield devhost
    finally:
        await devhost.stop()
        # The SDK keeps one aiohttp session per process; it belongs to this test's loop.
        await http_utils._close_session()


def base_url(devhost: DevHost) -> str:
    """`http://127.0.0.1:<port>` of a running host."""
    return f"http://127.0.0.1:{devhost.port}"
