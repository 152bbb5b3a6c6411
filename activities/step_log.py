"""Write one agent-log record per workflow step; a log store outage never fails the step."""

import logging
from datetime import UTC, datetime

from core.agent_logs import (
    AgentLogRecord,
    AgentLogStoreError,
    Outcome,
    TokenUsage,
    get_agent_log_store,
)
from core.auth import scrub_text
from core.llm.types import TokenUsage as ModelUsage

log = logging.getLogger(__name__)


async def log_step(
    *,
    record_id: str,
    workflow_id: str,
    agent_id: str,
    query_type: str,
    step: str,
    latency_ms: float,
    outcome: Outcome,
    usage: ModelUsage | None = None,
    tool: str | None = None,
    model: str | None = None,
    error: str | None = None,
) -> None:
    """Append a step record (idempotent by `record_id`, as activities may run twice)."""
    tokens = (
        TokenUsage(prompt=usage.prompt_tokens, completion=usage.completion_tokens)
        if usage
        else TokenUsage()
    )
    record = AgentLogRecord(
        id=record_id,
        workflow_id=workflow_id,
        agent_id=agent_id,
        query_type=query_type,
        step=step,
        tool=tool,
        tokens=tokens,
        latency_ms=latency_ms,
        outcome=outcome,
        error=scrub_text(error) if error else None,
        timestamp=datetime.now(UTC),
        model=model,
    )
    try:
        await get_agent_log_store().append(record)
    except AgentLogStoreError as exc:
        log.warning("Agent log store unavailable; step %s not logged: %s", record_id, exc)
