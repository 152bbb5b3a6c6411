"""DBOS Transact (Python) on its SQLite system database in WAL mode, running the bench shapes.

Workflows and steps are `async`, as devhost's bench activities are; parallel steps start in a
fixed order and are gathered, the pattern DBOS documents for concurrent steps. The system
database gets `journal_mode=WAL` before DBOS opens it and `synchronous=NORMAL` on every
connection: the same durability devhost's task hub has. Run by the main bench with the peers'
venv: `python -m bench.peers.dbos_peer '<workload JSON>'`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from dbos import DBOS, DBOSConfig

from bench.harness import measure, print_result
from bench.workload import Workload

STEP_STAMPS: list[float] = []


@sa.event.listens_for(sa.engine.Engine, "connect")
def _normal_sync(dbapi_conn: Any, _record: Any) -> None:
    if isinstance(dbapi_conn, sqlite3.Connection):
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")


@DBOS.step()
async def noop(value: int) -> int:
    return value


@DBOS.step()
async def chain_step(value: int) -> int:
    STEP_STAMPS.append(time.perf_counter())
    return value + 1


@DBOS.workflow()
async def agent_fan_out(_: Any) -> int:
    plan = await noop(1)
    tasks = [asyncio.create_task(noop(plan + i)) for i in range(3)]
    answers = await asyncio.gather(*tasks)
    return await noop(sum(answers))


@DBOS.workflow()
async def hello_sequence5(_: Any) -> list[int]:
    return [await noop(i) for i in range(5)]


@DBOS.workflow()
async def chain(steps: int) -> int:
    value = 0
    for _ in range(steps):
        value = await chain_step(value)
    return value


@DBOS.workflow()
async def wide_fan_out(width: int) -> int:
    tasks = [asyncio.create_task(noop(i)) for i in range(width)]
    return len(await asyncio.gather(*tasks))


WORKFLOWS = {f.__name__: f for f in (agent_fan_out, hello_sequence5, chain, wide_fan_out)}


class DbosDriver:
    step_stamps = STEP_STAMPS

    async def start(self, shape: str, arg: int | None) -> Any:
        return await DBOS.start_workflow_async(WORKFLOWS[shape], arg)

    async def wait(self, handle: Any, timeout: float) -> None:
        await asyncio.wait_for(handle.get_result(), timeout)


async def run(work: Workload, database: Path) -> dict[str, Any]:
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA journal_mode=WAL")
    config: DBOSConfig = {
        "name": "bench-peer",
        "system_database_url": f"sqlite:///{database}",
        "log_level": "WARNING",
    }
    DBOS(config=config)
    DBOS.launch()
    try:
        result = await measure(DbosDriver(), work)
    finally:
        DBOS.destroy()
    with sqlite3.connect(database) as db:
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    result["system"] = "dbos"
    result["version"] = f"dbos {version('dbos')}"
    result["setup"] = (
        f"SQLite system database, journal_mode={journal}, synchronous=NORMAL; async workflows "
        "and steps, parallel steps gathered; default pool and executor"
    )
    return result


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    work = Workload.from_json(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="dbos-bench-") as folder:
        print_result(asyncio.run(run(work, Path(folder) / "dbos.sqlite3")))


if __name__ == "__main__":
    main()
