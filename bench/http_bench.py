"""End to end over HTTP: devhost serving the coordinator app, the offline model at a simulated
100 ms per call, driven by start + poll as a client would.

What a user feels is a run's duration against its model floor: the model calls it must wait
for in sequence (the plan, the agent with the most steps, the synthesis) x 100 ms. Each level
also records the host's CPU time per workflow (devhost and its children, polls included) and
the host's peak RSS.

Each run's critical path is also read from its history (the coordinator's activities plus
the slowest agent's, each from scheduled to completed), to show what the rest of the duration
is: starting, replaying, sub-orchestrations, checkpoints.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
MODEL_LATENCY_MS = 100
QUERY = (
    "Order ORD-2025-00012 of customer CUST-0028 is late: check the order and whether traffic "
    "in Shibuya is congested"
)
"""Asks two agents (customer support, smart city), each making two model calls."""
START_PATHS = (
    "/api/orchestrators/coordinator",
    "/runtime/webhooks/durabletask/orchestrators/coordinator",
)
WEBHOOK = "/runtime/webhooks/durabletask"
TERMINAL = {"Completed", "Failed", "Terminated", "Canceled"}
ACTIVITY_DONE = {"TaskCompleted", "TaskFailed"}
RAISED_SLOTS = 100
# FUNCTIONS_WORKER_PROCESS_COUNT for the measured host: one worker process per core, as the
# setting is meant to be used (devhost runs activities in all but the first).
WORKER_PROCESSES = min(os.cpu_count() or 1, 10)
NOT_THE_APP = {"devhost", "tests", "bench"}
NEVER_DURING_THE_BENCH = "0 0 0 1 1 *"
"""Schedule of the batch sweep timer while measuring (once a year, on 1 January), so that
no sweep adds runs; devhost also needs a value when there is no local.settings.json."""
UNSET_FOR_OFFLINE = (
    "AZURE_OPENAI_ENDPOINT",
    "COSMOS_ENDPOINT",
    "MCP_CUSTOMER_SUPPORT_URL",
    "MCP_SMART_CITY_URL",
    "MCP_ENTERPRISE_URL",
)


@dataclass(frozen=True)
class Level:
    """`concurrency` workflows at once, `rounds` times."""

    concurrency: int
    rounds: int

    @property
    def poll_seconds(self) -> float:
        """Status poll interval: 50 ms, longer at high concurrency so that polling stays
        near 200 requests/s and does not load the host it measures."""
        return max(0.05, self.concurrency * 0.005)


FULL_LEVELS = (Level(1, 10), Level(10, 3), Level(100, 1))
QUICK_LEVELS = (Level(1, 3), Level(10, 1), Level(100, 1))


class HttpBenchError(Exception):
    """devhost could not be started or did not answer as expected."""


def parse_time(value: str) -> datetime:
    """A Durable API timestamp (`2024-01-01T00:00:00.1234567Z`, up to 7 fraction digits)."""
    text = value.rstrip("Z")
    whole, _, fraction = text.partition(".")
    parsed = datetime.fromisoformat(whole).replace(tzinfo=UTC)
    micros = int((fraction + "000000")[:6]) if fraction else 0
    return parsed.replace(microsecond=micros)


def _ms(later: str, earlier: str) -> float:
    return (parse_time(later) - parse_time(earlier)).total_seconds() * 1000


def duration_ms(events: list[dict[str, Any]]) -> float:
    """ExecutionStarted to ExecutionCompleted of one instance's history."""
    started = next(e for e in events if e["EventType"] == "ExecutionStarted")
    completed = next(e for e in events if e["EventType"] == "ExecutionCompleted")
    return _ms(completed["Timestamp"], started["Timestamp"])


def activity_path_ms(events: Iterable[dict[str, Any]]) -> float:
    """Time an instance spent waiting on its own activities: activities scheduled together
    (same ScheduledTime) count once, until the last of them completed."""
    groups: dict[str, str] = {}
    for event in events:
        if event["EventType"] in ACTIVITY_DONE and event.get("ScheduledTime"):
            scheduled = event["ScheduledTime"]
            last = groups.get(scheduled)
            if last is None or parse_time(event["Timestamp"]) > parse_time(last):
                groups[scheduled] = event["Timestamp"]
    return sum(_ms(done, scheduled) for scheduled, done in groups.items())


def sub_instances(events: Iterable[dict[str, Any]]) -> list[str]:
    """Instance ids of the sub-orchestrations an instance ran."""
    return [
        e["InstanceId"]
        for e in events
        if e["EventType"].startswith("SubOrchestrationInstance") and e.get("InstanceId")
    ]


def critical_path_ms(
    coordinator: list[dict[str, Any]], agents: list[list[dict[str, Any]]]
) -> float:
    """The coordinator's own activities plus the slowest agent's activities."""
    return activity_path_ms(coordinator) + max((activity_path_ms(a) for a in agents), default=0.0)


