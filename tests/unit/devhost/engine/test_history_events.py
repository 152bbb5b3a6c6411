"""History events carry the Durable Task Framework's field names, which the Python SDK reads
during replay and the status API shows; a field under another name is lost to both."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devhost.app_loader import FunctionIndex
from devhost.engine import history as h
from devhost.engine.episodes import EpisodeRunner, start_message
from devhost.engine.history import EventType
from devhost.engine.store import Batch, InstanceRow, MessageRow

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = T0 + timedelta(seconds=1)
STAMP = "2026-01-01T00:00:00.0000000Z"
text = st.text(max_size=20)
maybe_text = st.none() | text


def common(event_type: EventType, event_id: int = -1) -> dict:
    return {
        "EventType": int(event_type),
        "EventId": event_id,
        "IsPlayed": False,
        "Timestamp": STAMP,
    }


def test_utc_now_is_timezone_aware_utc():
    assert h.utc_now().tzinfo is UTC


def test_naive_and_padded_iso_text_parse_to_utc():
    assert h.parse_time("2024-05-01T10:00:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert h.parse_time(" 2024-05-01T10:00:00.1234567Z ") == datetime(
        2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC
    )


@settings(deadline=None)
@given(
    name=text,
    input_json=maybe_text,
    instance_id=text,
    execution_id=text,
    version=maybe_text,
    parent=st.none() | st.just({"TaskScheduleId": 3}),
)
def test_execution_started_names_the_instance_and_its_parent(
    name, input_json, instance_id, execution_id, version, parent
):
    event = h.execution_started(T0, name, input_json, instance_id, execution_id, version, parent)
    assert event == {
        **common(EventType.EXECUTION_STARTED),
        "OrchestrationInstance": {"InstanceId": instance_id, "ExecutionId": execution_id},
        "ParentInstance": parent,
        "Name": name,
        "Version": version or "",
        "Input": input_json,
        "Tags": None,
    }


@settings(deadline=None)
@given(status=text, result=maybe_text, failure=st.none() | st.just({"ErrorMessage": "x"}))
def test_execution_completed_carries_status_result_and_failure(status, result, failure):
    assert h.execution_completed(T0, status, result, failure) == {
        **common(EventType.EXECUTION_COMPLETED),
        "OrchestrationStatus": status,
        "Result": result,
        "FailureDetails": failure,
    }


@settings(deadline=None)
@given(reason=maybe_text, data=text, task_id=st.integers(0, 99))
def test_control_events_carry_their_reason_or_data(reason, data, task_id):
    assert h.execution_suspended(T0, reason) == {
        **common(EventType.EXECUTION_SUSPENDED),
        "Reason": reason,
    }
    assert h.execution_resumed(T0, reason) == {
        **common(EventType.EXECUTION_RESUMED),
        "Reason": reason,
    }
    assert h.execution_terminated(T0, reason) == {
        **common(EventType.EXECUTION_TERMINATED),
        "Input": reason,
    }
    assert h.generic_event(T0, data) == {**common(EventType.GENERIC_EVENT), "Data": data}
    assert h.timer_fired(T0, task_id, T1) == {
        **common(EventType.TIMER_FIRED),
        "TimerId": task_id,
        "FireAt": h.format_time(T1),
    }


def run_to_end(index: FunctionIndex, name: str, outcome: dict) -> str | None:
    """Run orchestrator `name` to its first task, deliver `outcome` for it, return the output."""
    row = InstanceRow(
        "one", "e1", name, None, "Pending", None, None, None, 0.0, 0.0, None, None, None
    )
    runner = EpisodeRunner(index, None)
    first = runner.run(row, [], [], [start_message(row, T0)], T0, Batch(), {})
    assert first.history is not None
    message = MessageRow(5, "one", outcome, 0.0)
    runner.run(row, first.history, first.history_json, [message], T1, Batch(), {})
    return row.output


def test_an_orchestrator_sees_the_reason_and_details_of_a_failed_activity(
    feature_index: FunctionIndex,
):
    failed = h.task_failed(T1, 0, "boom: x", "at line 3")
    assert json.loads(run_to_end(feature_index, "catches_failure", failed) or "") == (
        "boom: x \n at line 3"
    )


def test_an_orchestrator_sees_the_reason_and_details_of_a_failed_child(
    feature_index: FunctionIndex,
):
    failed = h.sub_orchestration_failed(T1, 0, "child broke", "at line 9")
    assert json.loads(run_to_end(feature_index, "parent_of_failure", failed) or "") == (
        "child broke \n at line 9"
    )


@settings(deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
    position=st.sampled_from([4, 19, 20, 23, 27]),
)
def test_a_timestamp_with_a_broken_separator_or_digit_is_refused(moment, position):
    text = h.format_time(moment)
    broken = text[:position] + "x" + text[position + 1 :]
    with pytest.raises(ValueError, match="Invalid isoformat"):
        h.parse_time(broken)


@settings(deadline=None)
@given(task_id=st.integers(0, 99), result=maybe_text, reason=text, details=maybe_text)
def test_task_outcomes_name_the_task_they_answer(task_id, result, reason, details):
    assert h.task_completed(T0, task_id, result) == {
        **common(EventType.TASK_COMPLETED),
        "TaskScheduledId": task_id,
        "Result": result,
    }
    assert h.sub_orchestration_completed(T0, task_id, result) == {
        **common(EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED),
        "TaskScheduledId": task_id,
        "Result": result,
    }
    assert h.task_failed(T0, task_id, reason, details) == {
        **common(EventType.TASK_FAILED),
        "TaskScheduledId": task_id,
        "Reason": reason,
        "Details": details,
    }
    assert h.event_raised(T0, reason, result) == {
        **common(EventType.EVENT_RAISED),
        "Name": reason,
        "Input": result,
    }


def test_times_stay_in_utc_on_a_machine_in_another_time_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert h.format_time(T0) == STAMP
        parsed = h.parse_time("2026-01-01T09:00:00")
        assert parsed == datetime(2026, 1, 1, 9, tzinfo=UTC)
        assert parsed.tzinfo is UTC
        assert h.parse_time("2026-01-01T09:00:00+09:00").tzinfo is UTC
    finally:
        monkeypatch.undo()
        time.tzset()


JSON_FIELDS = st.dictionaries(
    st.text(max_size=8),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=8,
    ),
    max_size=5,
)


@settings(max_examples=300)
@given(JSON_FIELDS, st.sampled_from(EventType), st.integers(-1, 10**6))
def test_an_event_is_written_as_json_dumps_writes_it(fields, event_type, event_id):
    event = {**h.new_event(event_type, T0, event_id), **fields}
    assert h.event_json(event) == json.dumps(event)


def test_an_event_holding_what_json_cannot_write_is_refused_as_json_refuses_it():
    event = h.new_event(EventType.EVENT_RAISED, T0, Input=object())
    with pytest.raises(TypeError) as ours:
        h.event_json(event)
    with pytest.raises(TypeError) as theirs:
        json.dumps(event)
    assert str(ours.value) == str(theirs.value)
