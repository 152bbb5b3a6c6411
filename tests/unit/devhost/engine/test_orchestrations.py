"""Orchestrations run through the real SDK: outputs, statuses and the recorded history."""

import json

import pytest

from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine
from devhost.engine.errors import FunctionNotFoundError, InstanceExistsError
from devhost.engine.history import EventType
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus


async def run(engine: Engine, name: str, value=None, instance_id=None, timeout=10.0):
    iid = await engine.start_new(name, instance_id, client_input(value))
    return await engine.wait_for_completion(iid, timeout)


def raw_history(engine: Engine, instance_id: str):
    return engine.store.history(instance_id)


async def test_chain_returns_last_value_and_records_ordered_history(engine: Engine):
    state = await run(engine, "chain", 5)
    assert state.runtime_status == RuntimeStatus.COMPLETED
    assert json.loads(state.output) == 5
    events = raw_history(engine, state.instance_id)
    scheduled = [e for e in events if e["EventType"] == EventType.TASK_SCHEDULED]
    completed = [e for e in events if e["EventType"] == EventType.TASK_COMPLETED]
    assert [e["EventId"] for e in scheduled] == [0, 1, 2, 3, 4]
    assert [e["TaskScheduledId"] for e in completed] == [0, 1, 2, 3, 4]
    assert events[0]["EventType"] == EventType.ORCHESTRATOR_STARTED
    assert events[1]["EventType"] == EventType.EXECUTION_STARTED
    assert events[-2]["EventType"] == EventType.EXECUTION_COMPLETED
    assert events[-1]["EventType"] == EventType.ORCHESTRATOR_COMPLETED


async def test_fan_out_schedules_all_activities_in_one_episode(engine: Engine):
    state = await run(engine, "fan_out", 20)
    assert json.loads(state.output) == sum(i * 2 for i in range(20))
    events = raw_history(engine, state.instance_id)
    first_episode_end = next(
        i for i, e in enumerate(events) if e["EventType"] == EventType.ORCHESTRATOR_COMPLETED
    )
    scheduled = [
        e for e in events[:first_episode_end] if e["EventType"] == EventType.TASK_SCHEDULED
    ]
    assert len(scheduled) == 20


async def test_status_api_history_names_functions_and_hides_results_unless_asked(engine: Engine):
    state = await run(engine, "chain", 2)
    without = await engine.get_status(state.instance_id, show_history=True)
    assert [e["EventType"] for e in without.history] == [
        "ExecutionStarted",
        "TaskCompleted",
        "TaskCompleted",
        "ExecutionCompleted",
    ]
    assert without.history[1]["FunctionName"] == "increment"
    assert "ScheduledTime" in without.history[1]
    assert "Result" not in without.history[1]
    with_output = await engine.get_status(
        state.instance_id, show_history=True, show_history_output=True
    )
    assert with_output.history[1]["Result"] == 1


async def test_unknown_orchestrator_is_rejected(engine: Engine):
    with pytest.raises(FunctionNotFoundError):
        await engine.start_new("no_such_orchestrator")


async def test_names_resolve_ignoring_case_and_by_explicit_orchestration_name(engine: Engine):
    state = await run(engine, "renamedorchestrator")
    assert state.runtime_status == RuntimeStatus.COMPLETED
    assert state.name == "RenamedOrchestrator"
    assert json.loads(state.output) == 42
    state = await run(engine, "CHAIN", 1)
    assert json.loads(state.output) == 1


async def test_blueprint_functions_run(engine: Engine):
    state = await run(engine, "from_blueprint")
    assert json.loads(state.output) == "blueprint x"


async def test_start_with_a_running_instance_id_replaces_it_by_default(engine: Engine):
    await engine.start_new("waits_forever", "dup")
    await engine.start_new("chain", "dup", client_input(1))
    state = await engine.wait_for_completion("dup", 5)
    assert state.runtime_status == RuntimeStatus.COMPLETED
    assert state.name == "chain"


async def test_non_running_states_setting_refuses_a_running_id(feature_index, tmp_path):
    strict = Engine(
        feature_index,
        EngineConfig(hub_path=tmp_path / "strict.sqlite3", replace_running_instances=False),
    )
    await strict.start()
    try:
        await strict.start_new("waits_forever", "dup")
        with pytest.raises(InstanceExistsError):
            await strict.start_new("waits_forever", "dup")
        await strict.terminate("dup", "done")
        await strict.wait_for_completion("dup", 5)
        await strict.start_new("chain", "dup", client_input(1))
        assert (
            await strict.wait_for_completion("dup", 5)
        ).runtime_status == RuntimeStatus.COMPLETED
    finally:
        await strict.stop()


