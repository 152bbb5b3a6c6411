"""The whole benchmark: devhost's engine and its peers on the same shapes, each in its own
process one after another, then the coordinator end to end over HTTP; prints the tables and
writes bench/results/bench.json and bench/results/bench.png."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import http_bench, mcp_bench, peer_env, report, stream_bench
from bench.runner import run_system
from bench.workload import FULL, QUICK, Workload

RESULTS = Path(__file__).parent / "results"
LOGS = RESULTS / "logs"
DURABLETASK_POLL_MS = 2


def system_timeout(work: Workload) -> float:
    """A system's process gets every phase's time limit plus a minute to start and stop."""
    return 4 * work.phase_timeout_seconds + 60


def peer_commands(work: Workload) -> dict[str, tuple[peer_env.PeerEnv, list[str]]]:
    """Each peer system: the venv it runs in and its command (the venv's python first)."""
    spec = work.to_json()
    durable, langgraph, framework = (
        peer_env.DURABLE,
        peer_env.LANGGRAPH,
        peer_env.AGENT_FRAMEWORK,
    )
    return {
        "dbos": (durable, ["-m", "bench.peers.dbos_peer", spec]),
        "durabletask": (durable, ["-m", "bench.peers.durabletask_peer", spec]),
        "durabletask-poll2ms": (
            durable, ["-m", "bench.peers.durabletask_peer", spec, str(DURABLETASK_POLL_MS)],
        ),
        "langgraph": (langgraph, ["-m", "bench.peers.langgraph_peer", spec]),
        "agent-framework": (framework, ["-m", "bench.peers.agent_framework_peer", spec]),
    }  # fmt: skip


def measure_systems(work: Workload, with_peers: bool) -> tuple[dict[str, Any], str | None]:
    """Raw results of devhost and (unless skipped) each peer; and why the peers did not run."""
    systems: dict[str, Any] = {}
    print("devhost engine ...", flush=True)
    systems["devhost"] = run_system(
        "devhost",
        [sys.executable, "-m", "bench.engine_bench", work.to_json()],
        system_timeout(work),
        LOGS,
    )
    if not with_peers:
        return systems, "skipped (--skip-peers)"
    not_run: list[str] = []
    for name, (env, args) in peer_commands(work).items():
        try:
            python = env.ensure()
        except peer_env.PeerEnvError as exc:
            systems[name] = {"error": f"its venv could not be made: {exc}"}
            not_run.append(name)
            continue
        print(f"{name} ...", flush=True)
        systems[name] = run_system(name, [str(python), *args], system_timeout(work), LOGS)
    return systems, (f"not run: {', '.join(not_run)}" if not_run else None)


def draw_chart(results_path: Path) -> str:
    """Render the PNG with the peers' venv; returns where it is or why there is none."""
    python = peer_env.DURABLE.python
    if not python.exists():
        return "no chart: the peers' venv (which has matplotlib) is not there"
    chart = RESULTS / "bench.png"
    try:
        done = subprocess.run(
            [str(python), "-m", "bench.chart", str(results_path), str(chart)],
            cwd=RESULTS.parent.parent,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        return "no chart: drawing took over 120 s"
    if done.returncode != 0:
        return f"no chart: {done.stderr.strip().splitlines()[-1:]}"
    return str(chart)


def print_report(results: dict[str, Any]) -> None:
    run = results["run"]
    print()
    print(f"== Engine and peers ({'quick' if run['quick'] else 'full'} run; "
          f"{run['cpus']} CPUs, Python {run['python']}) ==")  # fmt: skip
    print(report.engine_table(results["summaries"]))
    print("x vs peer: how many times devhost is better (throughput: devhost/peer; latency, time "
          "and memory: peer/devhost).")  # fmt: skip
    for line in report.goal_lines(results["goals"]):
        print(line)
    for name, raw in results["systems"].items():
        what = raw.get("version", "")
        setup = raw.get("setup", "")
        problem = raw.get("error") or "; ".join(
            f"{k}: {v}" for k, v in raw.get("errors", {}).items()
        )
        print(f"  {name}: {what}; {setup}" + (f"\n    NOT MEASURED: {problem}" if problem else ""))
    if results.get("peers_not_run"):
        print(f"  peers: {results['peers_not_run']}")
    http = results.get("http")
    if http:
        print()
        start_path = next((h.get("start_path") for h in http["hosts"] if h.get("start_path")), None)
        print(f"== Coordinator end to end over HTTP (devhost, offline model at "
              f"{http['model_latency_ms']} ms per call, started with POST {start_path}) ==")  # fmt: skip
        print(report.http_table(http["summary"]))
        print("duration: the coordinator's ExecutionStarted to ExecutionCompleted; model floor: "
              "the model calls it waits for in\nsequence (plan + the agent with most steps + "
              "synthesis) x 100 ms. CPU ms/workflow: devhost's CPU time (and its\nchildren's) "
              "during the level, polls included, per run. Client p50: POST to the poll that saw "
              "it\nfinish (poll interval in ms).")  # fmt: skip
        print(f"FUNCTIONS_WORKER_PROCESS_COUNT={http.get('worker_processes', 1)} (one per core): "
              "activities run in worker processes beside devhost's own.")  # fmt: skip
        if len(http["hosts"]) > 1:
            print(f"The slots {http['raised_slots']} rows run a copy of the app with host.json's "
                  "activity and orchestrator limits raised.")  # fmt: skip
        for host in http["hosts"]:
            cold = host.get("cold")
            if cold:
                print(f"cold first run ({host['label']}): {cold['duration_ms']:,.0f} ms, "
                      "not in the table")  # fmt: skip
        for line in report.http_goal_lines(results["http_goals"]):
            print(line)
        for host in http["hosts"]:
            for name, why in host.get("errors", {}).items():
                print(f"  NOT MEASURED ({host['label']}) {name}: {why}")


def print_mcp_report(mcp: dict[str, Any]) -> None:
    print()
    print(f"== MCP tool calls ({mcp['calls']} calls of {mcp['tool']} per row; the app's client "
          "reuses one session per server, against a new session per call) ==")  # fmt: skip
    print(mcp_bench.table(mcp))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller counts")
    parser.add_argument("--skip-peers", action="store_true", help="measure devhost only")
    parser.add_argument("--skip-http", action="store_true", help="skip the end-to-end HTTP bench")
    parser.add_argument("--skip-mcp", action="store_true", help="skip the MCP tool call bench")
    parser.add_argument("--skip-streams", action="store_true", help="skip the event stream bench")
    args = parser.parse_args(argv)
    work = QUICK if args.quick else FULL
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    systems, peers_not_run = measure_systems(work, not args.skip_peers)
    http: dict[str, Any] | None = None
    if not args.skip_http:
        print("coordinator over HTTP ...", flush=True)
        http = asyncio.run(http_bench.run(args.quick, LOGS))
        http["summary"] = report.summarise_http(http)
    mcp: dict[str, Any] | None = None
    if not args.skip_mcp:
        print("MCP tool calls ...", flush=True)
        mcp = asyncio.run(mcp_bench.run(args.quick))
    streams: dict[str, Any] | None = None
    if not args.skip_streams:
        print("workflow event streams ...", flush=True)
        streams = asyncio.run(stream_bench.measure(args.quick, LOGS))
    summaries = {
        name: report.summarise_system(raw) for name, raw in systems.items() if "phases" in raw
    }
    results: dict[str, Any] = {
        "run": {
            "quick": args.quick,
            "started": started,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "workload": json.loads(work.to_json()),
        },
        "peers_not_run": peers_not_run,
        "peer_versions": peer_env.installed_versions(),
        "summaries": summaries,
        "goals": report.goals(summaries),
        "systems": systems,
        "http": http,
        "mcp": mcp,
        "streams": streams,
        "http_goals": (
            report.http_goals(http["summary"], http["hosts"][0]["label"]) if http else []
        ),
    }
    path = RESULTS / "bench.json"
    path.write_text(json.dumps(results, indent=1))
    print_report(results)
    if mcp:
        print_mcp_report(mcp)
    if streams:
        print()
        print(f"== Workflow event streams (devhost, offline model at {streams['model_latency_ms']} "
              "ms per call) ==")  # fmt: skip
        print(stream_bench.table(streams))
    print()
    print(f"results: {path}")
    print(f"chart: {draw_chart(path)}")
    return results
