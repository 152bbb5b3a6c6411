"""An activity slot outlives a fault of devhost's own: the activity fails saying so and the
slot runs the next one."""

import json
from pathlib import Path

import pytest

from devhost.app_loader import FunctionIndex
from devhost.engine import engine as engine_module
from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus


async def test_a_fault_inside_devhost_fails_the_activity_and_keeps_its_slot(
    feature_index: FunctionIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    engine = Engine(
        feature_index, EngineConfig(hub_path=tmp_path / "hub.sqlite3", max_concurrent_activities=1)
    )
    original = engine_module.run_activity
    faults = iter([RuntimeError("the pool broke")])

    async def breaks_once(*args: object) -> object:
        fault = next(faults, None)
        if fault is not None:
            raise fault
        return await original(*args)

    monkeypatch.setattr(engine_module, "run_activity", breaks_once)
    await engine.start()
    try:
        failed = await engine.start_new("chain", None, client_input(2))
        failed_state = await engine.wait_for_completion(failed, 10)
        done = await engine.start_new("chain", None, client_input(2))
        done_state = await engine.wait_for_completion(done, 10)
    finally:
        await engine.stop()
    assert failed_state.runtime_status == RuntimeStatus.FAILED
    assert "devhost internal error: RuntimeError('the pool broke')" in (failed_state.output or "")
    assert done_state.runtime_status == RuntimeStatus.COMPLETED
    assert json.loads(done_state.output or "null") == 2
