"""The app under devhost with FUNCTIONS_WORKER_PROCESS_COUNT=2: the coordinator's activities
(model steps, MCP tool calls on the in-process servers) run in a worker process of their own
and a run answers exactly as with one process."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.apphost import AppHost, running_app, tool_results

QUERY = (
    "What is the status of order ORD-2025-00012 for customer CUST-0028, and is SKU-10001 in stock?"
)


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    settings = {"FUNCTIONS_WORKER_PROCESS_COUNT": "2"}
    with running_app(tmp_path_factory.mktemp("workers"), settings=settings) as host:
        yield host


def finished_run(api: httpx.Client, workflow_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = api.get(f"coordinator/workflows/{workflow_id}").json()
        if body["runtime_status"] in ("Completed", "Failed", "Terminated"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def test_a_run_answers_with_its_activities_in_a_worker_process(app_host: AppHost):
    headers = {"x-functions-key": app_host.keys["function"]}
    with httpx.Client(base_url=app_host.url + "/api/", headers=headers, timeout=30) as api:
        started = api.post("coordinator/orchestrate", json={"query": QUERY})
        assert started.status_code in (200, 202), started.text
        workflow_id = started.json()["workflow_id"]
        workflow = finished_run(api, workflow_id)
        calls = tool_results(api, workflow_id, "customer-support", app_host.keys["system"])
    assert workflow["runtime_status"] == "Completed"
    result = workflow["result"]
    assert {a["agent"] for a in result["agents"]} == {"customer-support", "enterprise"}
    assert "get_order for order id ORD-2025-00012 returned ORD-2025-00012" in result["answer"]
    orders = [c["result"] for c in calls if c["tool"] == "get_order"]
    assert [o["order_id"] for o in orders] == ["ORD-2025-00012"]
    ready = [re.search(r"Activity worker process (\d+) is ready", line) for line in app_host.output]
    workers = {int(m.group(1)) for m in ready if m}
    assert len(workers) == 1
    assert app_host.process.pid not in workers
