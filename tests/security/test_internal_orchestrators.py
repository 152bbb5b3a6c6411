"""Attack: with the Durable system key, start the internal orchestrators (`agent_run`,
`approval`, `self_test_run`) through the webhook on inputs of one's own, e.g. an `agent_run`
whose task changes a ticket. They run only on inputs the coordinator sealed for that very
instance: anything else ends before any model or tool call, and the refusal is audited."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.security.conftest import (
    ADA,
    DAN,
    TWO_AGENT_QUERY,
    WEBHOOK,
    Ledger,
    decoded,
    finished,
    start_run,
    wait_for_status,
)

CHANGE = "Mark support ticket TCK-10002 as resolved, the customer confirmed the fix"
PLAN = {"tasks": [{"agent": "customer-support", "task": CHANGE}], "needs_approval": True}
FORGED_INPUTS: dict[str, dict[str, Any]] = {
    "agent_run": {
        "workflow_id": "outside",
        "agent": "customer-support",
        "task": CHANGE,
        "query": CHANGE,
        "query_type": "customer_support",
        "budget_tokens": 20000,
        "max_steps": 3,
    },
    "approval": {"workflow_id": "outside", "plan": PLAN, "timeout_seconds": 600},
    "self_test_run": {"query": "deployment verification test", "query_type": "system_test"},
}
"""What an attacker would start each internal orchestrator on (no seal, or a made-up one)."""


def scheduled_activities(attacker: httpx.Client, instance_id: str) -> list[str]:
    """The names of the activities and sub-orchestrations that ran for the instance, from
    its history."""
    status = attacker.get(
        f"{WEBHOOK}/instances/{instance_id}", params={"showHistory": "true"}
    ).json()
    return [
        str(event.get("FunctionName"))
        for event in status.get("historyEvents") or []
        if str(event.get("EventType", "")).startswith(("Task", "SubOrchestration"))
    ]


def audited(as_person, instance_id: str) -> list[dict[str, Any]]:
    """The audit records about `instance_id` (read as the Admin, with the master key)."""
    deadline = time.monotonic() + 10
    while True:
        answer = as_person(DAN, "master").get("/api/manage/audit")
        assert answer.status_code == 200, answer.text
        found = [r for r in answer.json()["records"] if r["target"] == instance_id]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def start_through_the_webhook(
    attacker: httpx.Client, orchestrator: str, instance_id: str, payload: dict[str, Any]
) -> dict[str, Any]:
    started = attacker.post(f"{WEBHOOK}/orchestrators/{orchestrator}/{instance_id}", json=payload)
    assert started.status_code == 202, started.text
    return wait_for_status(attacker, instance_id, finished)


@pytest.mark.parametrize("orchestrator", sorted(FORGED_INPUTS))
@pytest.mark.parametrize("seal", [None, "0" * 64], ids=["unsealed", "made-up-seal"])
def test_an_internal_orchestrator_started_from_outside_does_nothing_and_is_audited(
    attacker: httpx.Client, as_person, ledger: Ledger, orchestrator: str, seal: str | None
):
    instance_id = f"outside:{orchestrator}:{'sealed' if seal else 'bare'}"
    payload = dict(FORGED_INPUTS[orchestrator], **({"proof": seal} if seal else {}))
    status = start_through_the_webhook(attacker, orchestrator, instance_id, payload)
    activities = scheduled_activities(attacker, instance_id)
    did_something = status["runtimeStatus"] == "Completed" or activities != ["admit_input"]
    assert ledger.attack(f"start {orchestrator} through the webhook", did_something), activities
    assert status["runtimeStatus"] == "Failed"
    assert "refused its input" in str(status["output"])
    (record,) = audited(as_person, instance_id)
    assert record["kind"] == "rejected_input"
    assert record["action"] == f"start-{orchestrator}-refused"


def test_a_seal_copied_from_a_real_run_does_not_start_another_instance(
    as_person, attacker: httpx.Client, ledger: Ledger
):
    workflow_id = start_run(as_person(ADA), query=TWO_AGENT_QUERY)
    wait_for_status(attacker, workflow_id, finished)
    child = f"{workflow_id}:customer-support"
    sealed = decoded(
        attacker.get(f"{WEBHOOK}/instances/{child}", params={"showInput": "true"}).json()["input"]
    )
    assert "proof" in sealed
    status = start_through_the_webhook(attacker, "agent_run", f"{workflow_id}:copy", sealed)
    activities = scheduled_activities(attacker, f"{workflow_id}:copy")
    assert ledger.attack("replay a sealed agent_run input", activities != ["admit_input"])
    assert status["runtimeStatus"] == "Failed"
