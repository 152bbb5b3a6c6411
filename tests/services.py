"""Local servers the tests run against, started from node_modules (see package.json).

`start_cosmosdb_server()` runs @vercel/cosmosdb-server, an in-memory Cosmos DB SQL API
server, on a free loopback port and returns once it answers HTTP. A missing node or
missing package raises `ServiceStartError`: the tests that need a server fail, loudly,
rather than skip (`make node` installs the packages).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_BIN_DIR = REPO_ROOT / "node_modules" / ".bin"
LOOPBACK = "127.0.0.1"
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy

# The Cosmos DB emulator's published key. cosmosdb-server accepts any key; the SDK needs one.
COSMOSDB_SERVER_KEY = (
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
)


class ServiceStartError(RuntimeError):
    """Raised when a local test server cannot be started or never answers."""


@dataclass
class LocalServer:
    """A server process the tests started; `stop()` ends it."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        """The server's base URL, with a trailing slash."""
        return f"http://{LOOPBACK}:{self.port}/"

    def log(self) -> str:
        """Everything the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the process (kill it if it lingers) and remove its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self.log_path.unlink(missing_ok=True)


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def start_node_server(
    name: str,
    args: list[str],
    port: int,
    ready_text: str,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
) -> LocalServer:
    """Start `node_modules/.bin/<name> <args>`, wait until it prints `ready_text` (so it is
    this process that listens, not another on the same port) and `http://127.0.0.1:<port>/`
    answers; raise ServiceStartError when node or the package is missing or it never does."""
    node = shutil.which("node")
    if node is None:
        raise ServiceStartError(f"node is not on PATH; install Node.js to run {name}")
    script = NODE_BIN_DIR / name
    if not script.exists():
        raise ServiceStartError(f"{script} is missing; run `make node` (npm install)")
    log_file = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)  # noqa: SIM115
    with log_file:
        process = subprocess.Popen(
            [node, str(script), *args],
            cwd=REPO_ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=None if env is None else {**os.environ, **env},
            preexec_fn=_terminate_with_parent if sys.platform == "linux" else None,
        )
    server = LocalServer(name=name, port=port, process=process, log_path=Path(log_file.name))
    try:
        _wait_until_answering(server, ready_text, timeout)
    except ServiceStartError:
        server.stop()
        raise
    return server


def start_cosmosdb_server(port: int | None = None, timeout: float = 30.0) -> LocalServer:
    """Start @vercel/cosmosdb-server over plain HTTP on the loopback address.

    Connect with `CosmosClient(server.url, credential=COSMOSDB_SERVER_KEY,
    enable_endpoint_discovery=False)`: the server advertises an https address it does not
    serve. Known gaps: TTL is not enforced, reading a missing item answers 500 rather
    than 404, OFFSET/LIMIT and most transactional batch operations fail.
    """
    port = port or free_port()
    args = ["-p", str(port), "--host", LOOPBACK, "--no-ssl"]
    return start_node_server("cosmosdb-server", args, port, "Ready to accept", timeout)


def start_everything_server(port: int | None = None, timeout: float = 30.0) -> LocalServer:
    """Start @modelcontextprotocol/server-everything, the MCP reference server, over
    streamable HTTP; its endpoint is `server.url + "mcp"`."""
    port = port or free_port()
    return start_node_server(
        "mcp-server-everything",
        ["streamableHttp"],
        port,
        "listening on port",
        timeout,
        env={"PORT": str(port)},
    )


def _terminate_with_parent() -> None:
    # A test run that is killed (timeout, Ctrl-C twice) cannot stop its servers; ask Linux
    # to send them SIGTERM when it dies rather than leave them holding ports.
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _wait_until_answering(server: LocalServer, ready_text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServiceStartError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log()}"
            )
        if ready_text not in server.log():
            time.sleep(0.1)
            continue
        try:
            with _DIRECT.open(server.url, timeout=1.0):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is serving
        except OSError:
            time.sleep(0.1)
    raise ServiceStartError(f"{server.name} did not answer on {server.url} within {timeout}s")


@contextlib.contextmanager
def agent_tool_server(module: str, timeout: float = 30.0) -> Iterator[str]:
    """`python -m <module> --port N` (an agent's tool server run standalone, as documented)
    on a free loopback port; yields its MCP URL once `/health` answers, stops it on exit."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", str(port)],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_terminate_with_parent if sys.platform == "linux" else None,
    )
    try:
        deadline = time.monotonic() + timeout
        health = f"http://{LOOPBACK}:{port}/health"
        while True:
            if process.poll() is not None:
                raise ServiceStartError(f"{module} exited with {process.returncode}")
            try:
                with _DIRECT.open(health, timeout=1):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise ServiceStartError(f"{module} did not answer within {timeout} s") from None
                time.sleep(0.1)
        yield f"http://{LOOPBACK}:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=30)