def sequential_model_calls(output: dict[str, Any]) -> int:
    """Model calls on the critical path: the plan, the agent with most steps, the synthesis."""
    return 1 + max((a.get("steps", 0) for a in output.get("agents", [])), default=0) + 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Devhost:
    """devhost serving the app as a subprocess on a loopback port, with its own hub."""

    def __init__(self, hub_dir: Path, log_path: Path, app_dir: Path = ROOT) -> None:
        self.app_dir = app_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.hub_dir = hub_dir
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in UNSET_FOR_OFFLINE:
            env[name] = ""
        env["OFFLINE_MODEL_LATENCY_MS"] = str(MODEL_LATENCY_MS)
        env["FUNCTIONS_WORKER_PROCESS_COUNT"] = str(WORKER_PROCESSES)
        env["BATCH_SWEEP_SCHEDULE"] = NEVER_DURING_THE_BENCH
        env["RETENTION_SCHEDULE"] = NEVER_DURING_THE_BENCH
        env["AGENT_LOG_SQLITE_PATH"] = str(self.hub_dir / "agent_logs.sqlite3")
        return env

    def launch(self) -> subprocess.Popen[bytes]:
        """Start the devhost process (in its own process group); its output goes to the log."""
        command = [
            sys.executable, "-m", "devhost", "start", "--app-dir", str(self.app_dir),
            "--port", str(self.port), "--hub-dir", str(self.hub_dir),
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            return subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def start(self, session: aiohttp.ClientSession, timeout: float = 60) -> None:
        """Launch devhost and wait until it answers its host status."""
        self.process = self.launch()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HttpBenchError(
                    f"devhost exited {self.process.returncode}; see {self.log_path}"
                )
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{self.base}/admin/host/status") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
        raise HttpBenchError(f"devhost did not answer within {timeout:.0f} s")

    def cpu_seconds(self) -> float:
        """User + system CPU time of devhost and its live children so far."""
        if self.process is None:
            return 0.0
        root = psutil.Process(self.process.pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                total += times.user + times.system
        return total

    def peak_rss_mb(self) -> float | None:
        """devhost's peak resident set size (VmHWM) in MiB, if the platform reports it."""
        if self.process is None:
            return None
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None

    def stop(self, grace: float = 15) -> None:
        """SIGTERM (devhost finishes work in progress), then SIGKILL of its group."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Client:
    """Starts coordinator runs and polls them over devhost's HTTP API."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base
        self.start_path: str | None = None

    async def _post_start(self, path: str) -> aiohttp.ClientResponse:
        return await self.session.post(f"{self.base}{path}", json={"query": QUERY})

    async def start(self) -> str:
        """Start a run; return its statusQueryGetUri. Uses the app's own start endpoint when
        it has one, else the Durable webhook API."""
        paths = [self.start_path] if self.start_path else list(START_PATHS)
        for path in paths:
            response = await self._post_start(path)
            async with response:
                if response.status == 404 and path != paths[-1]:
                    continue
                if response.status != 202:
                    raise HttpBenchError(f"POST {path}: {response.status} {await response.text()}")
                self.start_path = path
                body = await response.json()
                return str(body["statusQueryGetUri"])
        raise HttpBenchError("no start endpoint answered")

    async def poll(self, status_uri: str, interval: float) -> dict[str, Any]:
        while True:
            async with self.session.get(status_uri) as response:
                if response.status in (200, 202):
                    state: dict[str, Any] = await response.json()
                    if state.get("runtimeStatus") in TERMINAL:
                        return state
                elif response.status != 404:
                    raise HttpBenchError(f"GET status: {response.status}")
            await asyncio.sleep(interval)

    async def history(self, instance_id: str) -> dict[str, Any]:
        url = f"{self.base}{WEBHOOK}/instances/{quote(instance_id, safe='')}?showHistory=true"
        async with self.session.get(url) as response:
            if response.status != 200:
                raise HttpBenchError(f"GET history of {instance_id}: {response.status}")
            state: dict[str, Any] = await response.json()
            return state


async def one_run(client: Client, level: Level) -> dict[str, Any]:
    """One coordinator run, start to the poll that saw it finish."""
    began = time.perf_counter()
    status_uri = await client.start()
    started = time.perf_counter()
    state = await client.poll(status_uri, level.poll_seconds)
    return {
        "instance_id": state["instanceId"],
        "client_ms": (time.perf_counter() - began) * 1000,
        "start_ms": (started - began) * 1000,
    }


async def analyse(client: Client, run: dict[str, Any]) -> dict[str, Any]:
    """Add the run's duration, critical path and model floor, read from its history."""
    state = await client.history(run["instance_id"])
    events = state["historyEvents"]
    agents = [(await client.history(i))["historyEvents"] for i in sub_instances(events)]
    output = state.get("output") or {}
    calls = sequential_model_calls(output)
    return {
        **run,
        "runtime_status": state["runtimeStatus"],
        "outcome": output.get("status"),
        "offline": output.get("offline"),
        "duration_ms": duration_ms(events),
        "path_ms": critical_path_ms(events, agents),
        "model_calls": calls,
        "floor_ms": calls * MODEL_LATENCY_MS,
    }


async def measure_level(client: Client, level: Level, host: Devhost) -> dict[str, Any]:
    """`level.rounds` rounds of `level.concurrency` runs at once, and the host's CPU time
    per run (reading the histories afterwards is not counted)."""
    runs: list[dict[str, Any]] = []
    cpu_before = host.cpu_seconds()
    for _ in range(level.rounds):
        runs.extend(
            await asyncio.gather(*(one_run(client, level) for _ in range(level.concurrency)))
        )
    cpu_ms = (host.cpu_seconds() - cpu_before) * 1000
    analysed = [await analyse(client, r) for r in runs]
    return {
        "concurrency": level.concurrency,
        "poll_interval_ms": level.poll_seconds * 1000,
        "cpu_ms_per_workflow": cpu_ms / len(runs),
        "runs": analysed,
    }


def app_copy_with_slots(target: Path, slots: int) -> Path:
    """A copy of the app (its packages, function_app.py, host.json) whose host.json allows
    `slots` activities and orchestrations at once; devhost itself still runs from the repo."""
    target.mkdir(parents=True)
    for item in ROOT.iterdir():
        if item.name in NOT_THE_APP:
            continue
        if item.is_dir() and (item / "__init__.py").exists():
            shutil.copytree(item, target / item.name, ignore=shutil.ignore_patterns("__pycache__"))
        elif item.name in ("function_app.py", "host.json"):
            shutil.copy2(item, target / item.name)
    host = json.loads((target / "host.json").read_text())
    durable = host.setdefault("extensions", {}).setdefault("durableTask", {})
    durable["maxConcurrentActivityFunctions"] = slots
    durable["maxConcurrentOrchestratorFunctions"] = slots
    (target / "host.json").write_text(json.dumps(host, indent=2))
    return target


def configured_slots() -> int | None:
    """maxConcurrentActivityFunctions of the app's host.json, if it sets one."""
    host = json.loads((ROOT / "host.json").read_text())
    slots = host.get("extensions", {}).get("durableTask", {}).get("maxConcurrentActivityFunctions")
    return int(slots) if slots is not None else None


async def run_host(
    label: str, app_dir: Path, levels: Iterable[Level], log_dir: Path, level_timeout: float
) -> dict[str, Any]:
    """Start devhost on `app_dir`, run one cold workflow, then each level; stop devhost."""
    result: dict[str, Any] = {"label": label, "levels": []}
    errors: dict[str, str] = {}
    timeout = aiohttp.ClientTimeout(total=60)
    with tempfile.TemporaryDirectory(prefix="devhost-http-bench-") as folder:
        host = Devhost(
            Path(folder), log_dir / f"devhost-http-{label.replace(' ', '-')}.log", app_dir
        )
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                await host.start(session)
                client = Client(session, host.base)
                cold = await asyncio.wait_for(one_run(client, Level(1, 1)), level_timeout)
                result["cold"] = await analyse(client, cold)
                result["start_path"] = client.start_path
                for level in levels:
                    try:
                        measured = await asyncio.wait_for(
                            measure_level(client, level, host), level_timeout
                        )
                        result["levels"].append(measured)
                    except TimeoutError:
                        errors[f"concurrency {level.concurrency}"] = (
                            f"timed out after {level_timeout:.0f} s"
                        )
            except (HttpBenchError, aiohttp.ClientError, TimeoutError, KeyError) as exc:
                errors["http"] = f"{type(exc).__name__}: {exc}"
            finally:
                result["peak_rss_mb"] = host.peak_rss_mb()
                host.stop()
    result["errors"] = errors
    return result


async def run(quick: bool, log_dir: Path, level_timeout: float = 300) -> dict[str, Any]:
    """The app as configured at 1, 10 and 100 concurrent; then, when its host.json allows
    fewer than RAISED_SLOTS activities at once, a copy with RAISED_SLOTS at 10 and 100, to show
    what the slots cost."""
    levels = QUICK_LEVELS if quick else FULL_LEVELS
    slots = configured_slots()
    hosts = [
        await run_host(
            f"slots {slots}" if slots else "as configured", ROOT, levels, log_dir, level_timeout
        )
    ]
    if slots is not None and slots < RAISED_SLOTS:
        with tempfile.TemporaryDirectory(prefix="devhost-http-app-") as folder:
            app = app_copy_with_slots(Path(folder) / "app", RAISED_SLOTS)
            raised = [lv for lv in levels if lv.concurrency > 1]
            hosts.append(
                await run_host(f"slots {RAISED_SLOTS}", app, raised, log_dir, level_timeout)
            )
    return {
        "model_latency_ms": MODEL_LATENCY_MS,
        "query": QUERY,
        "configured_slots": slots,
        "raised_slots": RAISED_SLOTS,
        "worker_processes": WORKER_PROCESSES,
        "hosts": hosts,
    }
