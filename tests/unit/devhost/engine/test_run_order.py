"""When work waits for a slot, the run that began first goes first, sub-orchestrations
included: the first runs of a burst finish in their own time instead of all at the end."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from devhost.app_loader import FunctionIndex
from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine
from devhost.engine.history import EventType
from devhost.engine.inputs import client_input
from devhost.engine.run_order import run_began
from devhost.engine.store import InstanceRow, MessageRow
from devhost.engine.types import RuntimeStatus


@pytest.fixture
async def one_slot(feature_index: FunctionIndex, tmp_path: Path, knobs) -> AsyncIterator[Engine]:
    eng = Engine(
        feature_index, EngineConfig(hub_path=tmp_path / "hub.sqlite3", max_concurrent_activities=1)
    )
    await eng.start()
    yield eng
    await eng.stop()


async def start_together(engine: Engine, *runs: tuple[str, str, object]) -> None:
    await asyncio.gather(
        *(engine.start_new(name, iid, client_input(value)) for iid, name, value in runs)
    )
    for iid, _, _ in runs:
        state = await engine.wait_for_completion(iid, 20)
        assert state.runtime_status == RuntimeStatus.COMPLETED


def time_of(engine: Engine, instance_id: str, kind: EventType, nth: int = 0) -> datetime:
    events = [e for e in engine.store.history(instance_id) if e["EventType"] == kind]
    return datetime.fromisoformat(events[nth]["Timestamp"].rstrip("Z"))


async def test_the_first_run_finishes_before_the_last_gets_its_first_activity(one_slot: Engine):
    runs = [(f"run-{i}", "doubling_chain", 5) for i in range(5)]
    await start_together(one_slot, *runs)
    first_done = time_of(one_slot, "run-0", EventType.EXECUTION_COMPLETED)
    last_first_activity = time_of(one_slot, "run-4", EventType.TASK_COMPLETED)
    assert first_done < last_first_activity
    finished = sorted(runs, key=lambda r: time_of(one_slot, r[0], EventType.EXECUTION_COMPLETED))
    assert [r[0] for r in finished] == [r[0] for r in runs]


async def test_a_sub_orchestration_goes_with_the_run_that_started_it(one_slot: Engine):
    await start_together(
        one_slot,
        ("older", "doubling_parent", None),
        *((f"later-{i}", "doubling_chain", 5) for i in range(3)),
    )
    child_done = time_of(one_slot, "older-child", EventType.EXECUTION_COMPLETED)
    assert child_done < time_of(one_slot, "later-2", EventType.TASK_COMPLETED)


def row(instance_id: str, created_at: float, parent: str | None = None) -> InstanceRow:
    return InstanceRow(
        instance_id, "x", "chain", None, "Running", None, None, None, created_at, created_at,
        parent, 0 if parent else None, None,
    )  # fmt: skip


def test_an_instance_ranks_by_its_root_and_an_entity_by_its_oldest_message():
    live = {
        "root": row("root", 10.0),
        "child": row("child", 50.0, "root"),
        "grandchild": row("grandchild", 60.0, "child"),
        "orphan": row("orphan", 40.0, "gone"),
    }
    inbox = {
        "@counter@a": [MessageRow(2, "@counter@a", {}, 30.0), MessageRow(1, "@counter@a", {}, 20.0)]
    }
    assert run_began("grandchild", live, inbox) == 10.0
    assert run_began("child", live, inbox) == 10.0
    assert run_began("orphan", live, inbox) == 40.0
    assert run_began("@counter@a", live, inbox) == 20.0
    assert run_began("unknown", live, inbox) == float("inf")
