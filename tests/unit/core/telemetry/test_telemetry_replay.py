"""Replay safety through the real Durable SDK: an orchestrator that emits events and metrics
is run on histories as the host sends them; only steps executed for the first time emit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import azure.durable_functions as df
from fake_orchestration import FakeOrchestrationContext

from core.telemetry import (
    ACTIVE_WORKFLOWS,
    orchestration_event,
    workflow_finished,
    workflow_started,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)


def instrumented(context: df.DurableOrchestrationContext) -> Any:
    workflow_started("coordinator", context=context)
    orchestration_event(context, "coordinator.planning", phase="planning")
    plan = yield context.call_activity("plan", "q")
    orchestration_event(context, "coordinator.planned", plan=plan)
    workflow_finished("coordinator", context=context)
    return plan


def event(kind: int, event_id: int, played: bool, at: datetime, **fields: Any) -> dict[str, Any]:
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "EventType": kind,
        "EventId": event_id,
        "IsPlayed": played,
        "Timestamp": stamp,
        **fields,
    }


def first_episode(played: bool) -> list[dict[str, Any]]:
    return [
        event(12, -1, played, T0),
        event(0, -1, played, T0, Name="instrumented", Input='"q"', Version=""),
    ]


def run(history: list[dict[str, Any]]) -> dict[str, Any]:
    body = {
        "history": history,
        "instanceId": "wf-42",
        "isReplaying": False,
        "parentInstanceId": None,
        "input": '"q"',
        "upperSchemaVersion": 2,
    }
    context = df.DurableOrchestrationContext.from_json(json.dumps(body))
    return json.loads(df.Orchestrator(instrumented).handle(context))


def test_first_episode_emits_the_start(spans, recorded):
    state = run(first_episode(played=False))

    assert not state["isDone"]
    assert [s.name for s in spans.get_finished_spans()] == ["coordinator.planning"]
    assert recorded.values(ACTIVE_WORKFLOWS) == {(("workflow", "coordinator"),): 1}


def test_replayed_steps_emit_nothing_new_steps_emit_once(spans, recorded):
    history = [
        *first_episode(played=True),
        event(4, 0, True, T0, Name="plan"),
        event(13, -1, True, T0),
        event(12, -1, False, T1),
        event(5, -1, False, T1, TaskScheduledId=0, Result='"the plan"'),
    ]

    state = run(history)

    assert state["isDone"]
    (span,) = spans.get_finished_spans()
    assert span.name == "coordinator.planned"
    assert dict(span.attributes) == {
        "workflow.id": "wf-42",
        "orchestration.instance_id": "wf-42",
        "plan": "the plan",
    }
    assert span.start_time == span.end_time == int(T1.timestamp() * 1_000_000_000)
    assert recorded.values(ACTIVE_WORKFLOWS) == {(("workflow", "coordinator"),): -1}


def test_a_sub_orchestration_event_carries_its_coordinators_workflow_id(spans):
    context = FakeOrchestrationContext(is_replaying=False, instance_id="wf-1:smart_city")

    orchestration_event(context, "agent_run.step", workflow_id="wf-1", step=2)

    (span,) = spans.get_finished_spans()
    assert dict(span.attributes) == {
        "workflow.id": "wf-1",
        "orchestration.instance_id": "wf-1:smart_city",
        "step": 2,
    }


def test_orchestration_event_is_silent_while_replaying(spans):
    orchestration_event(FakeOrchestrationContext(is_replaying=True), "coordinator.planning")

    assert spans.get_finished_spans() == ()
