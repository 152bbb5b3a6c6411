"""Microsoft Agent Framework workflows with checkpointing (`FileCheckpointStorage`), running
the bench shapes.

Each workflow is a graph of executors built for the run (a `Workflow` runs one invocation at a
time), checkpointed to files after every super-step. The agent fan-out is a plan executor, a
fan-out to three agent executors and a fan-in to an aggregator; the chain is one executor that
sends itself the next value; the wide fan-out uses one executor per item. Run by the main bench
in this peer's venv: `python -m bench.peers.agent_framework_peer '<workload JSON>'`.
"""

import asyncio
import itertools
import logging
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any, Never

from agent_framework import (
    Executor,
    FileCheckpointStorage,
    WorkflowBuilder,
    WorkflowContext,
    handler,
)

from bench.harness import measure, print_result
from bench.workload import AGENT_FAN_OUT, CHAIN, HELLO_SEQUENCE5, WIDE_FAN_OUT, Workload

STEP_STAMPS: list[float] = []


async def noop(value: int) -> int:
    return value


class Step(Executor):
    """One activity: passes its value on, plus `add`."""

    def __init__(self, id: str, add: int = 0) -> None:
        super().__init__(id=id)
        self.add = add

    @handler
    async def step(self, value: int, ctx: WorkflowContext[int]) -> None:
        await ctx.send_message(await noop(value + self.add))


class Gather(Executor):
    """The fan-in: one activity over every branch's value, then the workflow's output."""

    @handler
    async def gather(self, values: list[int], ctx: WorkflowContext[Never, int]) -> None:
        await ctx.yield_output(await noop(sum(values)))


class Last(Executor):
    """The last activity of a sequence: its value is the workflow's output."""

    @handler
    async def last(self, value: int, ctx: WorkflowContext[Never, int]) -> None:
        await ctx.yield_output(await noop(value))


class Loop(Executor):
    """A chain step that sends itself the next value until `steps` are done."""

    def __init__(self, id: str, steps: int) -> None:
        super().__init__(id=id)
        self.steps = steps

    @handler
    async def step(self, value: int, ctx: WorkflowContext[int, int]) -> None:
        STEP_STAMPS.append(time.perf_counter())
        value = await noop(value + 1)
        if value >= self.steps:
            await ctx.yield_output(value)
        else:
            await ctx.send_message(value)


def _fan_out(storage: FileCheckpointStorage, width: int, first: Executor) -> Any:
    branches = [Step(f"agent-{i}", add=i) for i in range(width)]
    gather = Gather(id="aggregate")
    return (
        WorkflowBuilder(start_executor=first, checkpoint_storage=storage)
        .add_fan_out_edges(first, branches)
        .add_fan_in_edges(branches, gather)
        .build()
    )


def build(storage: FileCheckpointStorage, shape: str, arg: int | None) -> Any:
    """A fresh workflow of `shape` checkpointed to `storage`."""
    if shape == AGENT_FAN_OUT:
        return _fan_out(storage, 3, Step("plan"))
    if shape == WIDE_FAN_OUT:
        return _fan_out(storage, arg or 0, Step("start"))
    if shape == HELLO_SEQUENCE5:
        steps: list[Executor] = [Step(f"s{i}", add=1) for i in range(4)]
        steps.append(Last(id="s4"))
        builder = WorkflowBuilder(start_executor=steps[0], checkpoint_storage=storage)
        for a, b in itertools.pairwise(steps):
            builder.add_edge(a, b)
        return builder.build()
    if shape == CHAIN:
        loop = Loop("step", arg or 0)
        return (
            WorkflowBuilder(
                start_executor=loop, checkpoint_storage=storage, max_iterations=(arg or 0) + 10
            )
            .add_edge(loop, loop)
            .build()
        )
    raise ValueError(f"unknown shape {shape}")


class AgentFrameworkDriver:
    step_stamps = STEP_STAMPS

    def __init__(self, storage: FileCheckpointStorage) -> None:
        self.storage = storage

    async def start(self, shape: str, arg: int | None) -> Any:
        workflow = build(self.storage, shape, arg)
        return asyncio.create_task(workflow.run(0 if shape == CHAIN else 1))

    async def wait(self, handle: Any, timeout: float) -> None:
        result = await asyncio.wait_for(handle, timeout)
        if not result.get_outputs():
            raise RuntimeError(f"workflow ended without output: {result}")


async def run(work: Workload, folder: Path) -> dict[str, Any]:
    storage = FileCheckpointStorage(folder)
    result = await measure(AgentFrameworkDriver(storage), work)
    result["system"] = "agent-framework"
    result["version"] = f"agent-framework-core {version('agent-framework-core')}"
    result["setup"] = (
        "workflows of executors with FileCheckpointStorage (a checkpoint after every "
        "super-step); fan-out/fan-in edges; a fresh workflow per run"
    )
    return result


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    # The chain's executor sends itself the next value on purpose; the validator warns of it.
    logging.getLogger("agent_framework._workflows._validation").setLevel(logging.ERROR)
    work = Workload.from_json(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="agent-framework-bench-") as folder:
        print_result(asyncio.run(run(work, Path(folder))))


if __name__ == "__main__":
    main()
