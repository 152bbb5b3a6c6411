"""The dependency checks behind `/health` and the agent status endpoint, each bounded in
time and reported with its latency."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import azure.durable_functions as df

from core.agent_logs import get_agent_log_store
from core.llm.factory import default_model_name, model_provider
from core.mcp_client import list_tools
from core.settings import get_settings
from triggers.shared.api_models import CheckResult, CheckState

CHECK_TIMEOUT_SECONDS = 5.0
PROBE_INSTANCE_ID = "health-probe"
"""An instance id no workflow uses: asking for its status proves the task hub answers."""

MAX_DETAIL_CHARS = 300

Check = Callable[[], Awaitable[str]]


async def timed(check: Check) -> CheckResult:
    """Run `check` within CHECK_TIMEOUT_SECONDS: ok with its detail, or error saying why."""
    began = time.perf_counter()
    status: CheckState
    try:
        detail = await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
        status = "ok"
    except TimeoutError:
        detail, status = f"no answer within {CHECK_TIMEOUT_SECONDS:g} s", "error"
    # Any failure of a dependency, whatever its type, makes the check fail.
    except Exception as exc:
        detail, status = f"{type(exc).__name__}: {exc}"[:MAX_DETAIL_CHARS], "error"
    latency_ms = round((time.perf_counter() - began) * 1000, 1)
    return CheckResult(status=status, latency_ms=latency_ms, detail=detail)


def durable_check(client: df.DurableOrchestrationClient) -> Check:
    """The Durable backend answers a status query."""

    async def check() -> str:
        await client.get_status(PROBE_INSTANCE_ID)
        return "the task hub answered"

    return check


async def agent_logs_check() -> str:
    """The agent-log store answers a ping."""
    await get_agent_log_store().ping()
    return "Cosmos DB" if get_settings().COSMOS_ENDPOINT else "SQLite"


async def model_check() -> str:
    """A model is configured (the offline model counts); the model itself is not called."""
    provider = model_provider()
    if provider == "azure.ai.openai":
        return f"Azure OpenAI deployment '{default_model_name()}'"
    if provider == "openai":
        return f"OpenAI-compatible model '{default_model_name()}'"
    return "offline rule-based model"


def tools_check(agent_id: str) -> Check:
    """The agent's tool server lists its tools."""

    async def check() -> str:
        return f"{len(await list_tools(agent_id, fresh=True))} tools"

    return check
