"""One episode at a time, without the engine's scheduling: what an episode writes and sends."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from devhost.app_loader import FunctionIndex
from devhost.engine import history as h
from devhost.engine.episodes import EpisodeRunner, played, played_text, start_message
from devhost.engine.history import EventType
from devhost.engine.store import ActivityRow, Batch, InstanceRow, MessageRow
from devhost.engine.types import RuntimeStatus

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def new_row(name: str, instance_id: str = "one") -> InstanceRow:
    return InstanceRow(
        instance_id, "e1", name, None, "Pending", None, None, None, 0.0, 0.0, None, None, None
    )


def tick(message_id: int, value: int) -> MessageRow:
    return MessageRow(message_id, "one", h.event_raised(T0, "tick", json.dumps(value)), 0.0)


def test_continue_as_new_carries_every_event_it_did_not_consume(feature_index: FunctionIndex):
    row = new_row("counter_loop")
    first = start_message(row, T0)
    first.id = 1
    batch = Batch()
    effects = EpisodeRunner(feature_index, None).run(
        row, [], [], [first, tick(2, 10), tick(3, 11), tick(4, 12)], T0, batch, {}
    )
    assert row.status == RuntimeStatus.CONTINUED_AS_NEW.value
    assert effects.consumed == [1, 2, 3, 4]
    sent = [(m.instance_id, m.event["EventType"], m.event.get("Input")) for m in batch.add_messages]
    assert sent == [
        ("one", EventType.EXECUTION_STARTED, json.dumps(json.dumps({"n": 1, "seen": [10]}))),
        ("one", EventType.EVENT_RAISED, "11"),
        ("one", EventType.EVENT_RAISED, "12"),
    ]
    assert batch.replace_history == {"one": []}
    assert effects.history_replaced


def test_a_suspended_instance_keeps_its_messages_for_later(feature_index: FunctionIndex):
    row = new_row("two_events")
    row.status = RuntimeStatus.SUSPENDED.value
    past = [h.orchestrator_started(T0), start_message(row, T0).event]
    effects = EpisodeRunner(feature_index, None).run(row, past, [], [tick(7, 1)], T0, Batch(), {})
    assert effects.consumed == []
    assert row.status == RuntimeStatus.SUSPENDED.value


def test_a_finished_child_reports_to_its_parent_task(feature_index: FunctionIndex):
    row = new_row("version_echo", "child")
    row.parent_instance_id, row.parent_task_id = "parent", 4
    batch = Batch()
    effects = EpisodeRunner(feature_index, "2.0").run(
        row, [], [], [start_message(row, T0, "parent-execution")], T0, batch, {}
    )
    assert effects.terminal
    (report,) = batch.add_messages
    assert report.instance_id == "parent"
    assert report.event["EventType"] == EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED
    assert report.event["TaskScheduledId"] == 4


def first_episode(index: FunctionIndex, row: InstanceRow, live: dict | None = None):
    """Start `row` and run its first episode; returns the runner, effects and batch."""
    runner = EpisodeRunner(index, "2.0")
    batch = Batch()
    effects = runner.run(row, [], [], [start_message(row, T0)], T0, batch, live or {})
    return runner, effects, batch


def next_episode(runner: EpisodeRunner, row: InstanceRow, before, messages: list[MessageRow]):
    batch = Batch()
    effects = runner.run(row, before.history, before.history_json, messages, T1, batch, {})
    return effects, batch


T1 = datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC)


def test_an_activity_is_recorded_and_queued_with_its_input(feature_index: FunctionIndex):
    row = new_row("uncaught_failure")
    _, effects, batch = first_episode(feature_index, row)
    scheduled = [e for e in effects.history if e["EventType"] == EventType.TASK_SCHEDULED]
    assert scheduled == [
        h.new_event(EventType.TASK_SCHEDULED, T0, 0, Name="double", Version="", Input="1")
    ]
    assert batch.add_activities == [ActivityRow(0, "one", "e1", 0, "double", "1", 0, None)]
    assert effects.new_activities == batch.add_activities
    assert effects.row is row
    assert row.status == RuntimeStatus.RUNNING.value
    assert row.updated_at == T0.timestamp()
    assert [e["EventType"] for e in effects.history] == [
        EventType.ORCHESTRATOR_STARTED,
        EventType.EXECUTION_STARTED,
        EventType.TASK_SCHEDULED,
        EventType.ORCHESTRATOR_COMPLETED,
    ]
    assert batch.append_history == [("one", i, played(e)) for i, e in enumerate(effects.history)]


def test_events_the_orchestrator_saw_are_stored_as_played_whatever_their_payload_says(
    feature_index: FunctionIndex,
):
    row = new_row("uncaught_failure")
    runner, first, _ = first_episode(feature_index, row)
    done = h.task_completed(T1, 0, json.dumps({"IsPlayed": False}))
    effects, batch = next_episode(runner, row, first, [MessageRow(9, "one", done, 0.0)])
    assert effects.history[:2] == [h.orchestrator_started(T1), done]
    assert effects.history_json == [played(e) for e in effects.history]
    assert batch.append_history == [("one", 4 + i, t) for i, t in enumerate(effects.history_json)]


def test_only_the_event_itself_is_marked_played_not_an_object_it_holds():
    event = h.new_event(EventType.GENERIC_EVENT, T0, Data={"IsPlayed": False})
    assert played_text(json.dumps(event)) == played(event)


@pytest.mark.parametrize("parent", [None, "parent"])
def test_an_orchestrator_that_raises_fails_with_its_message_and_stack(
    feature_index: FunctionIndex, parent: str | None
):
    row = new_row("uncaught_failure")
    row.parent_instance_id, row.parent_task_id = parent, 3 if parent else None
    runner, first, _ = first_episode(feature_index, row)
    done = h.task_completed(T1, 0, "2")
    effects, batch = next_episode(runner, row, first, [MessageRow(9, "one", done, 0.0)])
    assert effects.terminal
    assert effects.consumed == [9]
    assert row.status == RuntimeStatus.FAILED.value
    message = json.loads(row.output or "null")
    assert message == "Orchestrator function 'uncaught_failure' failed: 'missing-thing'"
    failure = json.loads(row.failure or "null")
    assert failure["ErrorType"] == "OrchestrationFailureException"
    assert failure["ErrorMessage"] == message
    assert "Traceback" in failure["StackTrace"]
    *_, completed, closing = effects.history
    assert completed["EventType"] == EventType.EXECUTION_COMPLETED
    assert completed["OrchestrationStatus"] == "Failed"
    assert completed["Result"] == row.output
    assert completed["FailureDetails"] == failure
    assert closing == h.orchestrator_completed(T1)
    reports = [(m.instance_id, m.event) for m in batch.add_messages]
    if parent is None:
        assert reports == []
    else:
        assert reports == [
            ("parent", h.sub_orchestration_failed(T1, 3, message, failure["StackTrace"]))
        ]


def test_a_failure_inside_devhost_fails_the_instance_and_closes_the_episode(
    feature_index: FunctionIndex,
):
    row = new_row("two_events")
    past = [h.orchestrator_started(T0), start_message(row, T0).event]
    batch = Batch()
    effects = EpisodeRunner(feature_index, None).internal_failure(row, past, T1, batch, "broke")
    assert effects.terminal
    assert row.status == RuntimeStatus.FAILED.value
    assert row.output == json.dumps("broke")
    failure = {
        "ErrorType": "OrchestrationFailureException",
        "ErrorMessage": "broke",
        "StackTrace": None,
    }
    assert effects.history == [
        h.orchestrator_started(T1),
        h.execution_completed(T1, "Failed", json.dumps("broke"), failure),
        h.orchestrator_completed(T1),
    ]
    assert [(i, seq) for i, seq, _ in batch.append_history] == [("one", 2), ("one", 3), ("one", 4)]
    assert batch.upsert_instances == [row]


def test_a_durable_timer_is_recorded_and_its_firing_queued_for_the_due_time(
    feature_index: FunctionIndex,
):
    row = new_row("approval")
    row.input = json.dumps(json.dumps(5))
    _, effects, batch = first_episode(feature_index, row)
    due = T0 + timedelta(seconds=5)
    created = [e for e in effects.history if e["EventType"] == EventType.TIMER_CREATED]
    assert created == [h.new_event(EventType.TIMER_CREATED, T0, 0, FireAt=h.format_time(due))]
    (fired,) = batch.add_messages
    assert (fired.id, fired.instance_id, fired.visible_at) == (0, "one", due.timestamp())
    assert fired.event == h.timer_fired(due, 0, due)
    assert effects.new_messages == batch.add_messages


def test_a_sub_orchestration_starts_its_child_with_the_parents_ids(feature_index: FunctionIndex):
    row = new_row("parent")
    _, effects, batch = first_episode(feature_index, row)
    created = [
        e for e in effects.history if e["EventType"] == EventType.SUB_ORCHESTRATION_INSTANCE_CREATED
    ]
    assert created == [
        h.new_event(
            EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
            T0,
            0,
            Name="chain",
            Version="",
            InstanceId="one-child",
            Input="3",
        )
    ]
    assert batch.purge_instances == ["one-child"]
    parent_row, child = batch.upsert_instances[-1], batch.upsert_instances[0]
    assert parent_row is row
    assert effects.new_rows == [child]
    assert len(child.execution_id) == 32
    assert child.execution_id != row.execution_id
    assert (child.instance_id, child.name, child.version, child.status) == (
        "one-child",
        "chain",
        "2.0",
        RuntimeStatus.PENDING.value,
    )
    assert (child.input, child.output, child.custom_status, child.failure) == (
        json.dumps("3"),
        None,
        None,
        None,
    )
    assert (child.created_at, child.updated_at) == (T0.timestamp(), T0.timestamp())
    assert (child.parent_instance_id, child.parent_task_id) == ("one", 0)
    (start,) = batch.add_messages
    assert (start.instance_id, start.visible_at) == ("one-child", T0.timestamp())
    assert start.event["ParentInstance"] == {
        "OrchestrationInstance": {"InstanceId": "one", "ExecutionId": "e1"},
        "TaskScheduleId": 0,
    }
    assert start.event["Input"] == json.dumps("3")


@pytest.mark.parametrize("already_running", [True, False])
def test_a_child_id_already_running_fails_the_parents_task(
    feature_index: FunctionIndex, already_running: bool
):
    twin = new_row("version_echo", "one-twin")
    live = {"one-twin": twin} if already_running else {}
    _, effects, batch = first_episode(feature_index, new_row("twin_children"), live)
    reason = "An orchestration instance with ID 'one-twin' already exists and is running."
    refusals = [
        (m.instance_id, m.event, m.visible_at)
        for m in batch.add_messages
        if m.event["EventType"] == EventType.SUB_ORCHESTRATION_INSTANCE_FAILED
    ]
    started = [r.instance_id for r in effects.new_rows]
    if already_running:
        assert started == []
        expected = [
            ("one", h.sub_orchestration_failed(T0, i, reason, None), T0.timestamp()) for i in (0, 1)
        ]
    else:
        assert started == ["one-twin"]
        expected = [("one", h.sub_orchestration_failed(T0, 1, reason, None), T0.timestamp())]
    assert refusals == expected
    assert all(m.id == 0 for m in batch.add_messages)


def test_entity_calls_and_signals_are_recorded_and_sent_to_the_entity(
    feature_index: FunctionIndex,
):
    _, effects, batch = first_episode(feature_index, new_row("use_counter"))
    sent = [e for e in effects.history if e["EventType"] == EventType.EVENT_SENT]
    assert [(e["EventId"], e["InstanceId"], e["Name"]) for e in sent] == [
        (0, "@counter@shared", "op"),
        (1, "@counter@shared", "op"),
    ]
    assert [m.instance_id for m in batch.add_messages] == ["@counter@shared"] * 2
    for event, message in zip(sent, batch.add_messages, strict=True):
        assert message.event == h.event_raised(T0, "op", event["Input"])
        assert (message.id, message.visible_at) == (0, T0.timestamp())
    requests = [json.loads(e["Input"]) for e in sent]
    assert [(r["op"], r["signal"], r["parent"]) for r in requests] == [
        ("add", True, None),
        ("add", False, "one"),
    ]


def test_a_terminated_child_tells_its_parent_it_was_terminated(feature_index: FunctionIndex):
    row = new_row("two_events", "child")
    row.parent_instance_id, row.parent_task_id = "parent", 2
    runner, first, _ = first_episode(feature_index, row)
    stop = MessageRow(4, "child", h.execution_terminated(T1, "enough"), 0.0)
    effects, batch = next_episode(runner, row, first, [stop])
    assert row.status == RuntimeStatus.TERMINATED.value
    assert row.output == json.dumps("enough")
    assert effects.consumed == [4]
    (report,) = batch.add_messages
    assert (report.id, report.instance_id, report.visible_at) == (0, "parent", T1.timestamp())
    assert report.event == h.sub_orchestration_failed(
        T1, 2, "Sub-orchestration 'two_events' was terminated.", None
    )


def test_a_completed_child_hands_its_output_to_its_parent(feature_index: FunctionIndex):
    row = new_row("version_echo", "child")
    row.parent_instance_id, row.parent_task_id = "parent", 4
    row.version = "3.1"
    _, effects, batch = first_episode(feature_index, row)
    (report,) = batch.add_messages
    assert (report.id, report.visible_at) == (0, T0.timestamp())
    assert report.event == h.sub_orchestration_completed(T0, 4, json.dumps("3.1"))
    assert [e["EventType"] for e in effects.history[-2:]] == [
        EventType.EXECUTION_COMPLETED,
        EventType.ORCHESTRATOR_COMPLETED,
    ]


def test_continue_as_new_starts_a_fresh_execution_of_the_same_instance(
    feature_index: FunctionIndex,
):
    row = new_row("counter_loop")
    first = start_message(row, T0)
    batch = Batch()
    effects = EpisodeRunner(feature_index, None).run(
        row, [], [], [first, tick(2, 10), tick(3, 11)], T0, batch, {}
    )
    assert len(row.execution_id) == 32
    assert row.execution_id != "e1"
    assert row.output is None
    assert batch.upsert_instances == [row]
    assert effects.row is row
    assert effects.history == []
    restart, carried = batch.add_messages
    assert restart.event["OrchestrationInstance"]["ExecutionId"] == row.execution_id
    assert (carried.id, carried.instance_id, carried.visible_at) == (0, "one", T0.timestamp())
    assert carried.event == h.event_raised(T0, "tick", "11")


def test_the_orchestrator_sees_its_parent_and_whether_it_is_replaying(
    feature_index: FunctionIndex,
):
    row = new_row("context_view", "child")
    row.parent_instance_id, row.parent_task_id = "dad", 1
    runner, first, _ = first_episode(feature_index, row)
    assert all(json.loads(text)["IsPlayed"] is True for text in first.history_json)
    assert all(e["IsPlayed"] is False for e in first.history)
    done = MessageRow(3, "child", h.task_completed(T1, 0, "2"), 0.0)
    next_episode(runner, row, first, [done])
    assert json.loads(row.output or "") == {
        "parent": "dad",
        "replaying": True,
        "replaying_after": False,
    }


@pytest.mark.parametrize("reason", ["enough", None])
def test_terminating_a_running_instance_ends_it_and_leaves_later_messages(
    feature_index: FunctionIndex, reason: str | None
):
    row = new_row("two_events")
    runner, first, _ = first_episode(feature_index, row)
    stop = MessageRow(4, "one", h.execution_terminated(T1, reason), 0.0)
    effects, batch = next_episode(runner, row, first, [stop, tick(5, 1)])
    output = None if reason is None else json.dumps(reason)
    assert (row.status, row.output) == (RuntimeStatus.TERMINATED.value, output)
    assert effects.consumed == [4]
    assert effects.history == [
        h.orchestrator_started(T1),
        stop.event,
        h.execution_completed(T1, "Terminated", output),
        h.orchestrator_completed(T1),
    ]
    assert batch.add_messages == []


def test_suspending_holds_later_events_until_resumed(feature_index: FunctionIndex):
    row = new_row("two_events")
    runner, first, _ = first_episode(feature_index, row)
    pause = MessageRow(4, "one", h.execution_suspended(T1, "wait"), 0.0)
    effects, batch = next_episode(runner, row, first, [pause, tick(5, 1)])
    assert row.status == RuntimeStatus.SUSPENDED.value
    assert effects.consumed == [4]
    assert effects.history == [
        h.orchestrator_started(T1),
        pause.event,
        h.orchestrator_completed(T1),
    ]
    start = len(first.history)
    assert [seq for _, seq, _ in batch.append_history] == [start, start + 1, start + 2]
    assert batch.upsert_instances == [row]
    resume = MessageRow(6, "one", h.execution_resumed(T1, None), 0.0)
    runner2 = EpisodeRunner(feature_index, "2.0")
    past = [*first.history, *effects.history]
    past_json = [*first.history_json, *effects.history_json]
    later = runner2.run(row, past, past_json, [resume, tick(5, 1)], T1, Batch(), {})
    assert later.consumed == [6, 5]
    assert row.status == RuntimeStatus.RUNNING.value


def test_a_resume_in_the_same_delivery_as_the_suspension_is_not_held_back(
    feature_index: FunctionIndex,
):
    row = new_row("two_events")
    runner, first, _ = first_episode(feature_index, row)
    pause = MessageRow(4, "one", h.execution_suspended(T1, None), 0.0)
    resume = MessageRow(6, "one", h.execution_resumed(T1, None), 0.0)
    effects, _ = next_episode(runner, row, first, [pause, tick(5, 1), resume])
    assert effects.consumed == [4, 6]
    assert row.status == RuntimeStatus.RUNNING.value


def test_a_suspended_instance_with_only_other_messages_writes_nothing(
    feature_index: FunctionIndex,
):
    row = new_row("two_events")
    row.status = RuntimeStatus.SUSPENDED.value
    past = [h.orchestrator_started(T0), start_message(row, T0).event]
    batch = Batch()
    effects = EpisodeRunner(feature_index, None).run(row, past, [], [tick(7, 1)], T1, batch, {})
    assert batch.is_empty()
    assert effects.history is None
    assert row.status == RuntimeStatus.SUSPENDED.value


def test_messages_for_an_execution_not_yet_started_wait(feature_index: FunctionIndex):
    row = new_row("two_events")
    batch = Batch()
    effects = EpisodeRunner(feature_index, None).run(row, [], [], [tick(7, 1)], T0, batch, {})
    assert effects.consumed == []
    assert batch.is_empty()
    assert row.status == "Pending"


def test_a_finished_orchestration_records_its_output_and_custom_status(
    feature_index: FunctionIndex,
):
    row = new_row("status_and_ids")
    runner, first, _ = first_episode(feature_index, row)
    assert row.custom_status == json.dumps({"phase": "started"})
    done = MessageRow(3, "one", h.task_completed(T1, 0, "2"), 0.0)
    effects, _ = next_episode(runner, row, first, [done])
    assert effects.terminal
    assert row.status == RuntimeStatus.COMPLETED.value
    assert row.custom_status == json.dumps({"phase": "done"})
    assert json.loads(row.output or "")["uuids"][0] != json.loads(row.output or "")["uuids"][1]
    assert effects.history[-2] == h.execution_completed(T1, "Completed", row.output)


@pytest.mark.parametrize(
    ("name", "past", "message"),
    [
        ("nope", [], "The orchestrator function 'nope' doesn't exist."),
        ("fails_at_once", [], "Orchestrator function 'fails_at_once' failed: no start"),
        (
            "chain",
            [h.new_event(EventType.TASK_SCHEDULED, T0, 0, Name="other", Version="", Input="1")],
            "Non-Deterministic workflow detected: A previous execution of this orchestration "
            "scheduled ",
        ),
    ],
)
def test_an_orchestration_that_cannot_run_fails_with_the_reason(
    feature_index: FunctionIndex, name: str, past: list, message: str
):
    row = new_row(name)
    history = [h.orchestrator_started(T0), start_message(row, T0).event, *past] if past else []
    messages = [tick(9, 1)] if past else [start_message(row, T0)]
    effects = EpisodeRunner(feature_index, None).run(row, history, [], messages, T1, Batch(), {})
    assert effects.terminal
    assert row.status == RuntimeStatus.FAILED.value
    assert json.loads(row.output or "").startswith(message)
    failure = json.loads(row.failure or "")
    assert failure["ErrorMessage"] == json.loads(row.output or "")
    assert (failure["StackTrace"] is not None) == (name == "fails_at_once")


def test_a_start_message_names_the_instance_and_execution(feature_index: FunctionIndex):
    row = new_row("chain")
    row.version, row.input = "1.5", json.dumps("3")
    started = start_message(row, T0)
    assert (started.id, started.instance_id, started.visible_at) == (0, "one", T0.timestamp())
    assert started.event == h.execution_started(T0, "chain", json.dumps("3"), "one", "e1", "1.5")
    assert started.event["ParentInstance"] is None
