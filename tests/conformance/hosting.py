"""Start devhost in-process for tests and talk to it."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

from azure.durable_functions.models.utils import http_utils

from devhost.host.server import DevHost, HostOptions

REPO = Path(__file__).resolve().parents[2]
APPS = REPO / "tests" / "apps"


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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class HostProcess:
    """`python -m devhost start` as a child process, as `make run` starts it."""

    def __init__(self, app: str, hub_dir: Path, port: int, *args: str) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "devhost",
                "start",
                "--app-dir",
                str(APPS / app),
                "--port",
                str(port),
                "--hub-dir",
                str(hub_dir),
                *args,
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Block until the host prints that it listens."""
        deadline = time.monotonic() + timeout
        while not any(line.startswith("Listening on") for line in self.output):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("devhost did not start:\n" + "".join(self.output))
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Send `sig` and wait for the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code
