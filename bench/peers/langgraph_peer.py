"""LangGraph with its SQLite checkpointer (`AsyncSqliteSaver`, WAL), running the bench shapes.

Each workflow is one graph invocation on its own thread id, with `durability="sync"`: every
super-step's checkpoint is written before the next step starts, the durability devhost's task
hub gives each episode. Fan-out uses `Send` to one node per item and a reducer to gather; the
chain is one node looping through a conditional edge. Run by the main bench in this peer's
venv: `python -m bench.peers.langgraph_peer '<workload JSON>'`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import operator
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from bench.harness import measure, print_result
from bench.workload import AGENT_FAN_OUT, CHAIN, HELLO_SEQUENCE5, WIDE_FAN_OUT, Workload

STEP_STAMPS: list[float] = []
_threads = itertools.count()


class FanOutState(TypedDict, total=False):
    width: int
    plan: int
    answers: Annotated[list[int], operator.add]
    total: int


class ItemState(TypedDict):
    value: int


class ChainState(TypedDict, total=False):
    steps: int
    value: int


async def noop(value: int) -> int:
    return value


async def plan(_: FanOutState) -> dict[str, Any]:
    return {"plan": await noop(1)}


def to_agents(state: FanOutState) -> list[Send]:
    return [Send("agent", {"value": state["plan"] + i}) for i in range(3)]


def to_items(state: FanOutState) -> list[Send]:
    return [Send("agent", {"value": i}) for i in range(state["width"])]


async def agent(state: ItemState) -> dict[str, Any]:
    return {"answers": [await noop(state["value"])]}


async def aggregate(state: FanOutState) -> dict[str, Any]:
    return {"total": await noop(sum(state["answers"]))}


async def count(state: FanOutState) -> dict[str, Any]:
    return {"total": len(state["answers"])}


async def chain_step(state: ChainState) -> dict[str, Any]:
    STEP_STAMPS.append(time.perf_counter())
    return {"value": await noop(state.get("value", 0) + 1)}


def chain_next(state: ChainState) -> str:
    return END if state["value"] >= state["steps"] else "step"


def build_graphs(saver: AsyncSqliteSaver) -> dict[str, Any]:
    """One compiled graph per shape, all on one checkpointer."""
    fan_out = StateGraph(FanOutState)
    fan_out.add_node("plan", plan)
    fan_out.add_node("agent", agent)
    fan_out.add_node("aggregate", aggregate)
    fan_out.add_edge(START, "plan")
    fan_out.add_conditional_edges("plan", to_agents, ["agent"])
    fan_out.add_edge("agent", "aggregate")
    fan_out.add_edge("aggregate", END)

    sequence = StateGraph(ChainState)
    names = [f"s{i}" for i in range(5)]
    for name in names:
        sequence.add_node(name, _sequence_step)
    for a, b in itertools.pairwise([START, *names, END]):
        sequence.add_edge(a, b)

    chain = StateGraph(ChainState)
    chain.add_node("step", chain_step)
    chain.add_edge(START, "step")
    chain.add_conditional_edges("step", chain_next, ["step", END])

    wide = StateGraph(FanOutState)
    wide.add_node("agent", agent)
    wide.add_node("count", count)
    wide.add_conditional_edges(START, to_items, ["agent"])
    wide.add_edge("agent", "count")
    wide.add_edge("count", END)
    return {
        AGENT_FAN_OUT: fan_out.compile(checkpointer=saver),
        HELLO_SEQUENCE5: sequence.compile(checkpointer=saver),
        CHAIN: chain.compile(checkpointer=saver),
        WIDE_FAN_OUT: wide.compile(checkpointer=saver),
    }


async def _sequence_step(state: ChainState) -> dict[str, Any]:
    return {"value": await noop(state.get("value", 0) + 1)}


class LangGraphDriver:
    step_stamps = STEP_STAMPS

    def __init__(self, graphs: dict[str, Any]) -> None:
        self.graphs = graphs

    async def start(self, shape: str, arg: int | None) -> Any:
        inputs: dict[str, Any] = {}
        limit = 25
        if shape == CHAIN:
            inputs, limit = {"steps": arg, "value": 0}, (arg or 0) + 10
        elif shape == WIDE_FAN_OUT:
            inputs = {"width": arg}
        config = {
            "configurable": {"thread_id": f"bench-{next(_threads)}"},
            "recursion_limit": limit,
        }
        return asyncio.create_task(self.graphs[shape].ainvoke(inputs, config, durability="sync"))

    async def wait(self, handle: Any, timeout: float) -> None:
        await asyncio.wait_for(handle, timeout)


async def run(work: Workload, database: Path) -> dict[str, Any]:
    async with AsyncSqliteSaver.from_conn_string(str(database)) as saver:
        await saver.setup()
        result = await measure(LangGraphDriver(build_graphs(saver)), work)
        journal = (await (await saver.conn.execute("PRAGMA journal_mode")).fetchone())[0]
    result["system"] = "langgraph"
    result["version"] = (
        f"langgraph {version('langgraph')}, "
        f"langgraph-checkpoint-sqlite {version('langgraph-checkpoint-sqlite')}"
    )
    result["setup"] = (
        f"AsyncSqliteSaver, journal_mode={journal}; durability='sync' (each super-step "
        "checkpointed before the next); fan-out with Send, one thread id per workflow"
    )
    return result


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    work = Workload.from_json(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="langgraph-bench-") as folder:
        print_result(asyncio.run(run(work, Path(folder) / "checkpoints.sqlite3")))


if __name__ == "__main__":
    main()
