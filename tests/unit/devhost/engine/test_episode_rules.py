"""One episode at a time, without the engine's scheduling: what an episode writes and sends."""

import json
from datetime import UTC, datetime

from devhost.app_loader import FunctionIndex
from devhost.engine import history as h
from devhost.engine.episodes import EpisodeRunner, start_message
from devhost.engine.history import EventType
from devhost.engine.store import Batch, InstanceRow, MessageRow
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
