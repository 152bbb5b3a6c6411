"""A conversation thread outlives SIGKILLs of devhost: a follow-up in flight when the host is
killed finishes after the restart as the thread's second turn, and a third question asked
after another kill still resolves against the first answer's items."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from tests.apphost import AppHost

THREAD = "kill-and-restart"
SETTINGS = {"ORCHESTRATE_WAIT_SECONDS": "30", "OFFLINE_MODEL_LATENCY_MS": "300"}


def started(state: Path) -> AppHost:
    host = AppHost(state, enforce_keys=False, settings=SETTINGS)
    host.wait_ready()
    return host


def killed(host: AppHost) -> None:
    host.process.kill()
    host.process.wait()


def turns(host: AppHost) -> list[dict[str, Any]]:
    answer = httpx.get(f"{host.url}/api/coordinator/threads/{THREAD}", timeout=30)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["turns"])


def tickets_looked_up(result: dict[str, Any]) -> list[str]:
    return [
        call["arguments"]["ticket_id"]
        for agent in result["agents"]
        for call in agent["tool_calls"]
        if call["tool"] == "get_ticket"
    ]


def test_a_thread_survives_sigkills_and_its_follow_ups_resolve_after_restart(tmp_path: Path):
    host = started(tmp_path)
    try:
        first = httpx.post(
            f"{host.url}/api/coordinator/orchestrate",
            json={"query": "Which open support tickets are urgent?", "thread_id": THREAD},
            timeout=60,
        )
        assert first.status_code == 200, first.text
        follow_up = httpx.post(
            f"{host.url}/api/orchestrators/coordinator",
            params={"thread_id": THREAD},
            json={"query": "And the second one?"},
            timeout=30,
        )
        assert follow_up.status_code == 202, follow_up.text
        follow_up_id = follow_up.json()["id"]
        time.sleep(0.5)
    finally:
        killed(host)

    host = started(tmp_path)
    try:
        deadline = time.monotonic() + 120
        while [t["status"] for t in turns(host)] != ["completed", "completed"]:
            assert time.monotonic() < deadline, turns(host)
            time.sleep(0.3)
        workflow = httpx.get(f"{host.url}/api/coordinator/workflows/{follow_up_id}", timeout=30)
        assert tickets_looked_up(workflow.json()["result"]) == ["TCK-10013"]
        assert [t["workflow_id"] for t in turns(host)][1] == follow_up_id
    finally:
        killed(host)

    host = started(tmp_path)
    try:
        third = httpx.post(
            f"{host.url}/api/coordinator/orchestrate",
            json={"query": "What about the first one?", "thread_id": THREAD},
            timeout=60,
        )
        assert third.status_code == 200, third.text
        assert tickets_looked_up(third.json()["result"]) == ["TCK-10011"]
        assert [t["query"] for t in turns(host)] == [
            "Which open support tickets are urgent?",
            "And the second one?",
            "What about the first one?",
        ]
    finally:
        host.stop()
