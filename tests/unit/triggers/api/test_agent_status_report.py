"""An agent's status report: ready when its tools list and its log reads, degraded naming
the problem otherwise; the coordinator's covers every agent's tool server."""

import asyncio
from datetime import UTC, datetime

import pytest

from core.agent_logs import AgentLogRecord, Outcome, TokenUsage, get_agent_log_store
from core.mcp_client import ToolServerUnavailableError
from triggers.api import agent_status, health_checks
from triggers.api.agent_status import agent_report
from triggers.api.health_checks import timed


async def test_agent_with_tools_and_log_is_ready_with_last_hour_stats(settings_env):
    await get_agent_log_store().append(
        AgentLogRecord(
            id="wf:enterprise:1",
            workflow_id="wf",
            agent_id="enterprise",
            step="llm_step",
            latency_ms=40.0,
            tokens=TokenUsage(prompt=10, completion=5),
            outcome=Outcome.ERROR,
            timestamp=datetime.now(UTC),
        )
    )
    report = await agent_report("enterprise")
    assert report.status == "ready"
    assert report.tools_reachable
    assert "check_inventory" in (report.tools or [])
    assert report.recent is not None
    assert (report.recent.requests, report.recent.errors, report.recent.tokens) == (1, 1, 15)
    assert report.recent.window_seconds == 3600
    assert report.problems == []


async def test_coordinator_report_has_no_tools_but_checks_every_tool_server(settings_env):
    report = await agent_report("coordinator")
    assert report.tools is None
    assert report.tools_reachable
    assert report.status == "ready"


async def test_unreachable_tool_server_degrades_the_agent_and_the_coordinator(
    settings_env, monkeypatch: pytest.MonkeyPatch
):
    async def down(agent_id: str, *, fresh: bool = False) -> list:
        if agent_id == "smart-city":
            raise ToolServerUnavailableError(agent_id, "http://127.0.0.1:9/mcp", "refused")
        return []

    monkeypatch.setattr(agent_status, "list_tools", down)
    city = await agent_report("smart-city")
    assert (city.status, city.tools_reachable, city.tools) == ("degraded", False, None)
    assert "refused" in city.problems[0]
    coordinator = await agent_report("coordinator")
    assert (coordinator.status, coordinator.tools_reachable) == ("degraded", False)
    assert len(coordinator.problems) == 1


async def test_unreadable_log_degrades_the_agent(settings_env, monkeypatch: pytest.MonkeyPatch):
    class BrokenStore:
        async def stats(self, agent_id: str, since: datetime) -> None:
            raise OSError("disk gone")

    monkeypatch.setattr(agent_status, "get_agent_log_store", BrokenStore)
    report = await agent_report("customer-support")
    assert report.status == "degraded"
    assert report.recent is None
    assert report.problems == ["agent_logs: OSError: disk gone"]


async def test_timed_check_reports_ok_errors_and_timeouts(monkeypatch: pytest.MonkeyPatch):
    async def fine() -> str:
        return "fine"

    async def broken() -> str:
        raise ValueError("nope")

    async def silent() -> str:
        await asyncio.sleep(10)
        return "never"

    monkeypatch.setattr(health_checks, "CHECK_TIMEOUT_SECONDS", 0.05)
    ok, error, timeout = [await timed(check) for check in (fine, broken, silent)]
    assert (ok.status, ok.detail) == ("ok", "fine")
    assert (error.status, error.detail) == ("error", "ValueError: nope")
    assert (timeout.status, timeout.detail) == ("error", "no answer within 0.05 s")
    assert timeout.latency_ms >= 50
