"""SIGKILL devhost while a ticket change waits at the approval gate and again right after it is
approved: after the last restart the change has run exactly once, under its approval, on a
customer-support tool server in its own process (whose state outlives the kills)."""

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from mcp import Client

from core.agent_logs import Outcome, get_agent_log_store
from tests.apphost import AppHost
from tests.services import agent_tool_server
from tests.unit.orchestrations.approvals import audit_of, count_unapproved_writes

TICKET = "TCK-10004"
CHANGE = {"query": f"Mark support ticket {TICKET} as resolved, the customer confirmed the fix"}


def _host(state: Path, tool_server: str) -> AppHost:
    host = AppHost(
        state,
        enforce_keys=False,
        settings={
            "MCP_CUSTOMER_SUPPORT_URL": tool_server,
            "AGENT_LOG_SQLITE_PATH": str(state / "logs.sqlite3"),
            "APPROVAL_TIMEOUT_SECONDS": "600",
            "OFFLINE_MODEL_LATENCY_MS": "0",
        },
    )
    host.wait_ready()
    return host


def _kill(host: AppHost) -> None:
    host.process.kill()
    host.process.wait()


def _workflow(host: AppHost, workflow_id: str) -> dict:
    answer = httpx.get(f"{host.url}/api/coordinator/workflows/{workflow_id}", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _pending(body: dict) -> list[dict]:
    return (body.get("progress") or {}).get("pending_approvals") or []


def _wait_for(host: AppHost, workflow_id: str, done, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while not done(body := _workflow(host, workflow_id)):
        assert time.monotonic() < deadline, f"workflow never got there: {body}"
        time.sleep(0.1)
    return body


async def _call(url: str, tool: str, arguments: dict) -> dict:
    async with Client(url) as client:
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, result
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def test_a_write_approved_across_two_sigkills_runs_once_under_its_approval(
    tmp_path: Path, app_settings: pytest.MonkeyPatch
):
    # This process reads the hosts' agent log for the step log and the audit.
    app_settings.setenv("AGENT_LOG_SQLITE_PATH", str(tmp_path / "logs.sqlite3"))
    with agent_tool_server("agents.customer_support.server") as tool_server:
        before = asyncio.run(_call(tool_server, "get_ticket", {"ticket_id": TICKET}))
        assert before["status"] == "open"

        host = _host(tmp_path, tool_server)
        started = httpx.post(f"{host.url}/api/coordinator/orchestrate", json=CHANGE, timeout=30)
        assert started.status_code == 202, started.text
        workflow_id = started.json()["workflow_id"]
        [call] = _pending(_wait_for(host, workflow_id, _pending))
        assert (call["tool"], call["arguments"]) == (
            "update_ticket",
            {"ticket_id": TICKET, "status": "resolved"},
        )

        _kill(host)
        host = _host(tmp_path, tool_server)
        still = _pending(_wait_for(host, workflow_id, _pending))
        assert [p["approval_id"] for p in still] == [call["approval_id"]]
        assert asyncio.run(_call(tool_server, "get_ticket", {"ticket_id": TICKET}))["status"] == (
            "open"
        )

        decision = httpx.post(
            f"{host.url}/api/coordinator/workflows/{workflow_id}/approval",
            json={"approved": True, "approver": "alice", "approval_id": call["approval_id"]},
            timeout=30,
        )
        _kill(host)
        assert decision.status_code == 202, decision.text

        host = _host(tmp_path, tool_server)
        try:
            body = _wait_for(host, workflow_id, lambda b: b["runtime_status"] == "Completed")
        finally:
            host.stop()

        calls = [c for a in body["result"]["agents"] for c in a["tool_calls"]]
        assert [c["error"] for c in calls if c["tool"] == "update_ticket"] == [None]
        after = asyncio.run(_call(tool_server, "get_ticket", {"ticket_id": TICKET}))
        assert after["status"] == "resolved"

        audit = asyncio.run(audit_of(workflow_id))
        [executed] = [r for r in audit if r.action == "write_executed"]
        assert executed.actor == "alice"
        assert executed.detail["approval_id"] == call["approval_id"]
        key = str(executed.detail["idempotency_key"])
        steps = asyncio.run(get_agent_log_store().list_for_workflow(workflow_id))
        ran = [s for s in steps if s.step == "mcp_tool" and s.tool == "update_ticket"]
        assert [(s.id.split(":mcp_tool:", 1)[1], s.outcome) for s in ran] == [(key, Outcome.OK)]

        # The server's journal answers a repeat of that key with the first execution's result,
        # and that result is the ticket as it stands: nothing wrote to it after that execution.
        repeat = {"ticket_id": TICKET, "status": "resolved", "idempotency_key": key}
        first = asyncio.run(_call(tool_server, "update_ticket", repeat))
        assert first["changed"] == ["status"]
        assert first["ticket"] == after

    unapproved = count_unapproved_writes("approved across devhost SIGKILLs", workflow_id)
    assert asyncio.run(unapproved) == 0
