"""Spans of the work a workflow does: activities, model calls (GenAI conventions), MCP tool
calls, and orchestration events. Every span carries `workflow.id`, the orchestration instance
id, and a span started outside any other belongs to the workflow's own trace, whose id is
derived from the workflow id: one trace per workflow across functions, hosts and retries.

Activities run at least once: a retried or redelivered activity yields one span per attempt,
which is what happened. Orchestration events are emitted only outside replay.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import (
    INVALID_SPAN,
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
)

from core.telemetry import attributes as a
from core.telemetry.logs import log_context
from core.telemetry.replay import ReplayAware, is_replay


def tracer() -> trace.Tracer:
    """The app's tracer from the current provider (a no-op one when telemetry is off)."""
    return trace.get_tracer_provider().get_tracer(a.INSTRUMENTATION_SCOPE)


def workflow_trace_context(workflow_id: str) -> otel_context.Context:
    """A context whose (remote, sampled) parent is the root of `workflow_id`'s trace: the
    trace id and the root span id are derived from the workflow id, so every process that
    works for the workflow joins the same trace without passing anything along."""
    digest = hashlib.sha256(f"workflow:{workflow_id}".encode()).digest()
    root = SpanContext(
        trace_id=int.from_bytes(digest[:16], "big") or 1,
        span_id=int.from_bytes(digest[16:24], "big") or 1,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    return trace.set_span_in_context(NonRecordingSpan(root))


_NO_TRACING = (trace.ProxyTracerProvider, trace.NoOpTracerProvider)
"""The OpenTelemetry API's own tracer providers: no SDK installed, no span recorded."""


def tracing() -> bool:
    """True when the process has a tracer provider that records spans (telemetry on)."""
    return not isinstance(trace.get_tracer_provider(), _NO_TRACING)


@contextmanager
def _span(name: str, kind: SpanKind, attributes: dict[str, Any]) -> Iterator[Span]:
    workflow_id = attributes.get(a.WORKFLOW_ID)
    logged = log_context(
        workflow_id=workflow_id and str(workflow_id), agent_id=attributes.get(a.AGENT)
    )
    if not tracing():
        # The API's no-op tracer would build a span that records nothing, on every call.
        with logged:
            yield INVALID_SPAN
        return
    parent = None
    if workflow_id and not trace.get_current_span().get_span_context().is_valid:
        parent = workflow_trace_context(str(workflow_id))
    with (
        logged,
        tracer().start_as_current_span(
            name, context=parent, kind=kind, attributes=a.clean_attributes(attributes)
        ) as span,
    ):
        try:
            yield span
        except BaseException as exc:
            span.set_attribute(a.ERROR_TYPE, type(exc).__qualname__)
            raise


def mark_failed(span: Span, error_type: str, description: str = "") -> None:
    """Mark a span failed without an exception (a tool that answered with an error)."""
    span.set_attribute(a.ERROR_TYPE, error_type)
    span.set_status(Status(StatusCode.ERROR, description or error_type))


@contextmanager
def activity_span(
    name: str, workflow_id: str, agent: str | None = None, **attrs: Any
) -> Iterator[Span]:
    """A span around one activity attempt, named `name`. An exception marks it failed with
    `error.type` and propagates. `attrs` are added as given (dotted names via `**{...}`)."""
    with _span(
        name, SpanKind.INTERNAL, {a.WORKFLOW_ID: workflow_id, a.AGENT: agent, **attrs}
    ) as span:
        yield span


@dataclass(frozen=True)
class ModelCall:
    """The span of a model call, and the usage it reports when the answer arrives."""

    span: Span

    def record_usage(
        self, input_tokens: int, output_tokens: int, response_model: str | None = None
    ) -> None:
        """Set `gen_ai.usage.*` and, when known, `gen_ai.response.model`."""
        self.span.set_attribute(a.GEN_AI_INPUT_TOKENS, input_tokens)
        self.span.set_attribute(a.GEN_AI_OUTPUT_TOKENS, output_tokens)
        if response_model:
            self.span.set_attribute(a.GEN_AI_RESPONSE_MODEL, response_model)


@contextmanager
def model_call_span(
    workflow_id: str,
    agent: str,
    *,
    system: str,
    model: str,
    operation: str = "chat",
    **attrs: Any,
) -> Iterator[ModelCall]:
    """A client span `"{operation} {model}"` with the GenAI attributes: `gen_ai.operation.name`,
    `gen_ai.system` (and its successor `gen_ai.provider.name`), `gen_ai.request.model`."""
    fields = {
        a.WORKFLOW_ID: workflow_id,
        a.AGENT: agent,
        a.GEN_AI_AGENT: agent,
        a.GEN_AI_OPERATION: operation,
        a.GEN_AI_SYSTEM: system,
        a.GEN_AI_PROVIDER: system,
        a.GEN_AI_REQUEST_MODEL: model,
        **attrs,
    }
    with _span(f"{operation} {model}", SpanKind.CLIENT, fields) as span:
        yield ModelCall(span)


@contextmanager
def mcp_tool_span(
    workflow_id: str,
    agent: str,
    tool: str,
    *,
    server: str | None = None,
    call_id: str | None = None,
    **attrs: Any,
) -> Iterator[Span]:
    """A client span `"tools/call {tool}"` with `mcp.method.name`, `mcp.tool.name`,
    `gen_ai.tool.name`, `gen_ai.operation.name=execute_tool`, the server and the call id
    (the idempotency key, so a retried call is recognisable)."""
    fields = {
        a.WORKFLOW_ID: workflow_id,
        a.AGENT: agent,
        a.MCP_METHOD: "tools/call",
        a.MCP_TOOL: tool,
        a.MCP_SERVER: server,
        a.GEN_AI_TOOL_NAME: tool,
        a.GEN_AI_OPERATION: "execute_tool",
        a.GEN_AI_TOOL_CALL_ID: call_id,
        **attrs,
    }
    with _span(f"tools/call {tool}", SpanKind.CLIENT, fields) as span:
        yield span


def orchestration_event(
    context: ReplayAware, name: str, *, workflow_id: str | None = None, **attrs: Any
) -> None:
    """Emit a point-in-time span `name` for an orchestration step, stamped with the
    orchestration's deterministic clock; nothing while `context.is_replaying`.

    `workflow.id` is `workflow_id` when given (a sub-orchestration passes its coordinator's
    id so the whole workflow correlates), else the instance id; `orchestration.instance_id`
    is always the instance id."""
    if is_replay(context):
        return
    at = int(context.current_utc_datetime.timestamp() * 1_000_000_000)
    fields = a.clean_attributes(
        {
            a.WORKFLOW_ID: workflow_id or context.instance_id,
            a.ORCHESTRATION_INSTANCE_ID: context.instance_id,
            **attrs,
        }
    )
    span = tracer().start_span(name, kind=SpanKind.INTERNAL, attributes=fields, start_time=at)
    span.end(end_time=at)
