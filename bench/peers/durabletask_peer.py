"""Microsoft's durabletask-python on its in-memory test backend, running the bench shapes.

The backend (`durabletask.testing.InMemoryOrchestrationBackend`) is a gRPC sidecar kept in
memory; the worker and an asyncio client talk to it over loopback gRPC, all in this process.
Run by the main bench with the peers' venv:
`python -m bench.peers.durabletask_peer '<workload JSON>' [<work-item poll ms>]`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
import threading
import time
from concurrent import futures
from importlib.metadata import version
from typing import Any

import grpc
from durabletask import client, task, worker
from durabletask.internal import orchestrator_service_pb2_grpc as stubs
from durabletask.testing import InMemoryOrchestrationBackend

from bench.harness import measure, print_result
from bench.workload import Workload

STEP_STAMPS: list[float] = []
MAX_CONCURRENT_WAITS = 4
"""The backend serves gRPC from 10 threads and each WaitForInstanceCompletion holds one, so
the client waits on a few instances at a time (the worker's streams need threads too)."""
QUIET = logging.getLogger("durabletask-bench")
QUIET.setLevel(logging.WARNING)


class CappedWait(threading.Event):
    """An event whose timed waits last at most `cap` seconds."""

    def __init__(self, cap: float) -> None:
        super().__init__()
        self.cap = cap

    def wait(self, timeout: float | None = None) -> bool:
        return super().wait(self.cap if timeout is None else min(timeout, self.cap))


class LoopbackBackend(InMemoryOrchestrationBackend):
    """The in-memory backend, listening on 127.0.0.1 only (the library binds every address).

    With `poll_seconds`, its work-item stream polls that often instead of every 0.1 s. The
    stream re-queues an instance that gets events while its episode is in flight without
    signalling, so as shipped a fan-in often waits out the 0.1 s poll; the variant shows the
    backend without that wait.
    """

    def __init__(self, port: int, poll_seconds: float | None = None) -> None:
        super().__init__(max_history_size=100_000, port=port)
        if poll_seconds is not None:
            self._work_available = CappedWait(poll_seconds)

    def start(self) -> str:
        self._shutdown_event.clear()
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
        self._server = server
        stubs.add_TaskHubSidecarServiceServicer_to_server(self, server)
        server.add_insecure_port(f"127.0.0.1:{self._port}")
        server.start()
        return f"127.0.0.1:{self._port}"


def noop(ctx: task.ActivityContext, value: int) -> int:
    return value


def chain_step(ctx: task.ActivityContext, value: int) -> int:
    STEP_STAMPS.append(time.perf_counter())
    return value + 1


def agent_fan_out(ctx: task.OrchestrationContext, _: Any) -> Any:
    plan = yield ctx.call_activity(noop, input=1)
    answers = yield task.when_all([ctx.call_activity(noop, input=plan + i) for i in range(3)])
    return (yield ctx.call_activity(noop, input=sum(answers)))


def hello_sequence5(ctx: task.OrchestrationContext, _: Any) -> Any:
    results = []
    for i in range(5):
        results.append((yield ctx.call_activity(noop, input=i)))
    return results


def chain(ctx: task.OrchestrationContext, steps: int) -> Any:
    value = 0
    for _ in range(steps):
        value = yield ctx.call_activity(chain_step, input=value)
    return value


def wide_fan_out(ctx: task.OrchestrationContext, width: int) -> Any:
    results = yield task.when_all([ctx.call_activity(noop, input=i) for i in range(width)])
    return len(results)


ORCHESTRATORS = {f.__name__: f for f in (agent_fan_out, hello_sequence5, chain, wide_fan_out)}


class DurableTaskDriver:
    def __init__(self, hub: client.AsyncTaskHubGrpcClient) -> None:
        self.hub = hub
        self.step_stamps = STEP_STAMPS
        self.waits = asyncio.Semaphore(MAX_CONCURRENT_WAITS)

    async def start(self, shape: str, arg: int | None) -> str:
        return await self.hub.schedule_new_orchestration(ORCHESTRATORS[shape], input=arg)

    async def wait(self, handle: str, timeout: float) -> None:
        async with self.waits:
            state = await self.hub.wait_for_orchestration_completion(handle, timeout=timeout)
        if state is None or state.runtime_status != client.OrchestrationStatus.COMPLETED:
            status = state.runtime_status if state else "missing"
            raise RuntimeError(f"{handle} ended {status}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run(work: Workload, poll_ms: float | None = None) -> dict[str, Any]:
    poll = None if poll_ms is None else poll_ms / 1000
    backend = LoopbackBackend(free_port(), poll)
    address = backend.start()
    runner = worker.TaskHubGrpcWorker(host_address=address, logger=QUIET)
    for orchestrator in ORCHESTRATORS.values():
        runner.add_orchestrator(orchestrator)
    runner.add_activity(noop)
    runner.add_activity(chain_step)
    runner.start()
    hub = client.AsyncTaskHubGrpcClient(host_address=address, logger=QUIET)
    try:
        result = await measure(DurableTaskDriver(hub), work)
    finally:
        await hub.close()
        runner.stop()
        backend.stop(grace=1)
    result["system"] = "durabletask" if poll_ms is None else f"durabletask-poll{poll_ms:g}ms"
    result["version"] = f"durabletask {version('durabletask')}"
    result["setup"] = (
        "in-memory test backend (gRPC sidecar in process, loopback), TaskHubGrpcWorker with "
        "default concurrency, AsyncTaskHubGrpcClient; no persistence"
        + ("" if poll_ms is None else f"; backend work-item poll {poll_ms:g} ms instead of 100 ms")
    )
    return result


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    poll_ms = float(sys.argv[2]) if len(sys.argv) > 2 else None
    print_result(asyncio.run(run(Workload.from_json(sys.argv[1]), poll_ms)))


if __name__ == "__main__":
    main()
