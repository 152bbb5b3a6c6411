"""The app's metrics, with the source article's names and meaning:

- `agent_requests_total` (counter; agent, query_type): requests answered by an agent
- `agent_response_time` (histogram, ms; agent): how long an agent took
- `agent_errors_total` (counter; agent, error_type): failed agent requests
- `active_workflows` (up-down counter; workflow): workflows started and not finished
- `agent_tokens_total` (counter; agent, model, token_type input|output): model tokens used

Counting once: every function takes an optional orchestration `context` and records nothing
while it replays, so a workflow step recorded from an orchestrator counts exactly once.
Recorded from an activity (no context), a value counts once per attempt: activities run at
least once, and a retried or redelivered attempt counts again. Record per-workflow facts such
as token usage from the orchestrator when exactly-once totals matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from opentelemetry import metrics

from core.telemetry.attributes import INSTRUMENTATION_SCOPE
from core.telemetry.replay import ReplayAware, is_replay

REQUESTS = "agent_requests_total"
RESPONSE_TIME = "agent_response_time"
ERRORS = "agent_errors_total"
ACTIVE_WORKFLOWS = "active_workflows"
TOKENS = "agent_tokens_total"


@dataclass(frozen=True)
class _Instruments:
    requests: metrics.Counter
    response_time: metrics.Histogram
    errors: metrics.Counter
    active_workflows: metrics.UpDownCounter
    tokens: metrics.Counter


@lru_cache(maxsize=4)
def _instruments_of(provider: metrics.MeterProvider) -> _Instruments:
    meter = provider.get_meter(INSTRUMENTATION_SCOPE)
    return _Instruments(
        requests=meter.create_counter(REQUESTS, "{request}", "Requests answered by an agent."),
        response_time=meter.create_histogram(RESPONSE_TIME, "ms", "Agent response time."),
        errors=meter.create_counter(ERRORS, "{error}", "Failed agent requests."),
        active_workflows=meter.create_up_down_counter(
            ACTIVE_WORKFLOWS, "{workflow}", "Workflows started and not yet finished."
        ),
        tokens=meter.create_counter(TOKENS, "{token}", "Model tokens used by an agent."),
    )


def _instruments() -> _Instruments:
    # Looked up per call, so instruments follow the provider configure_telemetry installs.
    return _instruments_of(metrics.get_meter_provider())


def record_agent_request(
    agent: str,
    query_type: str,
    latency_ms: float,
    ok: bool,
    error_type: str | None = None,
    *,
    context: ReplayAware | None = None,
) -> None:
    """Count one agent request and its latency; a failed one (`ok` false) also counts an
    error of `error_type` ("unknown" when not given)."""
    if ok and error_type is not None:
        raise ValueError("error_type is only for failed requests")
    if latency_ms < 0:
        raise ValueError("latency_ms must be >= 0")
    if is_replay(context):
        return
    instruments = _instruments()
    instruments.requests.add(1, {"agent": agent, "query_type": query_type})
    instruments.response_time.record(latency_ms, {"agent": agent})
    if not ok:
        instruments.errors.add(1, {"agent": agent, "error_type": error_type or "unknown"})


def record_tokens(
    agent: str,
    model: str,
    prompt: int,
    completion: int,
    *,
    context: ReplayAware | None = None,
) -> None:
    """Count the input (`prompt`) and output (`completion`) tokens of `agent`'s calls to
    `model`."""
    if prompt < 0 or completion < 0:
        raise ValueError("token counts must be >= 0")
    if is_replay(context):
        return
    tokens = _instruments().tokens
    tokens.add(prompt, {"agent": agent, "model": model, "token_type": "input"})
    tokens.add(completion, {"agent": agent, "model": model, "token_type": "output"})


def workflow_started(workflow: str, *, context: ReplayAware | None = None) -> None:
    """One more active `workflow`. Call it from the orchestrator with its context."""
    if not is_replay(context):
        _instruments().active_workflows.add(1, {"workflow": workflow})


def workflow_finished(workflow: str, *, context: ReplayAware | None = None) -> None:
    """One active `workflow` fewer, whatever its outcome. Call it where the orchestrator
    returns or fails, with its context."""
    if not is_replay(context):
        _instruments().active_workflows.add(-1, {"workflow": workflow})
