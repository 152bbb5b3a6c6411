"""MCP tool call latency: the app's client (one session per server, reused) against a new
session per call, in process and over streamable HTTP to a standalone tool server.

Every call is `check_inventory` of the shipped enterprise server; run as
`python -m bench.mcp_bench [--quick]` or as part of `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from mcp import Client

from agents.enterprise.server import create_server
from bench.stats import latency_summary
from core import mcp_client
from core.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
AGENT = "enterprise"
URL_SETTING = "MCP_ENTERPRISE_URL"
TOOL = "check_inventory"
ARGUMENTS = {"sku": "SKU-10001"}
CALLS = {"quick": 50, "full": 300}
WARMUP = 5


async def timed(call: Callable[[], Awaitable[Any]], count: int) -> list[float]:
    """Milliseconds of each of `count` calls, after a few unmeasured ones."""
    for _ in range(WARMUP):
        await call()
    samples = []
    for _ in range(count):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


async def reused_session(count: int) -> dict[str, Any]:
    """The app's client: its sessions are opened once and reused."""
    opened = mcp_client.sessions_opened()

    async def call() -> None:
        result = await mcp_client.call_tool(AGENT, TOOL, ARGUMENTS)
        assert not result.is_error, result.error

    samples = await timed(call, count)
    summary = latency_summary(samples)
    summary["sessions_opened"] = mcp_client.sessions_opened() - opened
    await mcp_client.close_sessions()
    return summary


async def session_per_call(target: Any, count: int) -> dict[str, Any]:
    """A new session (initialize included) for every call, as the client did before."""

    async def call() -> None:
        async with Client(target, cache=None) as client:
            result = await client.call_tool(TOOL, ARGUMENTS)
            assert not result.is_error

    summary = latency_summary(await timed(call, count))
    summary["sessions_opened"] = count + WARMUP
    return summary


def start_standalone_server(port: int) -> subprocess.Popen[bytes]:
    """The enterprise tool server over streamable HTTP, as its module docstring runs it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "agents.enterprise.server", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("the standalone enterprise server did not answer within 30 s")


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run(quick: bool, calls: int | None = None) -> dict[str, Any]:
    """Every measurement, by transport and session mode (`calls` per row, or by `quick`)."""
    # One log line per HTTP request would bury the tables.
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    count = calls or CALLS["quick" if quick else "full"]
    os.environ.pop(URL_SETTING, None)
    get_settings.cache_clear()
    results: dict[str, Any] = {"tool": TOOL, "calls": count}
    results["in-process"] = {
        "reused": await reused_session(count),
        "per_call": await session_per_call(create_server(), count),
    }
    port = free_port()
    server = start_standalone_server(port)
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        os.environ[URL_SETTING] = url
        get_settings.cache_clear()
        results["streamable-http"] = {
            "reused": await reused_session(count),
            "per_call": await session_per_call(url, count),
        }
    finally:
        os.environ.pop(URL_SETTING, None)
        server.terminate()
        server.wait(10)
    return results


def table(results: dict[str, Any]) -> str:
    """The p50/p95 of each transport, reused against per-call sessions."""
    lines = [
        f"{'transport':<16} {'reused p50':>11} {'p95':>8} {'per-call p50':>13} {'p95':>8} "
        f"{'speed-up':>9} {'sessions (reused/per-call)':>27}"
    ]
    for transport in ("in-process", "streamable-http"):
        reused, per_call = results[transport]["reused"], results[transport]["per_call"]
        lines.append(
            f"{transport:<16} {reused['p50_ms']:>9.2f}ms {reused['p95_ms']:>6.2f}ms "
            f"{per_call['p50_ms']:>11.2f}ms {per_call['p95_ms']:>6.2f}ms "
            f"{per_call['p50_ms'] / reused['p50_ms']:>8.1f}x "
            f"{reused['sessions_opened']:>13}/{per_call['sessions_opened']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.mcp_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer calls")
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.quick))
    print(f"== MCP tool calls ({results['calls']} calls of {TOOL} each) ==")
    print(table(results))
    return results


if __name__ == "__main__":
    main()
