"""The measurement loop every system runs, through a small driver: the same shapes, counts,
order and clocks for devhost and its peers. Standard library only (the peers' venv imports it).

A system's script builds its driver, calls `measure_and_print`, and the JSON line it prints is
read by the main bench.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import resource
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bench.workload import (
    AGENT_FAN_OUT,
    AGENT_FAN_OUT_ACTIVITIES,
    CHAIN,
    HELLO_SEQUENCE5,
    WIDE_FAN_OUT,
    Workload,
)

RESULT_MARKER = "BENCH-RESULT "
"""Prefix of the one stdout line that carries a system's results."""


class Driver(Protocol):
    """How the harness starts a workflow of a shape and waits for it on one system."""

    step_stamps: list[float]
    """`time.perf_counter()` of each chain step, appended by the chain's activity."""

    async def start(self, shape: str, arg: int | None) -> Any:
        """Start one workflow of `shape` (arg: chain length or fan-out width); return a handle."""
        ...

    async def wait(self, handle: Any, timeout: float) -> None:
        """Wait until the workflow completes; raise if it failed or timed out."""
        ...


async def _one(driver: Driver, shape: str, arg: int | None, timeout: float) -> float:
    began = time.perf_counter()
    handle = await driver.start(shape, arg)
    await driver.wait(handle, timeout)
    return (time.perf_counter() - began) * 1000


async def latency(driver: Driver, work: Workload) -> dict[str, Any]:
    """Milliseconds from start to completion of workflows run one after another."""
    for _ in range(work.warmup_runs):
        await _one(driver, AGENT_FAN_OUT, None, 60)
        await _one(driver, HELLO_SEQUENCE5, None, 60)
    result: dict[str, Any] = {}
    for shape in (AGENT_FAN_OUT, HELLO_SEQUENCE5):
        result[shape] = [await _one(driver, shape, None, 60) for _ in range(work.latency_runs)]
    return result


async def throughput(driver: Driver, work: Workload) -> dict[str, Any]:
    """Wall time of `concurrent_starts` agent fan-out workflows started at once, measured
    `throughput_runs` times (the report takes the median)."""
    count = work.concurrent_starts
    runs = []
    for _ in range(work.throughput_runs):
        began = time.perf_counter()
        handles = await asyncio.gather(*(driver.start(AGENT_FAN_OUT, None) for _ in range(count)))
        started = time.perf_counter()
        await asyncio.gather(*(driver.wait(h, work.phase_timeout_seconds) for h in handles))
        runs.append({"seconds": time.perf_counter() - began, "start_seconds": started - began})
    return {"workflows": count, "activities_per_workflow": AGENT_FAN_OUT_ACTIVITIES, "runs": runs}


async def chain(driver: Driver, work: Workload) -> dict[str, Any]:
    """A `chain_steps`-step chain, run `chain_runs` times: total time and time of each step
    (from the previous step's activity, so it includes the replay of a growing history)."""
    runs_ms: list[float] = []
    step_ms: list[list[float]] = []
    for _ in range(work.chain_runs):
        driver.step_stamps.clear()
        began = time.perf_counter()
        handle = await driver.start(CHAIN, work.chain_steps)
        await driver.wait(handle, work.phase_timeout_seconds)
        runs_ms.append((time.perf_counter() - began) * 1000)
        stamps = [began, *driver.step_stamps]
        if len(stamps) != work.chain_steps + 1:
            raise RuntimeError(f"chain ran {len(stamps) - 1} steps, expected {work.chain_steps}")
        step_ms.append([(b - a) * 1000 for a, b in itertools.pairwise(stamps)])
    return {"steps": work.chain_steps, "runs_ms": runs_ms, "step_ms": step_ms}


async def fan_out(driver: Driver, work: Workload) -> dict[str, Any]:
    """One orchestration fanning out to `fan_out_width` activities, `fan_out_runs` times."""
    runs_ms = [
        await _one(driver, WIDE_FAN_OUT, work.fan_out_width, work.phase_timeout_seconds)
        for _ in range(work.fan_out_runs)
    ]
    return {"activities": work.fan_out_width, "runs_ms": runs_ms}


Phase = Callable[[Driver, Workload], Awaitable[dict[str, Any]]]
PHASES: dict[str, Phase] = {
    "latency": latency,
    "throughput": throughput,
    "chain": chain,
    "fan_out": fan_out,
}


def peak_rss_mb() -> float:
    """The process's peak resident set size in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(driver: Driver, work: Workload) -> dict[str, Any]:
    """Run every phase, each bounded by the workload's phase timeout; a failed phase is
    recorded with its error and the next one still runs."""
    phases: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, phase in PHASES.items():
        try:
            phases[name] = await asyncio.wait_for(phase(driver, work), work.phase_timeout_seconds)
        except TimeoutError:
            errors[name] = f"timed out after {work.phase_timeout_seconds:.0f} s"
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            errors[name] = f"{type(exc).__name__}: {exc}"
    return {"phases": phases, "errors": errors, "peak_rss_mb": peak_rss_mb()}


def print_result(result: dict[str, Any]) -> None:
    """Print the result line the main bench reads."""
    print(RESULT_MARKER + json.dumps(result), flush=True)


def parse_result(stdout: str) -> dict[str, Any] | None:
    """The result a system's script printed, or None if it printed none."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            parsed: dict[str, Any] = json.loads(line[len(RESULT_MARKER) :])
            return parsed
    return None
