"""Spans of activities, model calls and MCP tool calls: names, kinds, attributes, failures."""

from __future__ import annotations

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from core.telemetry import (
    activity_span,
    clean_attributes,
    mark_failed,
    mcp_tool_span,
    model_call_span,
    tracing,
)


def test_activity_span_carries_the_workflow_agent_and_extra_attributes(spans):
    with activity_span("llm_step", "wf-1", "smart_city", step=2, **{"app.offline": True}):
        pass

    (span,) = spans.get_finished_spans()
    assert span.name == "llm_step"
    assert span.kind is SpanKind.INTERNAL
    assert dict(span.attributes) == {
        "workflow.id": "wf-1",
        "agent.name": "smart_city",
        "step": 2,
        "app.offline": True,
    }


def test_a_failing_activity_marks_its_span_and_reraises(spans):
    with pytest.raises(TimeoutError), activity_span("mcp_tool", "wf-1", "enterprise"):
        raise TimeoutError("slow")

    (span,) = spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "TimeoutError"
    assert span.events[0].name == "exception"


def test_model_call_span_follows_the_gen_ai_conventions(spans):
    with model_call_span(
        "wf-1", "customer_support", system="azure.ai.openai", model="gpt-4o"
    ) as call:
        call.record_usage(120, 30, response_model="gpt-4o-2024-11-20")

    (span,) = spans.get_finished_spans()
    assert span.name == "chat gpt-4o"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes) == {
        "workflow.id": "wf-1",
        "agent.name": "customer_support",
        "gen_ai.agent.name": "customer_support",
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "azure.ai.openai",
        "gen_ai.provider.name": "azure.ai.openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o-2024-11-20",
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 30,
    }


def test_mcp_tool_span_names_the_tool_server_and_call(spans):
    with mcp_tool_span(
        "wf-1", "smart_city", "get_sensor", server="smart-city", call_id="wf-1:smart_city:0"
    ):
        pass

    (span,) = spans.get_finished_spans()
    assert span.name == "tools/call get_sensor"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes) == {
        "workflow.id": "wf-1",
        "agent.name": "smart_city",
        "mcp.method.name": "tools/call",
        "mcp.tool.name": "get_sensor",
        "mcp.server.name": "smart-city",
        "gen_ai.tool.name": "get_sensor",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.call.id": "wf-1:smart_city:0",
    }


def test_a_tool_error_answer_can_fail_the_span_without_an_exception(spans):
    with mcp_tool_span("wf-1", "enterprise", "lookup") as span:
        mark_failed(span, "tool_error", "no such employee")

    (finished,) = spans.get_finished_spans()
    assert finished.status.status_code is StatusCode.ERROR
    assert finished.status.description == "no such employee"
    assert finished.attributes["error.type"] == "tool_error"


def test_spans_of_one_activity_nest_and_share_the_workflow_id(spans):
    with activity_span("llm_step", "wf-7", "enterprise"):
        with model_call_span("wf-7", "enterprise", system="offline", model="rules"):
            pass
        with mcp_tool_span("wf-7", "enterprise", "lookup"):
            pass

    model, tool, activity = spans.get_finished_spans()
    assert {s.attributes["workflow.id"] for s in (model, tool, activity)} == {"wf-7"}
    assert model.parent.span_id == activity.context.span_id
    assert tool.parent.span_id == activity.context.span_id


def test_attribute_values_are_cleaned():
    assert clean_attributes({"a": None, "b": ["x", "y"], "c": {"k": 1}, "d": 1.5}) == {
        "b": ["x", "y"],
        "c": "{'k': 1}",
        "d": 1.5,
    }


def test_with_telemetry_off_a_span_records_nothing_and_errors_still_propagate():
    assert not tracing()  # no tracer provider installed: the API's own proxy

    with mcp_tool_span("wf-1", "enterprise", "lookup") as span:
        mark_failed(span, "tool_error", "no such employee")
    assert not span.is_recording()
    with pytest.raises(TimeoutError), activity_span("mcp_tool", "wf-1", "enterprise"):
        raise TimeoutError


def test_installing_a_tracer_provider_turns_tracing_on(spans):
    assert tracing()
