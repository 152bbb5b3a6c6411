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
from devhost.engine.replay import (
    NonDeterminismError,
    ReplayOutcome,
    flatten_actions,
    replay_actions,
)

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
    assert attempt[0].fail_immediately == "The retry timeout of this task has elapsed."


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


def test_a_sub_orchestration_gets_its_own_id_or_one_derived_from_its_position():
    actions = [
        {
            "actionType": 12,
            "compoundActions": [
                {"actionType": 2, "functionName": "child", "input": "1", "version": "2.0"},
                {"actionType": 2, "functionName": "child", "instanceId": "mine", "input": None},
                retry_action(1000, 2, 1, None) | {"actionType": 3, "functionName": "kid"},
            ],
        }
    ]
    tasks = replay(opening(), actions).new_tasks
    assert [(t.kind, t.task_id, t.name, t.instance_id, t.input, t.version) for t in tasks] == [
        ("suborchestration", 0, "child", f"{IID}:0000", "1", "2.0"),
        ("suborchestration", 1, "child", "mine", None, None),
        ("suborchestration", 2, "kid", f"{IID}:0002", None, None),
    ]
    assert [t.fail_immediately for t in tasks] == [None, None, None]


def test_a_durable_timer_fires_at_the_time_the_orchestrator_asked_for():
    due = T0 + timedelta(hours=1, microseconds=5)
    actions = [{"actionType": 5, "fireAt": h.format_time(due)}, activity("after")]
    (timer,) = replay(opening(), actions).new_tasks
    assert (timer.kind, timer.task_id, timer.fire_at) == ("timer", 0, due)
    history = [
        *opening(),
        h.new_event(EventType.TIMER_CREATED, T0, 0, FireAt=h.format_time(due)),
        h.orchestrator_started(due),
        h.timer_fired(due, 0, due),
    ]
    assert [(t.name, t.task_id) for t in replay(history, actions).new_tasks] == [("after", 1)]


def test_continue_as_new_ends_the_replay_with_its_input():
    actions = [activity("first"), {"actionType": 4, "input": '{"n": 1}'}]
    history = [*opening(), scheduled(0, "first"), h.orchestrator_started(T0), finished(0, False)]
    outcome = replay(history, actions)
    assert outcome.continued_as_new
    assert outcome.continue_as_new_input == '{"n": 1}'
    assert outcome.new_tasks == []
    assert outcome.all_awaited_done
    assert not replay(opening(), actions).continued_as_new


def test_work_still_awaited_keeps_the_orchestration_open():
    actions = [activity("one"), activity("two")]
    first = replay(opening(), actions)
    assert not first.all_awaited_done
    history = [*opening(), scheduled(0, "one"), h.orchestrator_started(T0), finished(0, False)]
    second = replay(history, actions)
    assert [(t.name, t.task_id) for t in second.new_tasks] == [("two", 1)]
    assert not second.all_awaited_done
    history += [scheduled(1, "two"), h.orchestrator_started(T0), finished(1, False)]
    assert replay(history, actions).all_awaited_done
    assert replay(opening(), []).all_awaited_done


def test_new_tasks_are_listed_in_the_order_they_were_scheduled():
    actions = fan(12, 12)
    tasks = replay(opening(), actions).new_tasks
    assert [t.task_id for t in tasks] == list(range(12))
    assert [t.name for t in tasks] == [f"child{i}" for i in range(12)]


def test_history_names_match_whatever_their_case():
    history = [*opening(), scheduled(0, "CHILD"), h.orchestrator_started(T0), finished(0, False)]
    outcome = replay(history, [activity("child"), activity("after")])
    assert [(t.name, t.task_id) for t in outcome.new_tasks] == [("after", 1)]


def test_a_completion_for_no_scheduled_task_is_ignored():
    history = [*opening(), scheduled(0, "child"), h.orchestrator_started(T0), finished(7, False)]
    outcome = replay(history, [activity("child"), activity("after")])
    assert outcome.new_tasks == []
    assert not outcome.all_awaited_done


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ([{"actionType": 8}], "call_http is not supported by devhost"),
        ([{"actionType": 42}], "Unknown action type 42"),
    ],
)
def test_actions_devhost_cannot_replay_are_refused_by_name(actions, message):
    with pytest.raises(NonDeterminismError) as refused:
        replay(opening(), actions)
    assert str(refused.value) == message


def test_the_sdks_action_list_is_read_as_one_flat_list():
    first, second = activity("a"), activity("b")
    assert flatten_actions([]) == []
    assert flatten_actions([[first, second]]) == [first, second]
    for old_schema in ([first, second], [first], [[first], [second]]):
        with pytest.raises(NonDeterminismError, match="schema V2 and later"):
            flatten_actions(old_schema)


