"""devhost serving the coordinator app (the repository's own `function_app.py`) in-process on
a free port and a temporary hub, with offline settings, and helpers to start and await
workflows through the Durable HTTP API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from azure.durable_functions.models.utils import http_utils

from core.agent_logs import get_agent_log_store
from core.mcp_client import reset_servers
from core.settings import get_settings
from devhost.host.server import DevHost, HostOptions
from tests.apphost import UNSET

REPO = Path(__file__).resolve().parents[2]
WEBHOOK = "/runtime/webhooks/durabletask"
TWO_AGENT_QUERY = (
    "Order ORD-2025-00012 is late: check the order and whether traffic in Shibuya is congested"
)


def clear_caches() -> None:
    """Forget settings, the agent-log store and the tool servers read so far."""
    get_settings.cache_clear()
    get_agent_log_store.cache_clear()
    reset_servers()


@contextlib.asynccontextmanager
async def coordinator_host(tmp: Path, enforce_keys: bool | None = None) -> AsyncIterator[DevHost]:
    """A started devhost for the coordinator app, offline, stopped on exit."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AGENT_LOG_SQLITE_PATH", str(tmp / "agent_logs.sqlite3"))
        env.setenv("BATCH_SWEEP_SCHEDULE", "0 0 0 1 1 *")  # never during a test
        env.setenv("RETENTION_SCHEDULE", "0 0 0 1 1 *")
        env.setenv("DURABLE_TASK_HUB_NAME", "MonitorTestHub")
        for name in UNSET:
            env.delenv(name, raising=False)
        clear_caches()
        options = HostOptions(app_dir=REPO, port=0, hub_dir=tmp / "hub", enforce_keys=enforce_keys)
        host = DevHost(options)
        await host.start()
        try:
            yield host
        finally:
            await host.stop()
            # The SDK keeps one aiohttp session per process; it belongs to this loop.
            await http_utils._close_session()
            clear_caches()


def base_url(host: DevHost) -> str:
    """`http://127.0.0.1:<port>` of a running host."""
    return f"http://127.0.0.1:{host.port}"


async def start_coordinator(http: httpx.AsyncClient, **request: Any) -> str:
    """Start a coordinator run through the Durable HTTP API; returns its instance id."""
    answer = await http.post(f"{WEBHOOK}/orchestrators/coordinator", json=request)
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


async def start_orchestration(http: httpx.AsyncClient, name: str, payload: Any) -> str:
    """Start any orchestration with a JSON input; returns its instance id."""
    answer = await http.post(f"{WEBHOOK}/orchestrators/{name}", json=payload)
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


async def status_of(http: httpx.AsyncClient, instance_id: str) -> dict[str, Any]:
    """The instance's status JSON from the Durable HTTP API."""
    answer = await http.get(f"{WEBHOOK}/instances/{instance_id}")
    assert answer.status_code in (200, 202), answer.text
    return dict(answer.json())


async def wait_until(
    http: httpx.AsyncClient,
    instance_id: str,
    *,
    status: set[str] | None = None,
    phase: str | None = None,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Poll until the instance has one of `status` (default: any finished one) or, when
    given, the custom status `phase`."""
    wanted = status or {"Completed", "Failed", "Terminated"}
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        current = await status_of(http, instance_id)
        custom = current.get("customStatus")
        at_phase = isinstance(custom, dict) and custom.get("phase") == phase
        if (phase is not None and at_phase) or (
            phase is None and current["runtimeStatus"] in wanted
        ):
            return current
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{instance_id} did not get there: {current}")
        await asyncio.sleep(0.05)


async def waiting_workflow(http: httpx.AsyncClient) -> str:
    """A coordinator run whose approval sub-orchestration waits for a decision."""
    instance_id = await start_coordinator(http, query=TWO_AGENT_QUERY, require_approval=True)
    await wait_until(http, instance_id, phase="awaiting_approval")
    await wait_until(http, f"{instance_id}:approval", status={"Running"})
    return instance_id
