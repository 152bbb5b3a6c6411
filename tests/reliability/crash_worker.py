"""A process that runs the crash app on a task hub until every expected instance is done.

Usage: python crash_worker.py HUB_PATH. Starts the expected instances that do not exist yet
(so a restart never starts one twice), then waits; exits 0 once all are terminal.
"""

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from devhost.app_loader import load_app  # noqa: E402
from devhost.engine.config import EngineConfig  # noqa: E402
from devhost.engine.engine import Engine  # noqa: E402
from devhost.engine.errors import InstanceNotFoundError  # noqa: E402

EXPECTED = {f"fan-{i}": "fan_out_100" for i in range(2)} | {
    f"chain-{i}": "chain_50" for i in range(2)
}


async def main(hub: Path) -> None:
    engine = Engine(load_app(ROOT / "tests" / "apps" / "crash_app"), EngineConfig(hub_path=hub))
    await engine.start()
    for instance_id, name in EXPECTED.items():
        try:
            await engine.get_status(instance_id)
        except InstanceNotFoundError:
            await engine.start_new(name, instance_id)
    print("STARTED", flush=True)
    for instance_id in EXPECTED:
        while not (await engine.wait_for_completion(instance_id, 1.0)).runtime_status.is_terminal:
            pass
    print("DONE", engine.redelivered_activities, flush=True)
    await engine.stop()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
