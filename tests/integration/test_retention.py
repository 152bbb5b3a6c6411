"""The retention timer purges the history of finished workflows past their retention and
leaves running ones alone (run by hand through the host's admin API, as in Azure)."""

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.apphost import AppHost


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    app = AppHost(tmp_path_factory.mktemp("retention"), enforce_keys=False, settings={"HISTORY_RETENTION_DAYS": "0"})
    app.wait_ready()
    yield app
    app.stop()


def status_code(api: httpx.Client, instance_id: str) -> int:
    return api.get(f"/runtime/webhooks/durabletask/instances/{instance_id}").status_code


def test_finished_history_is_purged_and_running_workflows_are_kept(host: AppHost):
    with httpx.Client(base_url=host.url, timeout=30) as api:
        done = api.post("/api/coordinator/orchestrate", json={"query": "health", "query_type": "health"}).json()
        waiting = api.post(
            "/api/coordinator/orchestrate", json={"query": "Check order ORD-2025-00012", "require_approval": True}
        ).json()
        deadline = time.monotonic() + 30
        while status_code(api, done["workflow_id"]) != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status_code(api, done["workflow_id"]) == 200
        assert api.post("/admin/functions/retention_timer", json={"input": ""}).status_code == 202
        deadline = time.monotonic() + 30
        while status_code(api, done["workflow_id"]) != 404 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status_code(api, done["workflow_id"]) == 404
        assert status_code(api, waiting["workflow_id"]) == 202