def test_each_event_goes_to_the_next_waiter_of_its_name():
    waits = [
        {"actionType": 6, "externalEventName": "go"},
        {"actionType": 6, "externalEventName": "Go"},
        activity("after"),
    ]
    history = [*opening(), h.orchestrator_started(T0), h.event_raised(T0, "GO", "1")]
    first = replay(history, waits)
    assert first.new_tasks == []
    assert first.buffered_events == []
    history.append(h.event_raised(T0, "go", "2"))
    second = replay(history, waits)
    assert [(t.name, t.task_id) for t in second.new_tasks] == [("after", 0)]
    assert second.buffered_events == []


def test_a_waiter_takes_the_oldest_buffered_event_and_leaves_the_rest_in_order():
    history = [
        *opening(),
        h.orchestrator_started(T0),
        h.event_raised(T0, "go", "1"),
        h.event_raised(T0, "go", "1"),
        h.event_raised(T0, "go", "2"),
    ]
    outcome = replay(history, [{"actionType": 6, "externalEventName": "go"}])
    assert outcome.buffered_events == [("go", "1"), ("go", "2")]
    assert outcome.all_awaited_done


def test_an_event_with_no_name_is_buffered_under_the_empty_name():
    history = [*opening(), h.orchestrator_started(T0), h.new_event(EventType.EVENT_RAISED, T0)]
    assert replay(history, []).buffered_events == [("", None)]


def test_an_attempt_that_fails_after_the_last_retry_fails_the_task():
    action = retry_action(1000, 2, 1, None)
    history = [*opening(), scheduled(0, "flaky"), h.orchestrator_started(T0), finished(0, True)]
    due = T0 + timedelta(seconds=1)
    history += [
        h.new_event(EventType.TIMER_CREATED, T0, 1, FireAt=h.format_time(due)),
        h.orchestrator_started(due),
        h.timer_fired(due, 1, due),
        scheduled(2, "flaky"),
        h.orchestrator_started(due),
        finished(2, True, due),
    ]
    last_timer = replay(history, [action, activity("after")]).new_tasks
    assert [(t.kind, t.task_id, t.fire_at) for t in last_timer] == [
        ("timer", 3, due + timedelta(seconds=1))
    ]
    assert last_timer[0].fail_immediately is None


def test_an_event_raised_before_its_wait_is_reached_is_taken_from_the_buffer():
    actions = [activity("first"), {"actionType": 6, "externalEventName": "go"}, activity("after")]
    history = [
        *opening(),
        scheduled(0, "first"),
        h.orchestrator_started(T0),
        h.event_raised(T0, "other", "x"),
        h.event_raised(T0, "GO", "x"),
        h.event_raised(T0, "go", "z"),
        finished(0, False),
    ]
    outcome = replay(history, actions)
    assert [(t.name, t.task_id) for t in outcome.new_tasks] == [("after", 1)]
    assert outcome.buffered_events == [("other", "x"), ("go", "z")]


def test_task_any_over_nothing_is_done_at_once():
    outcome = replay(opening(), [{"actionType": 11, "compoundActions": []}, activity("after")])
    assert [(t.name, t.task_id) for t in outcome.new_tasks] == [("after", 0)]


def test_an_event_wins_a_race_with_a_timer():
    due = T0 + timedelta(minutes=5)
    race = {
        "actionType": 11,
        "compoundActions": [
            {"actionType": 6, "externalEventName": "Approval"},
            {"actionType": 5, "fireAt": h.format_time(due)},
        ],
    }
    actions = [race, activity("after")]
    history = [
        *opening(),
        h.new_event(EventType.TIMER_CREATED, T0, 0, FireAt=h.format_time(due)),
        h.orchestrator_started(T0),
        h.event_raised(T0, "approval", "true"),
    ]
    assert [(t.name, t.task_id) for t in replay(history, actions).new_tasks] == [("after", 1)]


def test_task_all_over_entity_calls_waits_for_every_response():
    calls = [entity_action(7, "get"), entity_action(7, "add", input="1")]
    actions = [{"actionType": 12, "compoundActions": calls}, activity("after")]
    ids = [json.loads(t.input or "")["id"] for t in replay(opening(), actions).new_tasks]
    history = [
        *opening(),
        h.new_event(EventType.EVENT_SENT, T0, 0, InstanceId="@counter@shared", Name="op"),
        h.new_event(EventType.EVENT_SENT, T0, 1, InstanceId="@counter@shared", Name="op"),
        h.orchestrator_started(T0),
        h.event_raised(T0, ids[1], "{}"),
    ]
    assert replay(history, actions).new_tasks == []
    history.append(h.event_raised(T0, ids[0], "{}"))
    assert [(t.name, t.task_id) for t in replay(history, actions).new_tasks] == [("after", 2)]


