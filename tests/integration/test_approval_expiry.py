"""An approval that comes after its deadline counts for nothing: the timer has denied the
change, the late decision is refused, and the audit log records the automatic denial."""

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.apphost import AppHost


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    host = AppHost(tmp_path_factory.mktemp("expiry"), enforce_keys=False, settings={"APPROVAL_TIMEOUT_SECONDS": "1"})
    host.wait_ready()
    with httpx.Client(base_url=host.url + "/api/", timeout=30) as client:
        yield client
    host.stop()


def test_a_late_approval_is_refused_after_the_automatic_denial(api: httpx.Client):
    started = api.post("coordinator/orchestrate", json={"query": "Update ticket TCK-10002 to resolved"})
    workflow_id = started.json()["workflow_id"]
    deadline = time.monotonic() + 30
    body = {}
    while time.monotonic() < deadline:
        body = api.get(f"coordinator/workflows/{workflow_id}").json()
        if body.get("runtime_status") == "Completed":
            break
        time.sleep(0.2)
    answer = body["result"]["answer"]
    assert "Changes not made" in answer
    assert "update_ticket(ticket_id='TCK-10002', status='resolved')" in answer
    assert "timed out" in answer
    late = api.post(f"coordinator/workflows/{workflow_id}/approval", json={"approved": True, "approver": "late@example.com"})
    assert late.status_code == 409
    assert late.json()["error"] == "conflict"
    audit = api.get("manage/audit").json()["records"]
    assert any(r["action"] == "auto_denied" and r["target"] == workflow_id for r in audit)
