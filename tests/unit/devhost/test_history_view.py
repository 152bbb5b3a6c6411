"""The terminal timeline of `devhost history`: fan-out with nested agent steps, failures and
their messages, running sub-orchestrations, events and timers, widths and plain ASCII; and a
real coordinator run read over devhost's HTTP API as the CLI reads it."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from devhost.history_view import child_instance_ids, render_timeline
from devhost.host.api_client import DevhostClient
from tests.browser.coordinator_host import (
    TWO_AGENT_QUERY,
    base_url,
    coordinator_host,
    start_coordinator,
    wait_until,
)

T0 = datetime(2026, 1, 31, 12, 0, 0, tzinfo=UTC)
WF = "wf1"


def at(ms: float) -> str:
    return (T0 + timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def started(name: str, ms: float = 0) -> dict[str, Any]:
    return {"EventType": "ExecutionStarted", "FunctionName": name, "Timestamp": at(ms)}


def completed(ms: float, status: str = "Completed", result: Any = None) -> dict[str, Any]:
    return {
        "EventType": "ExecutionCompleted",
        "OrchestrationStatus": status,
        "Result": result,
        "Timestamp": at(ms),
    }


def task(name: str, begin: float, end: float, result: Any = None) -> dict[str, Any]:
    return {
        "EventType": "TaskCompleted",
        "FunctionName": name,
        "ScheduledTime": at(begin),
        "Timestamp": at(end),
        "Result": result,
    }


def sub(agent: str, begin: float, end: float) -> dict[str, Any]:
    return {
        "EventType": "SubOrchestrationInstanceCompleted",
        "FunctionName": "agent_run",
        "InstanceId": f"{WF}:{agent}",
        "ScheduledTime": at(begin),
        "Timestamp": at(end),
        "Result": {"agent": agent, "status": "ok"},
    }


def agent_history(tool: str, offset: float) -> list[dict[str, Any]]:
    return [
        started("agent_run", 10),
        task(
            "llm_step",
            11,
            40 + offset,
            {"tool_calls": [{"name": tool}], "usage": {"total_tokens": 90}},
        ),
        task("mcp_tool", 41 + offset, 70 + offset, {"tool": tool, "result": {}, "error": None}),
        task(
            "llm_step", 71 + offset, 80 + offset, {"content": "done", "usage": {"total_tokens": 30}}
        ),
        completed(81 + offset, result={"agent": tool}),
    ]


COORDINATOR = [
    started("coordinator"),
    task(
        "plan", 1, 9, {"plan": {"tasks": [{"agent": "customer-support"}, {"agent": "smart-city"}]}}
    ),
    sub("customer-support", 10, 90),
    sub("smart-city", 10, 120),
    task("synthesize", 121, 130),
    completed(131, result={"status": "completed"}),
]
CHILDREN = {
    f"{WF}:customer-support": agent_history("get_order", 0),
    f"{WF}:smart-city": agent_history("get_traffic", 30),
}


def rows(text: str) -> list[str]:
    return text.splitlines()[1:]


def label_of(line: str) -> str:
    return re.split(r"\s+\+\d", line, maxsplit=1)[0]


def _bar_column(line: str) -> int:
    match = re.search(r"[█▆▓▒◆]", line)
    assert match, line
    return match.start()


def test_fan_out_nests_each_agents_model_and_tool_calls() -> None:
    text = render_timeline(COORDINATOR, CHILDREN, width=110)
    lines = rows(text)
    labels = [label_of(line) for line in lines]
    assert labels[0].startswith("coordinator Completed")
    assert labels[1].startswith("  plan → customer-support, smart-city")
    first = labels.index("  agent_run customer-support")
    second = labels.index("  agent_run smart-city")
    assert labels[first + 1].startswith("    llm_step → get_order · 90 tokens")
    assert labels[first + 2] == "    mcp_tool get_order"
    assert labels[second + 2] == "    mcp_tool get_traffic"
    assert labels[-1] == "  synthesize"
    assert _bar_column(lines[first]) == _bar_column(lines[second]), "the agents start together"
    assert _bar_column(lines[first + 1]) >= _bar_column(lines[first])
    assert "131 ms" in text.splitlines()[0]
    assert child_instance_ids(COORDINATOR) == [f"{WF}:customer-support", f"{WF}:smart-city"]


def test_without_children_the_sub_orchestrations_are_single_rows() -> None:
    lines = rows(render_timeline(COORDINATOR))
    assert [line.split()[0] for line in lines] == [
        "coordinator",
        "plan",
        "agent_run",
        "agent_run",
        "synthesize",
    ]


def test_failures_are_marked_with_their_messages() -> None:
    failing = [
        started("agent_run"),
        {
            "EventType": "TaskFailed",
            "FunctionName": "mcp_tool",
            "ScheduledTime": at(1),
            "Timestamp": at(5),
            "Reason": "Activity function 'mcp_tool' failed",
            "Details": "ConnectionError: tool server down",
        },
        task("mcp_tool", 6, 9, {"tool": "lookup_customer", "error": "give exactly one id"}),
        completed(10, status="Failed", result="Orchestrator function 'agent_run' failed: boom"),
    ]
    text = render_timeline(failing)
    assert "coordinator" not in text
    assert "✗ agent_run Failed" in text
    assert "failed: Orchestrator function 'agent_run' failed: boom" in text
    assert "✗ mcp_tool" in text
    assert "failed: Activity function 'mcp_tool' failed: ConnectionError: tool server down" in text
    assert "⚠ mcp_tool lookup_customer" in text
    assert "warning: lookup_customer: give exactly one id" in text
    assert "▓" in text


def test_running_sub_orchestrations_not_yet_in_the_history_are_shown_running() -> None:
    waiting = [
        started("coordinator"),
        task("plan", 1, 9, {"plan": {"tasks": [{"agent": "enterprise"}], "needs_approval": True}}),
    ]
    approval = [
        started("approval", 10),
        {
            "EventType": "EventRaised",
            "Name": "approval",
            "Input": '{"approved": false, "approver": "x", "digest": "bad"}',
            "Timestamp": at(500),
        },
        task("record_audit", 501, 510),
    ]
    text = render_timeline(waiting, {f"{WF}:approval": approval}, now=T0 + timedelta(seconds=2))
    assert "coordinator Running (running)" in text
    assert "plan → enterprise (needs approval)" in text
    assert "approval waiting for a decision (running)" in text
    assert "event approval deny by x" in text
    assert "◆" in text
    assert "▒" in text
    assert "2.00 s" in text.splitlines()[0]


def test_timers_show_when_they_fire() -> None:
    history = [
        started("approval"),
        {
            "EventType": "TimerFired",
            "FireAt": at(1000),
            "ScheduledTime": at(0),
            "Timestamp": at(1000),
        },
        completed(1001),
    ]
    text = render_timeline(history)
    assert "timer fires at 2026-01-31 12:00:01" in text


def test_lines_fit_the_width_and_ascii_only_is_plain() -> None:
    for width in (80, 110, 160):
        text = render_timeline(COORDINATOR, CHILDREN, width=width)
        assert max(len(line) for line in text.splitlines()) <= width
    plain = render_timeline(COORDINATOR, CHILDREN, width=90, ascii_only=True)
    assert plain.isascii()
    assert "plan -> customer-support, smart-city" in plain
    assert "=" in plain


def test_empty_history() -> None:
    assert render_timeline([]) == "(no history)"


async def test_real_coordinator_run_read_as_the_cli_reads_it(tmp_path: Path) -> None:
    async with coordinator_host(tmp_path) as host:
        async with httpx.AsyncClient(base_url=base_url(host), timeout=30) as http:
            workflow = await start_coordinator(http, query=TWO_AGENT_QUERY)
            await wait_until(http, workflow)
        client = DevhostClient(base_url(host))
        try:
            status = await asyncio.to_thread(client.status, workflow, True)
            events = status["historyEvents"]
            children = {
                child: (await asyncio.to_thread(client.status, child, True))["historyEvents"]
                for child in child_instance_ids(events)
            }
        finally:
            client.close()
    text = render_timeline(events, children)
    labels = [label_of(line) for line in rows(text) if "+" in line]
    assert "  agent_run customer-support" in labels
    assert "  agent_run smart-city" in labels
    assert any(label.startswith("    mcp_tool get_order") for label in labels)
    assert any(label.startswith("    mcp_tool get_traffic") for label in labels)
    assert labels[-1] == "  record_workflow"
