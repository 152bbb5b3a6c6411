"""devhost's engine measured in process: the bench app's shapes on a fresh SQLite task hub.

Run by the main bench as `python -m bench.engine_bench '<workload JSON>'`, in its own process so
its peak RSS is its own; prints one result line (see `bench.harness`).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.harness import measure, print_result
from bench.workload import Workload
from devhost.app_loader import load_app
from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus

APP_DIR = Path(__file__).parent / "apps" / "shapes"
MAX_CONCURRENT_ACTIVITIES = 32
MAX_CONCURRENT_ORCHESTRATIONS = 256


class EngineDriver:
    """Starts the bench app's orchestrations on an engine and waits for them."""

    def __init__(self, engine: Engine, step_stamps: list[float]) -> None:
        self.engine = engine
        self.step_stamps = step_stamps

    async def start(self, shape: str, arg: int | None) -> str:
        return await self.engine.start_new(shape, None, client_input(arg))

    async def wait(self, handle: str, timeout: float) -> None:
        state = await self.engine.wait_for_completion(handle, timeout)
        if state.runtime_status != RuntimeStatus.COMPLETED:
            raise RuntimeError(f"{handle} ended {state.runtime_status.value}: {state.output}")


async def run(work: Workload) -> dict[str, Any]:
    """Measure the engine on a task hub in a temporary directory."""
    index = load_app(APP_DIR)
    with tempfile.TemporaryDirectory(prefix="devhost-bench-") as hub_dir:
        config = EngineConfig(
            hub_path=Path(hub_dir) / "bench.sqlite3",
            max_concurrent_activities=MAX_CONCURRENT_ACTIVITIES,
            max_concurrent_orchestrations=MAX_CONCURRENT_ORCHESTRATIONS,
        )
        engine = Engine(index, config)
        await engine.start()
        try:
            result = await measure(EngineDriver(engine, index.module.STEP_STAMPS), work)
        finally:
            await engine.stop()
    result["system"] = "devhost"
    result["version"] = f"azure-functions-durable {version('azure-functions-durable')}"
    result["setup"] = (
        f"SQLite task hub, WAL, synchronous=NORMAL; {MAX_CONCURRENT_ACTIVITIES} activity slots, "
        f"{MAX_CONCURRENT_ORCHESTRATIONS} orchestrations per cycle; in process"
    )
    return result


def main() -> None:
    print_result(asyncio.run(run(Workload.from_json(sys.argv[1]))))


if __name__ == "__main__":
    main()
