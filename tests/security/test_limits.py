"""Attack: a caller sets a run's limits past the operator's caps (`budget_tokens`
1,000,000,000,000, `max_steps` 50). The public start endpoints accept only the public request
model, and the coordinator caps whatever limits reach it by the settings, even when it is
started through the Durable webhook with the system key."""

from __future__ import annotations

import httpx
import pytest

from tests.security.conftest import (
    ADA,
    SETTINGS,
    TWO_AGENT_QUERY,
    WEBHOOK,
    Ledger,
    decoded,
    finished,
    output_of,
    wait_for_status,
)

HUGE = {"default_budget_tokens": 1_000_000_000_000, "max_steps": 50}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("coordinator/orchestrate", {"query": TWO_AGENT_QUERY, "limits": HUGE}, "limits"),
        ("orchestrators/coordinator", {"query": TWO_AGENT_QUERY, "limits": HUGE}, "limits"),
        (
            "orchestrators/coordinator",
            {"request": {"query": TWO_AGENT_QUERY}, "limits": HUGE},
            "request",
        ),
        ("orchestrators/coordinator", {"query": "hi", "owner": {"oid": "x"}}, "owner"),
        ("orchestrators/batch_sweep", {"slot": "s", "limits": HUGE}, "limits"),
        ("orchestrators/batch_sweep", {"slot": "s", "max_parallel": 20}, "max_parallel"),
        ("orchestrators/agent_run", {"workflow_id": "x"}, "name"),
        ("orchestrators/approval", {"workflow_id": "x"}, "name"),
        ("orchestrators/self_test_run", {"query": "x"}, "name"),
    ],
)
def test_public_start_endpoints_take_only_the_public_request(
    as_person, ledger: Ledger, path: str, body: dict, field: str
):
    answer = as_person(ADA).post(f"/api/{path}", json=body)
    refused = answer.status_code in (400, 404)
    assert ledger.attack(f"set limits, owner or an internal orchestrator via {path}", not refused)
    assert field in {d["field"] for d in answer.json()["detail"]}, answer.text


def test_limits_given_through_the_webhook_are_capped_by_the_settings(
    attacker: httpx.Client, ledger: Ledger
):
    body = {"request": {"query": TWO_AGENT_QUERY}, "limits": HUGE}
    started = attacker.post(f"{WEBHOOK}/orchestrators/coordinator/limits-attack", json=body)
    assert started.status_code == 202, started.text
    status = wait_for_status(attacker, "limits-attack", finished)
    result = output_of(status)
    assert status["runtimeStatus"] == "Completed", status
    budget = int(SETTINGS["DEFAULT_BUDGET_TOKENS"])
    steps = int(SETTINGS["MAX_AGENT_STEPS"])
    spent_past = result["budget_tokens"] > budget or result["tokens_used"] > budget
    stepped_past = any(agent["steps"] > steps for agent in result["agents"])
    assert ledger.attack("raise limits through the webhook", spent_past or stepped_past)
    assert result["budget_tokens"] == budget
    for agent in result["agents"]:
        child = attacker.get(
            f"{WEBHOOK}/instances/limits-attack:{agent['agent']}", params={"showInput": "true"}
        ).json()
        assert decoded(child["input"])["max_steps"] == steps
