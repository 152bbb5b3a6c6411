"""The agent metrics: the article's names, their attributes and values, and no recording at
all while an orchestration replays."""

from __future__ import annotations

import pytest
from fake_orchestration import FakeOrchestrationContext

from core.telemetry import (
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


def test_metric_names_are_the_articles():
    assert (REQUESTS, RESPONSE_TIME, ERRORS, ACTIVE_WORKFLOWS, TOKENS) == (
        "agent_requests_total",
        "agent_response_time",
        "agent_errors_total",
        "active_workflows",
        "agent_tokens_total",
    )


def test_a_successful_request_counts_a_request_and_its_latency(recorded):
    record_agent_request("smart_city", "incident", 120.0, ok=True)
    record_agent_request("smart_city", "incident", 80.0, ok=True)

    assert recorded.values(REQUESTS) == {(("agent", "smart_city"), ("query_type", "incident")): 2}
    assert recorded.values(RESPONSE_TIME) == {(("agent", "smart_city"),): (2, 200.0)}
    assert ERRORS not in recorded.names()


def test_a_failed_request_also_counts_an_error_by_type(recorded):
    record_agent_request("enterprise", "report", 5000.0, ok=False, error_type="timeout")
    record_agent_request("enterprise", "report", 10.0, ok=False)

    assert recorded.values(ERRORS) == {
        (("agent", "enterprise"), ("error_type", "timeout")): 1,
        (("agent", "enterprise"), ("error_type", "unknown")): 1,
    }
    assert recorded.values(REQUESTS) == {(("agent", "enterprise"), ("query_type", "report")): 2}


def test_tokens_count_by_agent_model_and_direction(recorded):
    record_tokens("customer_support", "gpt-4o", 100, 20)
    record_tokens("customer_support", "gpt-4o", 50, 5)

    assert recorded.values(TOKENS) == {
        (("agent", "customer_support"), ("model", "gpt-4o"), ("token_type", "input")): 150,
        (("agent", "customer_support"), ("model", "gpt-4o"), ("token_type", "output")): 25,
    }


def test_active_workflows_go_up_and_down(recorded):
    workflow_started("coordinator")
    workflow_started("coordinator")
    workflow_finished("coordinator")

    assert recorded.values(ACTIVE_WORKFLOWS) == {(("workflow", "coordinator"),): 1}


def test_nothing_is_recorded_while_an_orchestration_replays(recorded):
    replaying = FakeOrchestrationContext(is_replaying=True)

    record_agent_request("smart_city", "incident", 10.0, ok=False, context=replaying)
    record_tokens("smart_city", "gpt-4o", 10, 10, context=replaying)
    workflow_started("coordinator", context=replaying)
    workflow_finished("coordinator", context=replaying)

    assert recorded.names() == set()


def test_the_first_execution_of_a_step_is_recorded(recorded):
    live = FakeOrchestrationContext(is_replaying=False)

    record_agent_request("smart_city", "incident", 10.0, ok=True, context=live)
    workflow_started("coordinator", context=live)

    assert recorded.values(REQUESTS) == {(("agent", "smart_city"), ("query_type", "incident")): 1}
    assert recorded.values(ACTIVE_WORKFLOWS) == {(("workflow", "coordinator"),): 1}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: record_agent_request("a", "q", 1.0, ok=True, error_type="x"), "error_type"),
        (lambda: record_agent_request("a", "q", -1.0, ok=True), "latency_ms"),
        (lambda: record_tokens("a", "m", -1, 0), "token counts"),
    ],
)
def test_impossible_values_are_refused(recorded, call, message):
    with pytest.raises(ValueError, match=message):
        call()
