"""FUNCTIONS_WORKER_PROCESS_COUNT above 1: activities run in worker processes of their own,
with the same inputs and results, and a worker that dies does not lose its activity."""

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from devhost.app_loader import FunctionIndex
from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus
from devhost.engine.worker_pool import WorkerPool, WorkerStartError
from devhost.host.invoker import worker_process_count


@pytest.fixture
async def two_processes(feature_index: FunctionIndex, tmp_path: Path) -> AsyncIterator[Engine]:
    engine = Engine(
        feature_index, EngineConfig(hub_path=tmp_path / "hub.sqlite3", worker_processes=2)
    )
    await engine.start()
    yield engine
    await engine.stop()


async def run(engine: Engine, name: str, value: object) -> dict:
    instance_id = await engine.start_new(name, None, client_input(value))
    state = await engine.wait_for_completion(instance_id, 60)
    assert state.runtime_status == RuntimeStatus.COMPLETED, state.output
    return json.loads(state.output or "null")


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_activities_run_in_one_other_process_and_it_ends_with_the_engine(
    two_processes: Engine,
):
    output = await run(two_processes, "where_activities_run", None)
    assert len(set(output["pids"])) == 1
    worker = output["pids"][0]
    assert worker != os.getpid()
    assert output["point"] == [11, 22]
    assert is_running(worker)
    await two_processes.stop()
    assert not is_running(worker)


async def test_an_activity_whose_worker_dies_runs_again_in_a_new_one(
    two_processes: Engine, tmp_path: Path
):
    marker = tmp_path / "ended-once"
    output = await run(two_processes, "where_activities_run", str(marker))
    assert marker.exists()
    assert output["again"] == "ran again"
    after = await run(two_processes, "where_activities_run", None)
    assert after["pids"][0] not in output["pids"]


async def test_a_worker_that_cannot_load_the_app_says_why(tmp_path: Path):
    (tmp_path / "function_app.py").write_text("raise RuntimeError('no app here')\n")
    pool = WorkerPool(tmp_path, 1, None)
    try:
        with pytest.raises(WorkerStartError, match="no app here"):
            await pool.start()
    finally:
        await pool.stop()


async def test_the_engine_runs_activities_itself_when_workers_cannot_load_the_app(
    feature_index: FunctionIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    engine = Engine(
        feature_index, EngineConfig(hub_path=tmp_path / "hub.sqlite3", worker_processes=2)
    )
    monkeypatch.setattr(
        "devhost.engine.engine.WorkerPool",
        lambda _dir, count, threads: WorkerPool(tmp_path, count, threads),
    )
    (tmp_path / "function_app.py").write_text("raise RuntimeError('no app here')\n")
    await engine.start()
    try:
        output = await run(engine, "where_activities_run", None)
    finally:
        await engine.stop()
    assert set(output["pids"]) == {os.getpid()}


@pytest.mark.parametrize(
    ("value", "expected"), [("", 1), ("2", 2), ("10", 10), ("11", 1), ("0", 1), ("two", 1)]
)
def test_the_worker_process_count_follows_the_host_setting(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int
):
    monkeypatch.setenv("FUNCTIONS_WORKER_PROCESS_COUNT", value)
    assert worker_process_count() == expected
