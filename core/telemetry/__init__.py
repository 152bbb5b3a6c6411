"""Telemetry of the coordinator: where it goes (`configure_telemetry`), spans of activities,
model calls and MCP tool calls, replay-safe orchestration events, and the agent metrics.

Orchestrators pass their context to every helper, which then emits nothing during replay.
"""

from core.telemetry.attributes import WORKFLOW_ID, clean_attributes
from core.telemetry.configure import (
    DEFAULT_SERVICE_NAME,
    TelemetryBackend,
    configure_telemetry,
    otlp_providers,
    service_resource,
)
from core.telemetry.logs import JsonFormatter, configure_json_logging, log_context
from core.telemetry.metrics import (
    ACTIVE_WORKFLOWS,
    ERRORS,
    REQUESTS,
    RESPONSE_TIME,
    TOKENS,
    record_agent_request,
    record_tokens,
    workflow_finished,
    workflow_started,
)
from core.telemetry.replay import ReplayAware, is_replay
from core.telemetry.spans import (
    ModelCall,
    activity_span,
    mark_failed,
    mcp_tool_span,
    model_call_span,
    orchestration_event,
    tracer,
    tracing,
    workflow_trace_context,
)

__all__ = [
    "ACTIVE_WORKFLOWS",
    "DEFAULT_SERVICE_NAME",
    "ERRORS",
    "REQUESTS",
    "RESPONSE_TIME",
    "TOKENS",
    "WORKFLOW_ID",
    "JsonFormatter",
    "ModelCall",
    "ReplayAware",
    "TelemetryBackend",
    "activity_span",
    "clean_attributes",
    "configure_json_logging",
    "configure_telemetry",
    "is_replay",
    "log_context",
    "mark_failed",
    "mcp_tool_span",
    "model_call_span",
    "orchestration_event",
    "otlp_providers",
    "record_agent_request",
    "record_tokens",
    "service_resource",
    "tracer",
    "tracing",
    "workflow_finished",
    "workflow_started",
    "workflow_trace_context",
]