async def test_activity_failure_surfaces_with_function_name_prefix(engine: Engine):
    state = await run(engine, "catches_failure")
    message = json.loads(state.output)
    assert message.startswith("Activity function 'always_fails' failed: RuntimeError: boom: x")


async def test_uncaught_exception_fails_instance_with_message_and_stack(engine: Engine):
    state = await run(engine, "uncaught_failure")
    assert state.runtime_status == RuntimeStatus.FAILED
    assert (
        json.loads(state.output)
        == "Orchestrator function 'uncaught_failure' failed: 'missing-thing'"
    )
    final = raw_history(engine, state.instance_id)[-2]
    assert final["FailureDetails"]["ErrorMessage"].endswith("'missing-thing'")
    assert "KeyError" in final["FailureDetails"]["StackTrace"]


async def test_retry_schedules_timer_between_attempts_and_succeeds(engine: Engine, knobs):
    knobs["fail_times"] = 2
    state = await run(engine, "with_retry")
    assert json.loads(state.output) == "ok after 3"
    kinds = [EventType(e["EventType"]) for e in raw_history(engine, state.instance_id)]
    meaningful = [
        k
        for k in kinds
        if k
        in (
            EventType.TASK_SCHEDULED,
            EventType.TASK_FAILED,
            EventType.TIMER_CREATED,
            EventType.TIMER_FIRED,
            EventType.TASK_COMPLETED,
        )
    ]
    assert meaningful == [
        EventType.TASK_SCHEDULED,
        EventType.TASK_FAILED,
        EventType.TIMER_CREATED,
        EventType.TIMER_FIRED,
        EventType.TASK_SCHEDULED,
        EventType.TASK_FAILED,
        EventType.TIMER_CREATED,
        EventType.TIMER_FIRED,
        EventType.TASK_SCHEDULED,
        EventType.TASK_COMPLETED,
    ]


async def test_retry_gives_up_after_max_attempts(engine: Engine, knobs):
    knobs["fail_times"] = 10
    state = await run(engine, "with_retry")
    assert state.runtime_status == RuntimeStatus.FAILED
    assert "attempt 3 failed" in json.loads(state.output)
    events = raw_history(engine, state.instance_id)
    assert sum(1 for e in events if e["EventType"] == EventType.TASK_SCHEDULED) == 3


async def test_custom_status_new_uuid_and_time_are_deterministic(engine: Engine):
    state = await run(engine, "status_and_ids")
    output = json.loads(state.output)
    assert json.loads(state.custom_status) == {"phase": "done"}
    first, second = output["uuids"]
    assert first != second
    again = await run(engine, "status_and_ids", instance_id=state.instance_id + "-b")
    assert json.loads(again.output)["uuids"][0] != first
    events = raw_history(engine, state.instance_id)
    last_start = [e for e in events if e["EventType"] == EventType.ORCHESTRATOR_STARTED][-1]
    assert output["time"].startswith(last_start["Timestamp"][:19])


async def test_custom_classes_travel_in_sdk_envelope(engine: Engine):
    state = await run(engine, "custom_types")
    assert json.loads(state.output) == {"x": 11, "y": 22, "type": "Point"}
    scheduled = next(
        e
        for e in raw_history(engine, state.instance_id)
        if e["EventType"] == EventType.TASK_SCHEDULED
    )
    envelope = json.loads(scheduled["Input"])
    assert envelope["__class__"] == "Point"
    assert envelope["__data__"] == {"x": 1, "y": 2}


async def test_module_globals_persist_between_activity_invocations(engine: Engine):
    state = await run(engine, "globals_persist")
    assert json.loads(state.output) == [1, 2]


async def test_default_version_from_config_is_recorded(engine: Engine):
    state = await run(engine, "version_echo")
    assert json.loads(state.output) == "1.0"
    assert state.version == "1.0"


async def test_an_activity_declaring_context_gets_its_invocation_context(engine: Engine):
    state = await run(engine, "asks_with_context")
    assert json.loads(state.output) == "hi in with_context (36)"


@pytest.mark.parametrize(("threads", "expected"), [(None, 10), (4, 4), (50, 10)])
def test_sync_activities_are_bounded_by_the_worker_thread_pool_too(
    feature_index, tmp_path, threads, expected
):
    config = EngineConfig(
        hub_path=tmp_path / "hub.sqlite3",
        max_concurrent_activities=10,
        sync_activity_threads=threads,
    )
    engine = Engine(feature_index, config)
    assert engine._executor._max_workers == expected
