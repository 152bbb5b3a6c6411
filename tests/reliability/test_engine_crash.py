"""SIGKILL the engine's process at random moments under load; after restarts every instance
completes with the right output and only at-least-once duplicates occur."""

import asyncio
import collections
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from devhost.app_loader import load_app
from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine
from devhost.engine.types import RuntimeStatus

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("crash_worker.py")
KILLS = 20


def _spawn(hub: Path, log: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "CRASH_LOG": str(log)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(hub)], env=env, stdout=subprocess.PIPE, text=True
    )


def test_random_sigkills_lose_nothing_and_duplicate_only_in_flight_work(tmp_path: Path):
    hub = tmp_path / "hub.sqlite3"
    log = tmp_path / "executions.log"
    rng = random.Random(20261124)
    kills = 0
    while kills < KILLS:
        worker = _spawn(hub, log)
        assert worker.stdout is not None
        assert worker.stdout.readline().startswith("STARTED")
        time.sleep(rng.uniform(0.02, 0.4))
        if worker.poll() is not None:
            break
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
    assert kills == KILLS, "the work finished before every planned kill; make it longer"
    final = _spawn(hub, log)
    out, _ = final.communicate(timeout=120)
    assert final.returncode == 0
    assert "DONE" in out

    async def statuses():
        engine = Engine(load_app(ROOT / "tests" / "apps" / "crash_app"), EngineConfig(hub_path=hub))
        await engine.start()
        try:
            return {i: await engine.get_status(i) for i in ["fan-0", "fan-1", "chain-0", "chain-1"]}
        finally:
            await engine.stop()

    states = asyncio.run(statuses())
    for instance_id, state in states.items():
        assert state.runtime_status == RuntimeStatus.COMPLETED, instance_id
        expected = sum(i * i for i in range(100)) if instance_id.startswith("fan") else 50
        assert json.loads(state.output) == expected

    executions = collections.Counter(log.read_text().splitlines())
    expected_keys = {f"fan-{f}:square:{i}" for f in range(2) for i in range(100)} | {
        f"chain-{c}:step:{i}" for c in range(2) for i in range(50)
    }
    assert set(executions) == expected_keys
    duplicates = sum(n - 1 for n in executions.values())
    report = {"kills": kills, "activities": len(expected_keys), "duplicate_executions": duplicates}
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "engine_crash_report.json").write_text(json.dumps(report, indent=2))
    print(report)
    # At-least-once: a duplicate is an activity that was running (or finished but not yet
    # checkpointed) when the process died. At most the concurrency limit per kill.
    assert duplicates <= kills * EngineConfig(hub_path=hub).max_concurrent_activities
