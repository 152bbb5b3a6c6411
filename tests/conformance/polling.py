"""Wait for an orchestration over HTTP the way a client of the async HTTP API does."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

WEBHOOK = "/runtime/webhooks/durabletask"


async def start(
    http: httpx.AsyncClient, name: str, payload: Any = None, instance_id: str = ""
) -> str:
    """Start `name` through the webhook API and return its instance id."""
    path = f"{WEBHOOK}/orchestrators/{name}" + (f"/{instance_id}" if instance_id else "")
    response = await http.post(path, json=payload) if payload is not None else await http.post(path)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def poll(http: httpx.AsyncClient, url: str, timeout: float = 10.0) -> httpx.Response:
    """GET `url` until it stops answering 202, then return that response."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await http.get(url)
        if response.status_code != 202:
            return response
        assert asyncio.get_running_loop().time() < deadline, f"still running: {response.text}"
        await asyncio.sleep(0.05)


async def finished(
    http: httpx.AsyncClient, instance_id: str, timeout: float = 10.0
) -> dict[str, Any]:
    """The status of `instance_id` once it is no longer running."""
    response = await poll(http, f"{WEBHOOK}/instances/{instance_id}", timeout)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def reach_status(
    http: httpx.AsyncClient, instance_id: str, status: str, timeout: float = 10.0
) -> dict[str, Any]:
    """Poll until the instance has `status`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        body: dict[str, Any] = (await http.get(f"{WEBHOOK}/instances/{instance_id}")).json()
        if body.get("runtimeStatus") == status:
            return body
        assert asyncio.get_running_loop().time() < deadline, f"never {status}: {body}"
        await asyncio.sleep(0.05)
