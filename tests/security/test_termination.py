"""Attack surface: terminating a coordinator used to leave its children (the approval step,
agent runs) running. Cancelling a run now ends every instance whose id starts with
`{run id}:`, whatever children the run has."""

from __future__ import annotations

from typing import Any

import httpx

from tests.security.conftest import (
    ADA,
    TWO_AGENT_QUERY,
    WEBHOOK,
    Ledger,
    decoded,
    finished,
    wait_for_status,
)

ACTIVE = ("Pending", "Running", "Suspended")


def phase(status: dict[str, Any]) -> str | None:
    return (decoded(status.get("customStatus")) or {}).get("phase")


def children(attacker: httpx.Client, workflow_id: str) -> list[dict[str, Any]]:
    answer = attacker.get(f"{WEBHOOK}/instances", params={"instanceIdPrefix": f"{workflow_id}:"})
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def cancel_and_check(ada: httpx.Client, attacker: httpx.Client, workflow_id: str, ledger: Ledger, what: str) -> None:
    before = children(attacker, workflow_id)
    assert [c for c in before if c["runtimeStatus"] in ACTIVE], before
    answer = ada.post(f"/api/instances/{workflow_id}/terminate", params={"reason": "changed my mind"})
    assert answer.status_code == 202, answer.text
    assert answer.json()["terminated"][0] == workflow_id
    assert wait_for_status(attacker, workflow_id, finished)["runtimeStatus"] == "Terminated"
    for child in children(attacker, workflow_id):
        ended = wait_for_status(attacker, child["instanceId"], finished, timeout=15)
        assert ledger.attack(f"leave a child running after cancelling ({what})", not finished(ended))


def test_cancelling_a_run_ends_its_running_agents(as_person, attacker: httpx.Client, ledger: Ledger):
    ada = as_person(ADA)
    started = ada.post("/api/orchestrators/coordinator", json={"query": TWO_AGENT_QUERY})
    workflow_id = started.json()["id"]
    wait_for_status(attacker, workflow_id, lambda s: phase(s) == "running_agents", timeout=30)
    cancel_and_check(ada, attacker, workflow_id, ledger, "agents")


def test_cancelling_a_run_ends_its_approval_step(as_person, attacker: httpx.Client, ledger: Ledger):
    ada = as_person(ADA)
    started = ada.post(
        "/api/orchestrators/coordinator",
        json={"query": "Update ticket TCK-10003 to pending", "require_approval": True},
    )
    workflow_id = started.json()["id"]
    wait_for_status(attacker, workflow_id, lambda s: phase(s) == "awaiting_approval", timeout=30)
    cancel_and_check(ada, attacker, workflow_id, ledger, "approval")
