"""The approval gate over real HTTP on devhost: a change request the planner does not flag
waits at the gate; a decision with a tampered digest is refused and audited; an approval event
raised through the Durable webhook with the system key is ignored and audited; `agent_run`
started through the webhook runs no write; an approved call runs once under its approval."""

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.agent_logs import get_agent_log_store
from core.settings import get_settings
from tests.apphost import AppHost
from tests.unit.orchestrations.approvals import count_unapproved_writes

CHANGE = {"query": "Mark support ticket TCK-10002 as resolved, the customer confirmed the fix"}
WEBHOOK = "/runtime/webhooks/durabletask"


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    state = tmp_path_factory.mktemp("gate")
    host = AppHost(state, settings={"APPROVAL_TIMEOUT_SECONDS": "600"})
    host.wait_ready()
    # This process reads the host's agent log to count writes.
    previous = os.environ.get("AGENT_LOG_SQLITE_PATH")
    os.environ["AGENT_LOG_SQLITE_PATH"] = str(Path(state) / "agent_logs.sqlite3")
    get_settings.cache_clear()
    get_agent_log_store.cache_clear()
    yield host
    host.stop()
    if previous is None:
        os.environ.pop("AGENT_LOG_SQLITE_PATH")
    else:
        os.environ["AGENT_LOG_SQLITE_PATH"] = previous
    get_settings.cache_clear()
    get_agent_log_store.cache_clear()


@pytest.fixture(scope="module")
def api(app_host: AppHost) -> Iterator[httpx.Client]:
    headers = {"x-functions-key": app_host.keys["function"]}
    with httpx.Client(base_url=app_host.url + "/api/", headers=headers, timeout=30) as client:
        yield client


def audit(api: httpx.Client, app_host: AppHost, target: str) -> list[dict]:
    answer = api.get("manage/audit", headers={"x-functions-key": app_host.keys["master"]})
    assert answer.status_code == 200, answer.text
    return [r for r in answer.json()["records"] if r["target"] == target]


def wait_for(api: httpx.Client, workflow_id: str, done, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = api.get(f"coordinator/workflows/{workflow_id}").json()
        if done(body):
            return body
        assert time.monotonic() < deadline, f"workflow never got there: {body}"
        time.sleep(0.1)


def unapproved(scenario: str, workflow_id: str) -> int:
    return asyncio.run(count_unapproved_writes(scenario, workflow_id))


def pending(body: dict) -> list[dict]:
    return (body.get("progress") or {}).get("pending_approvals") or []


def start_change(api: httpx.Client) -> tuple[str, dict]:
    started = api.post("coordinator/orchestrate", json=CHANGE)
    assert started.status_code == 202, started.text
    workflow_id = started.json()["workflow_id"]
    body = wait_for(api, workflow_id, pending)
    assert body["progress"]["phase"] == "awaiting_approval"
    return workflow_id, pending(body)[0]


def test_unflagged_change_waits_refuses_a_tampered_digest_and_runs_once_approved(
    api: httpx.Client, app_host: AppHost
):
    workflow_id, call = start_change(api)
    assert (call["agent"], call["tool"]) == ("customer-support", "update_ticket")
    assert call["arguments"] == {"ticket_id": "TCK-10002", "status": "resolved"}

    tampered = api.post(
        f"coordinator/workflows/{workflow_id}/approval",
        json={"approved": True, "approver": "alice", "digest": "e" * 64},
    )
    assert tampered.status_code == 409
    assert tampered.json()["detail"][0]["field"] == "digest"
    refused = [r for r in audit(api, app_host, workflow_id) if r["action"] == "refused"]
    assert refused[0]["actor"] == "alice"
    assert refused[0]["digest"] == call["digest"]

    decision = api.post(
        f"coordinator/workflows/{workflow_id}/approval",
        json={"approved": True, "approver": "alice", "digest": call["digest"]},
    )
    assert decision.status_code == 202, decision.text
    assert decision.json()["approval_instance_id"] == call["approval_id"]
    result = wait_for(api, workflow_id, lambda b: b["runtime_status"] == "Completed")["result"]
    update = next(
        c for a in result["agents"] for c in a["tool_calls"] if c["tool"] == "update_ticket"
    )
    assert update["error"] is None
    records = audit(api, app_host, workflow_id)
    (executed,) = [r for r in records if r["action"] == "write_executed"]
    assert executed["detail"]["approval_id"] == call["approval_id"]
    assert ("alice", "approved") in [(r["actor"], r["action"]) for r in records]
    assert unapproved("change approved over HTTP", workflow_id) == 0


def test_an_event_raised_through_the_webhook_with_the_system_key_is_ignored(
    api: httpx.Client, app_host: AppHost
):
    workflow_id, call = start_change(api)
    forged = {"approved": True, "approver": "mallory", "digest": call["digest"], "proof": "a" * 64}
    raised = httpx.post(
        f"{app_host.url}{WEBHOOK}/instances/{call['approval_id']}/raiseEvent/approval",
        params={"code": app_host.keys["system"]},
        json=forged,
    )
    assert raised.status_code == 202, raised.text
    deadline = time.monotonic() + 20
    while not [r for r in audit(api, app_host, workflow_id) if r["action"] == "ignored"]:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    (ignored,) = [r for r in audit(api, app_host, workflow_id) if r["action"] == "ignored"]
    assert ignored["actor"] == "mallory"
    still = api.get(f"coordinator/workflows/{workflow_id}").json()
    assert [p["approval_id"] for p in pending(still)] == [call["approval_id"]]
    denied = api.post(
        f"coordinator/workflows/{workflow_id}/approval",
        json={"approved": False, "approver": "bob", "comment": "not asked for"},
    )
    assert denied.status_code == 202, denied.text
    result = wait_for(api, workflow_id, lambda b: b["runtime_status"] == "Completed")["result"]
    assert "Changes not made" in result["answer"]
    assert unapproved("webhook event with the system key", workflow_id) == 0


def test_agent_run_started_through_the_webhook_runs_no_write(api: httpx.Client, app_host: AppHost):
    task = {
        "workflow_id": "outside",
        "agent": "customer-support",
        "task": CHANGE["query"],
        "query": CHANGE["query"],
        "query_type": "customer_support",
        "budget_tokens": 20000,
        "max_steps": 3,
        "approval_timeout_seconds": 1,
    }
    started = httpx.post(
        f"{app_host.url}{WEBHOOK}/orchestrators/agent_run/outside-run",
        params={"code": app_host.keys["system"]},
        json=task,
    )
    assert started.status_code == 202, started.text
    status_url = f"{app_host.url}{WEBHOOK}/instances/outside-run"
    deadline = time.monotonic() + 30
    while (status := httpx.get(status_url, params={"code": app_host.keys["system"]})).json()[
        "runtimeStatus"
    ] not in ("Completed", "Failed"):
        assert time.monotonic() < deadline, status.text
        time.sleep(0.2)
    # Its input carries no seal of the app: it refuses to run before any model or tool call.
    assert status.json()["runtimeStatus"] == "Failed"
    assert "refused its input" in str(status.json()["output"])
    assert unapproved("agent_run through the webhook", "outside") == 0
