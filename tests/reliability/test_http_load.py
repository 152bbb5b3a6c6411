"""1,000 coordinator workflows started at once over HTTP are all accepted and all complete."""

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.apphost import AppHost, running_app

WORKFLOWS = 1000
CONNECTIONS = 64
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def loaded_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    with running_app(tmp_path_factory.mktemp("load"), enforce_keys=False) as host:
        yield host


async def _start(client: httpx.AsyncClient, n: int) -> httpx.Response:
    query = {"query": f"Check order ORD-2025-{n % 50 + 1:05d}", "query_type": "customer_support"}
    return await client.post("/api/orchestrators/coordinator", json=query)


async def _wait_all(client: httpx.AsyncClient, urls: list[str], deadline: float) -> dict[str, int]:
    pending = set(urls)
    outcomes: dict[str, int] = {}
    while pending and time.monotonic() < deadline:
        for url in list(pending)[:200]:
            response = await client.get(url)
            if response.status_code == 200:
                outcomes[response.json()["runtimeStatus"]] = (
                    outcomes.get(response.json()["runtimeStatus"], 0) + 1
                )
                pending.discard(url)
        await asyncio.sleep(0.2)
    outcomes["unfinished"] = len(pending)
    return outcomes


async def test_thousand_concurrent_starts_are_accepted_and_complete(loaded_host: AppHost):
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=loaded_host.url, limits=limits, timeout=120) as client:
        began = time.monotonic()
        responses = await asyncio.gather(
            *(_start(client, n) for n in range(WORKFLOWS)), return_exceptions=True
        )
        accepted_s = time.monotonic() - began
        errors = [r for r in responses if isinstance(r, BaseException) or r.status_code != 202]
        assert not errors, errors[:3]
        urls = [r.json()["statusQueryGetUri"] for r in responses if isinstance(r, httpx.Response)]
        outcomes = await _wait_all(client, urls, time.monotonic() + 600)
        total_s = time.monotonic() - began
    report = {
        "workflows": WORKFLOWS,
        "connections": CONNECTIONS,
        "all_accepted_s": round(accepted_s, 2),
        "all_finished_s": round(total_s, 2),
        "workflows_per_s": round(WORKFLOWS / total_s, 1),
        "outcomes": outcomes,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "http_load_report.json").write_text(json.dumps(report, indent=2))
    print(report)
    assert outcomes.get("Completed") == WORKFLOWS, report
