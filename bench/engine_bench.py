"""Engine benchmark: latency, throughput and memory of workflow shapes on the devhost engine.

Prints a table and writes bench/results/engine.json.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from devhost.app_loader import load_app
from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input

APP_DIR = Path(__file__).parent / "apps" / "shapes"
RESULTS = Path(__file__).parent / "results"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values, by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def single_latency(engine: Engine, name: str, payload: Any, runs: int) -> list[float]:
    """Milliseconds from start to completion of `runs` workflows run one after another."""
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        instance_id = await engine.start_new(name, None, client_input(payload))
        await engine.wait_for_completion(instance_id, 60)
        samples.append((time.perf_counter() - began) * 1000)
    return samples


async def throughput(engine: Engine, name: str, payload: Any, count: int) -> float:
    """Workflows per second for `count` workflows started at once."""
    began = time.perf_counter()
    ids = await asyncio.gather(
        *(engine.start_new(name, None, client_input(payload)) for _ in range(count))
    )
    await asyncio.gather(*(engine.wait_for_completion(i, 300) for i in ids))
    return count / (time.perf_counter() - began)


async def run(quick: bool = False) -> dict[str, Any]:
    """Run every measurement on a fresh hub and return the results."""
    index = load_app(APP_DIR)
    process = psutil.Process()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as hub_dir:
        engine = Engine(
            index,
            EngineConfig(
                hub_path=Path(hub_dir) / "bench.sqlite3",
                max_concurrent_activities=32,
                max_concurrent_orchestrations=256,
            ),
        )
        await engine.start()
        runs = 50 if quick else 200
        await single_latency(engine, "agent_fan_out", None, 20)
        samples = await single_latency(engine, "agent_fan_out", None, runs)
        results["agent_fan_out_p50_ms"] = statistics.median(samples)
        results["agent_fan_out_p95_ms"] = percentile(samples, 95)
        samples = await single_latency(engine, "hello_sequence5", None, runs)
        results["hello_sequence5_p50_ms"] = statistics.median(samples)
        concurrent = 200 if quick else 1000
        results["concurrent_starts"] = concurrent
        results["agent_fan_out_workflows_per_s"] = await throughput(
            engine, "agent_fan_out", None, concurrent
        )
        results["agent_fan_out_activities_per_s"] = results["agent_fan_out_workflows_per_s"] * 5
        for steps in (50, 100, 200):
            took = await single_latency(engine, "chain", steps, 3 if quick else 5)
            results[f"chain_{steps}_p50_ms"] = statistics.median(took)
            results[f"chain_{steps}_ms_per_step"] = statistics.median(took) / steps
        began = time.perf_counter()
        wide = await engine.start_new("wide_fan_out", None, client_input(1000))
        await engine.wait_for_completion(wide, 300)
        results["fan_out_1000_ms"] = (time.perf_counter() - began) * 1000
        results["peak_rss_mb"] = process.memory_info().rss / 2**20
        await engine.stop()
    return results


def main(quick: bool = False) -> dict[str, Any]:
    """Run the benchmark, print a table and save the JSON results."""
    results = asyncio.run(run(quick))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "engine.json").write_text(json.dumps(results, indent=2))
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(
            f"{key:<{width}}  {value:10.2f}"
            if isinstance(value, float)
            else f"{key:<{width}}  {value:>10}"
        )
    return results