def test_task_all_over_retried_tasks_waits_for_every_one():
    retried = [retry_action(1000, 3, 1, None), retry_action(1000, 3, 1, None)]
    actions = [{"actionType": 12, "compoundActions": retried}, activity("after")]
    history = [*opening(), scheduled(0, "flaky"), scheduled(1, "flaky")]
    history += [h.orchestrator_started(T0), finished(1, False)]
    assert replay(history, actions).new_tasks == []
    history.append(finished(0, False))
    assert [(t.name, t.task_id) for t in replay(history, actions).new_tasks] == [("after", 2)]


def test_only_a_scheduled_signal_carries_a_due_time():
    due = h.format_time(T0 + timedelta(minutes=5))
    outcome = replay(opening(), [entity_action(9, fireAt=due)])
    assert [(t.kind, t.task_id) for t in outcome.new_tasks] == [("event_sent", 0)]
    assert "due" not in sent_message(outcome)


def test_an_orchestrator_on_the_original_schema_is_told_which_sdk_it_needs():
    message = (
        "The orchestrator returned actions in the original replay schema; devhost speaks "
        "schema V2 and later, as azure-functions-durable 1.2 and later do."
    )
    with pytest.raises(NonDeterminismError) as refused:
        flatten_actions([activity("a")])
    assert str(refused.value) == message


@pytest.mark.parametrize(("outer", "inner"), [(11, 12), (12, 11)])
def test_a_fan_in_nested_in_another_reports_to_it(outer: int, inner: int):
    nested = {"actionType": inner, "compoundActions": [activity("a"), activity("b")]}
    actions = [{"actionType": outer, "compoundActions": [nested]}, activity("after")]
    history = [*opening(), scheduled(0, "a"), scheduled(1, "b"), h.orchestrator_started(T0)]
    history.append(finished(1, False))
    first = replay(history, actions).new_tasks
    history.append(finished(0, False))
    assert [(t.name, t.task_id) for t in replay(history, actions).new_tasks] == [("after", 2)]
    assert first == ([] if inner == 12 else replay(history, actions).new_tasks)


def test_a_timer_wins_a_race_with_an_event():
    due = T0 + timedelta(minutes=5)
    race = {
        "actionType": 11,
        "compoundActions": [
            {"actionType": 6, "externalEventName": "Approval"},
            {"actionType": 5, "fireAt": h.format_time(due)},
        ],
    }
    history = [
        *opening(),
        h.new_event(EventType.TIMER_CREATED, T0, 0, FireAt=h.format_time(due)),
        h.orchestrator_started(due),
        h.timer_fired(due, 0, due),
    ]
    outcome = replay(history, [race, activity("after")])
    assert [(t.name, t.task_id) for t in outcome.new_tasks] == [("after", 1)]


ADVICE = (
    "Was a change made to the orchestrator code after this instance had already started running?"
)


@pytest.mark.parametrize(
    ("event", "what"),
    [
        (scheduled(0, "child"), "an activity task with sequence ID 0 and name 'child'"),
        (
            h.new_event(EventType.SUB_ORCHESTRATION_INSTANCE_CREATED, T0, 0, Name="child"),
            "a sub-orchestration with sequence ID 0 and name 'child'",
        ),
        (
            h.new_event(EventType.TIMER_CREATED, T0, 0, FireAt=h.format_time(T0)),
            "a durable timer with sequence ID 0",
        ),
        (
            h.new_event(EventType.EVENT_SENT, T0, 0, Name="op"),
            "an outbound event with sequence ID 0",
        ),
    ],
)
def test_work_in_the_history_that_the_code_does_not_schedule_is_named_in_full(event, what):
    with pytest.raises(NonDeterminismError) as refused:
        replay([*opening(), event], [{"actionType": 6, "externalEventName": "go"}])
    assert str(refused.value) == (
        "Non-Deterministic workflow detected: A previous execution of this orchestration "
        f"scheduled {what}, but the current replay execution hasn't (yet?) scheduled this "
        f"task. {ADVICE}"
    )


def test_work_scheduled_under_another_name_is_named_in_full():
    with pytest.raises(NonDeterminismError) as refused:
        replay([*opening(), scheduled(0, "other")], [activity("child")])
    assert str(refused.value) == (
        "Non-Deterministic workflow detected: A previous execution of this orchestration "
        "scheduled activity 'other' with sequence ID 0, but the current replay execution "
        f"scheduled 'child' instead. {ADVICE}"
    )
