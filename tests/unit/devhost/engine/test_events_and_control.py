"""External events, timers, sub-orchestrations, continue-as-new, entities and the control
operations: terminate, suspend/resume, rewind, restart, purge, queries."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine
from devhost.engine.errors import InstanceNotFoundError, InstanceStateError
from devhost.engine.history import EventType
from devhost.engine.inputs import client_input
from devhost.engine.types import InstanceQuery, RuntimeStatus


async def wait_status(
    engine: Engine, instance_id: str, status: RuntimeStatus, timeout: float = 5.0
):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        state = await engine.get_status(instance_id)
        if state.runtime_status == status:
            return state
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{instance_id} is {state.runtime_status}, expected {status}")
        await asyncio.sleep(0.01)


async def test_event_before_timer_wins(engine: Engine):
    iid = await engine.start_new("approval", None, client_input(30))
    await wait_status(engine, iid, RuntimeStatus.RUNNING)
    await engine.raise_event(iid, "Approval", json.dumps("alice"))
    state = await engine.wait_for_completion(iid, 5)
    assert json.loads(state.output) == {"approved": "alice"}


async def test_timer_fires_when_no_event_arrives(engine: Engine):
    iid = await engine.start_new("approval", None, client_input(0.3))
    state = await engine.wait_for_completion(iid, 5)
    assert json.loads(state.output) == {"approved": None, "timed_out": True}
    kinds = [e["EventType"] for e in engine.store.history(iid)]
    assert EventType.TIMER_CREATED in kinds
    assert EventType.TIMER_FIRED in kinds


async def test_events_arriving_early_are_buffered_in_order(engine: Engine):
    iid = await engine.start_new("two_events")
    await engine.raise_event(iid, "second", json.dumps(2))
    await engine.raise_event(iid, "first", json.dumps(1))
    state = await engine.wait_for_completion(iid, 5)
    assert json.loads(state.output) == [1, 2]


async def test_sub_orchestrations_with_explicit_and_generated_ids(engine: Engine):
    iid = await engine.start_new("parent", "p1")
    state = await engine.wait_for_completion(iid, 10)
    assert json.loads(state.output) == [3, 12]
    child = await engine.get_status("p1-child")
    assert child.runtime_status == RuntimeStatus.COMPLETED
    assert child.parent_instance_id == "p1"
    created = [
        e
        for e in engine.store.history(iid)
        if e["EventType"] == EventType.SUB_ORCHESTRATION_INSTANCE_CREATED
    ]
    assert next(e["InstanceId"] for e in created) == "p1-child"


async def test_sub_orchestration_failure_reaches_parent(engine: Engine):
    state = await engine.wait_for_completion(await engine.start_new("parent_of_failure"), 10)
    assert state.runtime_status == RuntimeStatus.COMPLETED
    assert "Orchestrator function 'uncaught_failure' failed" in json.loads(state.output)


async def test_continue_as_new_restarts_history_and_keeps_unprocessed_events(engine: Engine):
    iid = await engine.start_new("counter_loop")
    for i in range(3):
        await engine.raise_event(iid, "tick", json.dumps(i))
    state = await engine.wait_for_completion(iid, 10)
    assert json.loads(state.output) == {"n": 3, "seen": [0, 1, 2]}
    events = engine.store.history(iid)
    assert sum(1 for e in events if e["EventType"] == EventType.EXECUTION_STARTED) == 1


async def test_entity_calls_and_signals_run_in_order_and_persist(engine: Engine):
    state = await engine.wait_for_completion(await engine.start_new("use_counter"), 10)
    output = json.loads(state.output)
    assert output["value"] == 15
    assert "entity exploded" in output["error"]
    await engine.signal_entity("@counter@shared", "add", client_input(1))
    for _ in range(100):
        entity = await engine.read_entity_state("@counter@shared")
        if entity and json.loads(entity.state) == 16:
            break
        await asyncio.sleep(0.01)
    assert entity is not None
    assert json.loads(entity.state) == 16


async def test_terminate_sets_status_and_reason(engine: Engine):
    iid = await engine.start_new("waits_forever")
    await wait_status(engine, iid, RuntimeStatus.RUNNING)
    await engine.terminate(iid, "enough")
    state = await engine.wait_for_completion(iid, 5)
    assert state.runtime_status == RuntimeStatus.TERMINATED
    assert json.loads(state.output) == "enough"
    with pytest.raises(InstanceStateError):
        await engine.raise_event(iid, "never", "1")


async def test_events_to_unknown_instance_are_rejected(engine: Engine):
    with pytest.raises(InstanceNotFoundError):
        await engine.raise_event("nobody", "x", None)


async def test_suspended_instance_holds_events_until_resumed(engine: Engine):
    iid = await engine.start_new("two_events")
    await wait_status(engine, iid, RuntimeStatus.RUNNING)
    await engine.suspend(iid, "pause")
    await wait_status(engine, iid, RuntimeStatus.SUSPENDED)
    await engine.raise_event(iid, "first", "1")
    await engine.raise_event(iid, "second", "2")
    await asyncio.sleep(0.2)
    assert (await engine.get_status(iid)).runtime_status == RuntimeStatus.SUSPENDED
    await engine.resume(iid, "go on")
    state = await engine.wait_for_completion(iid, 5)
    assert json.loads(state.output) == [1, 2]
    kinds = [e["EventType"] for e in engine.store.history(iid)]
    assert EventType.EXECUTION_SUSPENDED in kinds
    assert EventType.EXECUTION_RESUMED in kinds


async def test_non_determinism_fails_instance_with_clear_reason(engine: Engine, knobs):
    iid = await engine.start_new("changing")
    await wait_status(engine, iid, RuntimeStatus.RUNNING)
    for _ in range(100):
        if any(e["EventType"] == EventType.TASK_COMPLETED for e in engine.store.history(iid)):
            break
        await asyncio.sleep(0.01)
    knobs["variant"] = "b"
    await engine.raise_event(iid, "go", "1")
    state = await engine.wait_for_completion(iid, 5)
    assert state.runtime_status == RuntimeStatus.FAILED
    assert "Non-Deterministic workflow detected" in json.loads(state.output)
    assert "'double'" in json.loads(state.output)


async def test_rewind_reruns_the_failed_activity(engine: Engine, knobs):
    knobs["fail_times"] = 10
    iid = await engine.start_new("with_retry")
    assert (await engine.wait_for_completion(iid, 10)).runtime_status == RuntimeStatus.FAILED
    knobs["fail_times"] = 0
    await engine.rewind(iid, "fixed")
    state = await engine.wait_for_completion(iid, 10)
    assert state.runtime_status == RuntimeStatus.COMPLETED, state.output
    assert json.loads(state.output).startswith("ok after")


async def test_rewind_only_applies_to_failed_instances(engine: Engine):
    iid = await engine.start_new("chain", None, client_input(1))
    await engine.wait_for_completion(iid, 5)
    with pytest.raises(InstanceStateError):
        await engine.rewind(iid, "no")


async def test_restart_runs_again_with_same_input(engine: Engine):
    iid = await engine.start_new("chain", None, client_input(2))
    await engine.wait_for_completion(iid, 5)
    new_id = await engine.restart(iid)
    assert new_id != iid
    assert json.loads((await engine.wait_for_completion(new_id, 5)).output) == 2
    same = await engine.restart(iid, restart_with_new_instance_id=False)
    assert same == iid
    assert (await engine.wait_for_completion(iid, 5)).runtime_status == RuntimeStatus.COMPLETED


async def test_purge_single_and_by_filter(engine: Engine):
    ids = [await engine.start_new("chain", f"purge-{i}", client_input(1)) for i in range(3)]
    running = await engine.start_new("waits_forever", "purge-running")
    for iid in ids:
        await engine.wait_for_completion(iid, 5)
    assert await engine.purge(ids[0]) == 1
    with pytest.raises(InstanceNotFoundError):
        await engine.get_status(ids[0])
    assert engine.store.history(ids[0]) == []
    with pytest.raises(InstanceStateError):
        await engine.purge(running)
    deleted = await engine.purge_by(created_from=datetime.now(UTC) - timedelta(minutes=1))
    assert deleted == 2
    assert (await engine.get_status(running)).runtime_status == RuntimeStatus.RUNNING


async def test_query_filters_and_pages(engine: Engine):
    for i in range(5):
        await engine.wait_for_completion(
            await engine.start_new("chain", f"q-{i}", client_input(1)), 5
        )
    await engine.start_new("waits_forever", "other-1")
    page = await engine.query(InstanceQuery(instance_id_prefix="q-", top=2))
    assert [s.instance_id for s in page.instances] == ["q-0", "q-1"]
    assert page.continuation_token
    rest = await engine.query(
        InstanceQuery(instance_id_prefix="q-", top=10, continuation_token=page.continuation_token)
    )
    assert [s.instance_id for s in rest.instances] == ["q-2", "q-3", "q-4"]
    assert rest.continuation_token is None
    completed = await engine.query(
        InstanceQuery(runtime_status=frozenset({RuntimeStatus.COMPLETED}))
    )
    assert {s.instance_id for s in completed.instances} == {f"q-{i}" for i in range(5)}


async def test_suspending_twice_or_resuming_a_running_instance_is_refused(engine: Engine):
    iid = await engine.start_new("waits_forever")
    await wait_status(engine, iid, RuntimeStatus.RUNNING)
    with pytest.raises(InstanceStateError):
        await engine.resume(iid, "not suspended")
    await engine.suspend(iid, "pause")
    await wait_status(engine, iid, RuntimeStatus.SUSPENDED)
    with pytest.raises(InstanceStateError):
        await engine.suspend(iid, "again")


async def test_sub_orchestration_with_retry_retries_the_child(engine: Engine, knobs):
    knobs["fail_times"] = 1
    iid = await engine.start_new("parent_with_retry")
    state = await engine.wait_for_completion(iid, 10)
    assert json.loads(state.output) == "child after 2"
    created = [
        e
        for e in engine.store.history(iid)
        if e["EventType"] == EventType.SUB_ORCHESTRATION_INSTANCE_CREATED
    ]
    assert len(created) == 2
    assert created[0]["InstanceId"] != created[1]["InstanceId"]


async def test_state_and_pending_work_survive_a_restart(feature_index, tmp_path):
    config = EngineConfig(hub_path=tmp_path / "restart.sqlite3")
    first = Engine(feature_index, config)
    await first.start()
    iid = await first.start_new("two_events")
    await wait_status(first, iid, RuntimeStatus.RUNNING)
    await first.raise_event(iid, "first", json.dumps("a"))
    await first.signal_entity("@counter@kept", "add", client_input(7))
    await asyncio.sleep(0.2)
    await first.stop()

    second = Engine(feature_index, config)
    await second.start()
    try:
        await second.raise_event(iid, "second", json.dumps("b"))
        state = await second.wait_for_completion(iid, 5)
        assert json.loads(state.output) == ["a", "b"]
        entity = await second.read_entity_state("@counter@kept")
        assert entity is not None
        assert json.loads(entity.state) == 7
    finally:
        await second.stop()
