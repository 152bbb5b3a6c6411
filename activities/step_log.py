"""Write one agent-log record per workflow step; a log store outage never fails the step."""

import logging
import time
from dataclasses import dataclass, field
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


@dataclass
class StepLog:
    """One step being timed; `write` appends its record (idempotent by `record_id`, as
    activities may run twice), with the latency since the step began."""

    record_id: str
    workflow_id: str
    agent_id: str
    query_type: str
    step: str
    tool: str | None = None
    began: float = field(default_factory=time.perf_counter)

    async def write(
        self,
        outcome: Outcome,
        *,
        usage: ModelUsage | None = None,
        model: str | None = None,
        error: str | None = None,
    ) -> None:
        """Append the step's record; an unreachable store is logged, not raised."""
        tokens = (
            TokenUsage(prompt=usage.prompt_tokens, completion=usage.completion_tokens)
            if usage
            else TokenUsage()
        )
        record = AgentLogRecord(
            id=self.record_id,
            workflow_id=self.workflow_id,
            agent_id=self.agent_id,
            query_type=self.query_type,
            step=self.step,
            tool=self.tool,
            tokens=tokens,
            latency_ms=(time.perf_counter() - self.began) * 1000,
            outcome=outcome,
            error=scrub_text(error) if error else None,
            timestamp=datetime.now(UTC),
            model=model,
        )
        try:
            await get_agent_log_store().append(record)
        except AgentLogStoreError as exc:
            log.warning("Agent log store unavailable; step %s not logged: %s", self.record_id, exc)
