"""The replay rules the extension applies, checked as properties over generated histories:
fan-in waits for every child, fan-any for the first, retry timers wait the policy's interval."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devhost.engine import history as h
from devhost.engine.history import Event, EventType
from devhost.engine.replay import NonDeterminismError, ReplayOutcome, replay_actions

T0 = datetime(2026, 1, 1, tzinfo=UTC)
IID = "replayed"


def activity(name: str) -> dict:
    return {"actionType": 0, "functionName": name, "input": None}


def opening() -> list[Event]:
    return [
        h.orchestrator_started(T0),
        h.execution_started(T0, "orchestrator", None, IID, "e1", None),
    ]


def scheduled(task_id: int, name: str) -> Event:
    return h.new_event(EventType.TASK_SCHEDULED, T0, task_id, Name=name)


def finished(task_id: int, failed: bool, at: datetime = T0) -> Event:
    if failed:
        return h.task_failed(at, task_id, "it failed", None)
    return h.task_completed(at, task_id, "1")


def replay(history: list[Event], actions: list[dict]) -> ReplayOutcome:
    return replay_actions(IID, history, actions)


def fan(kind: int, size: int) -> list[dict]:
    children = [activity(f"child{i}") for i in range(size)]
    return [{"actionType": kind, "compoundActions": children}, activity("after")]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), size=st.integers(1, 6))
def test_task_all_finishes_only_after_every_child_even_when_one_fails(data, size):
    order = data.draw(st.permutations(range(size)))
    failures = data.draw(st.lists(st.booleans(), min_size=size, max_size=size))
    actions = fan(12, size)
    history = opening() + [scheduled(i, f"child{i}") for i in range(size)]
    first = replay(history, actions)
    assert [t.name for t in first.new_tasks] == []
    for done, task_id in enumerate(order, start=1):
        history.append(h.orchestrator_started(T0))
        history.append(finished(task_id, failures[task_id]))
        outcome = replay(history, actions)
        if done < size:
            assert outcome.new_tasks == [], f"scheduled after {done} of {size} children"
        else:
            assert [(t.name, t.task_id) for t in outcome.new_tasks] == [("after", size)]


@settings(max_examples=40, deadline=None)
@given(size=st.integers(1, 6), winner=st.integers(0, 5), failed=st.booleans())
def test_task_any_finishes_with_the_first_child(size, winner, failed):
    winner %= size
    actions = fan(11, size)
    history = opening() + [scheduled(i, f"child{i}") for i in range(size)]
    assert replay(history, actions).new_tasks == []
    history += [h.orchestrator_started(T0), finished(winner, failed)]
    outcome = replay(history, actions)
    assert [(t.name, t.task_id) for t in outcome.new_tasks] == [("after", size)]


def test_a_fan_in_over_nothing_is_done_at_once():
    outcome = replay(opening(), [{"actionType": 12, "compoundActions": []}, activity("after")])
    assert [(t.name, t.task_id) for t in outcome.new_tasks] == [("after", 0)]


def retry_action(first_ms: int, attempts: int, coefficient: int, max_ms: int | None) -> dict:
    options = {
        "firstRetryIntervalInMilliseconds": first_ms,
        "maxNumberOfAttempts": attempts,
        "backoffCoefficient": coefficient,
    }
    if max_ms is not None:
        options["maxRetryIntervalInMilliseconds"] = max_ms
    return {"actionType": 1, "functionName": "flaky", "input": None, "retryOptions": options}


@settings(max_examples=60, deadline=None)
@given(
    first_ms=st.integers(1, 10**7),
    attempts=st.integers(1, 5),
    coefficient=st.integers(1, 3),
    max_ms=st.none() | st.integers(1, 10**7),
    gaps=st.lists(st.integers(0, 10**6), min_size=5, max_size=5),
)
def test_each_retry_timer_fires_the_policy_interval_after_the_failure(
    first_ms, attempts, coefficient, max_ms, gaps
):
    actions = [retry_action(first_ms, attempts, coefficient, max_ms)]
    history = opening()
    task_id, now = 0, T0
    assert [(t.kind, t.task_id) for t in replay(history, actions).new_tasks] == [("activity", 0)]
    for attempt in range(attempts):
        history.append(scheduled(task_id, "flaky"))
        now += timedelta(milliseconds=gaps[attempt])
        history += [h.orchestrator_started(now), finished(task_id, failed=True, at=now)]
        timer = replay(history, actions).new_tasks
        interval = timedelta(milliseconds=first_ms * coefficient**attempt)
        if max_ms is not None:
            interval = min(interval, timedelta(milliseconds=max_ms))
        assert [(t.kind, t.task_id) for t in timer] == [("timer", task_id + 1)]
        fire_at = timer[0].fire_at
        assert fire_at is not None
        assert fire_at - now == interval
        history.append(
            h.new_event(EventType.TIMER_CREATED, now, task_id + 1, FireAt=h.format_time(fire_at))
        )
        now = fire_at
        history += [h.orchestrator_started(now), h.timer_fired(now, task_id + 1, fire_at)]
        outcome = replay(history, actions)
        task_id += 2
        if attempt + 1 < attempts:
            assert [(t.kind, t.name, t.task_id) for t in outcome.new_tasks] == [
                ("activity", "flaky", task_id)
            ]
            assert not outcome.all_awaited_done
        else:
            assert outcome.new_tasks == []
            assert outcome.all_awaited_done


def test_a_retried_task_that_succeeds_needs_no_timer():
    actions = [retry_action(1000, 3, 1, None), activity("after")]
    history = [*opening(), scheduled(0, "flaky"), h.orchestrator_started(T0), finished(0, False)]
    assert [(t.name, t.task_id) for t in replay(history, actions).new_tasks] == [("after", 1)]


def test_an_attempt_after_the_retry_timeout_is_failed_without_running():
    action = retry_action(1000, 5, 1, None)
    action["retryOptions"]["retryTimeoutInMilliseconds"] = 1500
    later = T0 + timedelta(seconds=2)
    history = [
        *opening(),
        scheduled(0, "flaky"),
        h.orchestrator_started(later),
        finished(0, True, later),
    ]
    timer = replay(history, [action]).new_tasks
    assert [(t.kind, t.fire_at) for t in timer] == [("timer", later)]
    history += [
        h.new_event(EventType.TIMER_CREATED, later, 1, FireAt=h.format_time(later)),
        h.orchestrator_started(later),
        h.timer_fired(later, 1, later),
    ]
    attempt = replay(history, [action]).new_tasks
    assert [(t.kind, t.task_id) for t in attempt] == [("activity", 2)]
    assert attempt[0].fail_immediately


def test_history_naming_another_activity_is_non_deterministic():
    history = [*opening(), scheduled(0, "other")]
    with pytest.raises(NonDeterminismError, match="scheduled activity 'other' with sequence ID 0"):
        replay(history, [activity("child")])


def test_history_with_work_the_code_no_longer_schedules_is_non_deterministic():
    history = [*opening(), h.new_event(EventType.TIMER_CREATED, T0, 0, FireAt=h.format_time(T0))]
    with pytest.raises(NonDeterminismError, match="a durable timer with sequence ID 0"):
        replay(history, [activity("child")])


def entity_action(kind: int, operation: str = "add", **extra: object) -> dict:
    return {"actionType": kind, "instanceId": "@counter@shared", "operation": operation, **extra}


def sent_message(outcome: ReplayOutcome) -> dict:
    (task,) = [t for t in outcome.new_tasks if t.kind == "event_sent"]
    assert (task.instance_id, task.name) == ("@counter@shared", "op")
    return json.loads(task.input or "{}")


def test_a_signal_is_sent_without_waiting_and_names_no_parent():
    actions = [entity_action(9, input="5"), activity("after")]
    outcome = replay(opening(), actions)
    message = sent_message(outcome)
    assert (message["op"], message["signal"], message["input"]) == ("add", True, "5")
    assert message["parent"] is None
    assert "due" not in message
    assert [(t.name, t.task_id) for t in outcome.new_tasks if t.kind == "activity"] == [
        ("after", 1)
    ]


def test_a_scheduled_signal_carries_its_due_time():
    due = h.format_time(T0 + timedelta(minutes=5))
    message = sent_message(replay(opening(), [entity_action(10, fireAt=due)]))
    assert (message["signal"], message["due"]) == (True, due)


def test_a_call_waits_for_the_response_addressed_to_its_request_id():
    actions = [entity_action(7, "get"), activity("after")]
    first = replay(opening(), actions)
    message = sent_message(first)
    assert (message["op"], message["signal"], message["parent"]) == ("get", False, IID)
    assert [t.kind for t in first.new_tasks] == ["event_sent"]
    # The same instance and position always give the same request id; others differ.
    assert sent_message(replay(opening(), actions))["id"] == message["id"]
    assert sent_message(replay_actions("other", opening(), actions))["id"] != message["id"]
    history = [
        *opening(),
        h.new_event(EventType.EVENT_SENT, T0, 0, InstanceId="@counter@shared", Name="op"),
        h.orchestrator_started(T0),
        h.event_raised(T0, "unrelated", "1"),
    ]
    assert replay(history, actions).new_tasks == []
    history.append(h.event_raised(T0, message["id"], "7"))
    assert [(t.name, t.task_id) for t in replay(history, actions).new_tasks] == [("after", 1)]


def test_events_raised_before_anyone_waits_are_kept_in_order_per_name():
    history = [
        *opening(),
        h.orchestrator_started(T0),
        h.event_raised(T0, "Go", "1"),
        h.event_raised(T0, "other", "2"),
        h.event_raised(T0, "go", "3"),
    ]
    waits = [{"actionType": 6, "externalEventName": "GO"}, activity("after")]
    outcome = replay(history, waits)
    assert [(t.name, t.task_id) for t in outcome.new_tasks] == [("after", 0)]
    assert outcome.buffered_events == [("other", "2"), ("go", "3")]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            h.new_event(EventType.SUB_ORCHESTRATION_INSTANCE_CREATED, T0, 0, Name="child"),
            "scheduled suborchestration 'child' with sequence ID 0, but the current replay "
            "execution scheduled 'other'",
        ),
        (
            h.new_event(EventType.EVENT_SENT, T0, 0, Name="op"),
            "scheduled an outbound event with sequence ID 0",
        ),
        (
            h.new_event(EventType.TASK_SCHEDULED, T0, 3, Name="child"),
            "scheduled an activity task with sequence ID 3 and name 'child'",
        ),
    ],
)
def test_non_determinism_names_what_the_history_recorded(event, expected):
    actions = [{"actionType": 2, "functionName": "other"}]
    with pytest.raises(NonDeterminismError, match=re.escape(expected)):
        replay([*opening(), event], actions)
