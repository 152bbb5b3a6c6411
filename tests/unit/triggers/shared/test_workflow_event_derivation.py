"""Workflow events derived from histories: resuming from any event's id gives exactly the
events after it, and an orchestration or activity the stream does not know still shows."""

from __future__ import annotations

import pytest

from triggers.shared.errors import BadRequestError
from triggers.shared.workflow_events import (
    ROOT,
    Source,
    StreamEvent,
    format_cursor,
    new_events,
    parse_cursor,
)


def entry(kind: str, second: int, **fields: object) -> dict[str, object]:
    return {"EventType": kind, "Timestamp": f"2026-01-01T00:00:{second:02d}Z", **fields}


SOURCES = [
    Source(
        ROOT,
        "coordinator",
        [
            entry("ExecutionStarted", 0),
            entry(
                "TaskCompleted",
                1,
                FunctionName="plan",
                Result={"plan": {"tasks": [{"agent": "sales", "task": "t"}]}},
            ),
            entry("TimerFired", 2),
            entry(
                "TaskCompleted", 9, FunctionName="synthesize", Result={"synthesis": {"answer": "A"}}
            ),
            entry(
                "ExecutionCompleted",
                10,
                OrchestrationStatus="Completed",
                Result={"status": "completed"},
            ),
        ],
    ),
    Source(
        "review",
        "human_review",
        [
            entry("ExecutionStarted", 2),
            entry("EventRaised", 3, Name="reviewed"),
            entry("TaskFailed", 4, FunctionName="notify", Reason="smtp down"),
            entry("ExecutionCompleted", 5, OrchestrationStatus="Completed"),
        ],
    ),
    Source(
        "sales",
        "agent_run",
        [
            entry("ExecutionStarted", 5, Input={"agent": "sales", "task": "t"}),
            entry(
                "TaskCompleted", 6, FunctionName="llm_step", Result={"tool_calls": [{"name": "q"}]}
            ),
            entry(
                "TaskCompleted", 7, FunctionName="mcp_tool", Result={"tool": "q", "error": "boom"}
            ),
            entry("ExecutionCompleted", 8, Result={"agent": "sales", "status": "ok", "tokens": 3}),
        ],
    ),
]


def test_events_follow_time_and_name_what_happened():
    events, position = new_events(SOURCES, {}, "wf")
    assert [e.event for e in events] == [
        "workflow_started",
        "plan",
        "step_started",
        "event_raised",
        "activity",
        "step_ended",
        "agent_started",
        "model_step",
        "tool_call",
        "agent_finished",
        "answer",
        "workflow_ended",
    ]
    assert events[4].data == {
        "instance": "review",
        "name": "notify",
        "outcome": "failed",
        "error": "smtp down",
    }
    assert events[8].data == {"agent": "sales", "tool": "q", "outcome": "error", "error": "boom"}
    assert position == {ROOT: 5, "review": 4, "sales": 4}
    assert events[-1].id == format_cursor(position)


def test_resuming_from_any_event_gives_exactly_the_rest():
    events, _ = new_events(SOURCES, {}, "wf")
    assert len({e.id for e in events}) == len(events)
    for index, event in enumerate(events):
        rest, _ = new_events(SOURCES, parse_cursor(event.id), "wf")
        assert rest == events[index + 1 :]


def test_a_history_that_grew_gives_only_its_new_events():
    partial = [Source(s.key, s.name, s.history[:2]) for s in SOURCES]
    seen, position = new_events(partial, {}, "wf")
    later, _ = new_events(SOURCES, parse_cursor(seen[-1].id), "wf")
    everything, _ = new_events(SOURCES, {}, "wf")

    # The same events; their ids are the positions each stream reached, so they may differ.
    def what(events: list[StreamEvent]) -> list[str]:
        return sorted(repr((e.event, e.data)) for e in events)

    assert what(seen + later) == what(everything)
    assert parse_cursor(seen[-1].id) == position


@pytest.mark.parametrize(
    "text", ["@", "@=-1", "@=1,@=2", "a b=1", "x=1;y=2", "@=1," + "a=1," * 2000]
)
def test_a_last_event_id_this_stream_never_sent_is_refused(text: str):
    with pytest.raises(BadRequestError) as refused:
        parse_cursor(text)
    assert refused.value.body().detail[0].field == "Last-Event-ID"


def test_no_last_event_id_starts_at_the_beginning():
    assert parse_cursor(None) == parse_cursor(" ") == {}
