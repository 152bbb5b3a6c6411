"""An activity worker process: loads the app and runs the activities devhost sends it.

devhost starts `FUNCTIONS_WORKER_PROCESS_COUNT - 1` of these, as the Functions host starts
that many language workers. Requests and answers are pickled frames on a socket devhost
passes in: `(call_id, activity name, input JSON)` in, `(call_id, ActivityOutcome)` out.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devhost.app_loader import FunctionIndex, load_app
from devhost.engine.frames import read_frame, write_frame
from devhost.engine.heap import freeze_loaded_objects
from devhost.engine.invoke import ActivityOutcome, run_activity
from devhost.engine.sdk_speedups import install as install_sdk_speedups


async def _run_one(
    index: FunctionIndex,
    executor: ThreadPoolExecutor,
    writer: asyncio.StreamWriter,
    call: tuple[int, str, str | None],
) -> None:
    call_id, name, input_json = call
    info = index.find("activityTrigger", name)
    if info is None:
        outcome = ActivityOutcome(failed=True, reason=f"The worker has no activity '{name}'.")
    else:
        outcome = await run_activity(info, input_json, executor, index.app_dir)
    write_frame(writer, (call_id, outcome))
    await writer.drain()


async def serve(sock: socket.socket, app_dir: Path, threads: int | None) -> None:
    """Load the app, say it is ready, then run each activity asked for until devhost closes
    the socket."""
    reader, writer = await asyncio.open_connection(sock=sock)
    try:
        index = load_app(app_dir)
    except Exception:
        write_frame(writer, ("failed", traceback.format_exc()))
        await writer.drain()
        return
    install_sdk_speedups()
    freeze_loaded_objects()
    executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="activity")
    write_frame(writer, ("ready", os.getpid()))
    await writer.drain()
    running: set[asyncio.Task[None]] = set()
    while (call := await read_frame(reader)) is not None:
        task = asyncio.create_task(_run_one(index, executor, writer, call))
        running.add(task)
        task.add_done_callback(running.discard)
    executor.shutdown(wait=False, cancel_futures=True)


def main(argv: list[str]) -> None:
    """`python -m devhost.engine.worker SOCKET_FD APP_DIR [THREADS]`."""
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(message)s")
    sock = socket.socket(fileno=int(argv[0]))
    threads = int(argv[2]) if len(argv) > 2 and argv[2] else None
    asyncio.run(serve(sock, Path(argv[1]), threads))


if __name__ == "__main__":
    main(sys.argv[1:])
