"""Workflow event streams over HTTP: devhost serving the coordinator app, the offline model at
a simulated 100 ms per call, each run followed on `GET /api/coordinator/workflows/{id}/events`.

First-event latency: from the POST that starts a run to the first event its stream delivers
(the stream opened right after the POST answered), one run at a time. Then 100 runs at once,
each followed by its own stream: the events each stream delivered per second it was open, the
first-event latency under that load, and devhost's CPU time over the level (per stream and as
a share of one core), against the same 100 runs followed by polling their status instead. Run as `python -m bench.stream_bench [--quick]` or in `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.http_bench import QUERY, TERMINAL, Devhost, HttpBenchError
from bench.stats import latency_summary, median, percentile

ROOT = Path(__file__).resolve().parents[1]
START = "/api/coordinator/orchestrate"
SINGLE_RUNS = {"quick": 5, "full": 20}
CONCURRENT_STREAMS = 100
POLL_SECONDS = 0.5
"""The baseline's status poll interval: as often as a stream reads the histories."""


class StreamHost(Devhost):
    """devhost for the stream bench: the start endpoint answers at once."""

    def environment(self) -> dict[str, str]:
        env = super().environment()
        env["ORCHESTRATE_WAIT_SECONDS"] = "0"
        return env


async def follow(
    session: aiohttp.ClientSession, base: str, workflow_id: str
) -> tuple[list[float], float]:
    """The arrival times (time.time) of every event of the run, reconnecting with the last
    event id until the stream answers 204; and when the first connection was opened."""
    url = f"{base}/api/coordinator/workflows/{workflow_id}/events"
    arrivals: list[float] = []
    last_id: str | None = None
    opened = time.time()
    while True:
        headers = {"Last-Event-ID": last_id} if last_id else {}
        async with session.get(url, headers=headers) as response:
            if response.status == 204:
                return arrivals, opened
            if response.status != 200:
                raise HttpBenchError(f"GET events: {response.status} {await response.text()}")
            async for raw in response.content:
                line = raw.decode().rstrip("\n")
                if line.startswith("id: "):
                    last_id = line[4:]
                elif line.startswith("event: "):
                    arrivals.append(time.time())


async def one_stream(session: aiohttp.ClientSession, base: str) -> dict[str, float]:
    """Start a run and follow it: first-event latency, events, events per second open."""
    began = time.time()
    async with session.post(f"{base}{START}", json={"query": QUERY}) as response:
        if response.status != 202:
            raise HttpBenchError(f"POST {START}: {response.status} {await response.text()}")
        workflow_id = (await response.json())["workflow_id"]
    answered = time.time()
    arrivals, opened = await follow(session, base, workflow_id)
    if not arrivals:
        raise HttpBenchError(f"the stream of {workflow_id} delivered no event")
    open_for = max(arrivals[-1] - opened, 1e-3)
    return {
        "first_event_ms": (arrivals[0] - began) * 1000,
        "start_ms": (answered - began) * 1000,
        "events": len(arrivals),
        "events_per_second": len(arrivals) / open_for,
        "open_seconds": open_for,
    }


async def one_polled_run(session: aiohttp.ClientSession, base: str) -> None:
    """Start a run and poll its status every POLL_SECONDS until it ends (the baseline)."""
    async with session.post(f"{base}{START}", json={"query": QUERY}) as response:
        workflow_id = (await response.json())["workflow_id"]
    while True:
        await asyncio.sleep(POLL_SECONDS)
        async with session.get(f"{base}/api/coordinator/workflows/{workflow_id}") as response:
            if (await response.json()).get("runtime_status") in TERMINAL:
                return


async def cpu_of(host: Devhost, runs: Any) -> tuple[Any, float, float]:
    """What `runs` returned, and the wall and devhost CPU seconds it took."""
    cpu_before, began = host.cpu_seconds(), time.monotonic()
    result = await runs
    return result, time.monotonic() - began, host.cpu_seconds() - cpu_before


async def measure(quick: bool, log_dir: Path) -> dict[str, Any]:
    """Both scenarios against one devhost."""
    with tempfile.TemporaryDirectory(prefix="stream-bench-") as hub:
        host = StreamHost(Path(hub), log_dir / "stream_bench_devhost.log")
        timeout = aiohttp.ClientTimeout(total=600)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            await host.start(session)
            try:
                await one_stream(session, host.base)  # warm-up, not measured
                single = [
                    await one_stream(session, host.base)
                    for _ in range(SINGLE_RUNS["quick" if quick else "full"])
                ]
                _, base_wall, base_cpu = await cpu_of(
                    host,
                    asyncio.gather(
                        *(one_polled_run(session, host.base) for _ in range(CONCURRENT_STREAMS))
                    ),
                )
                crowd, wall, cpu = await cpu_of(
                    host,
                    asyncio.gather(
                        *(one_stream(session, host.base) for _ in range(CONCURRENT_STREAMS))
                    ),
                )
            finally:
                host.stop()
    rates = [s["events_per_second"] for s in crowd]
    return {
        "model_latency_ms": 100,
        "single": {
            "first_event": latency_summary([s["first_event_ms"] for s in single]),
        },
        "concurrent": {
            "streams": CONCURRENT_STREAMS,
            "first_event": latency_summary([s["first_event_ms"] for s in crowd]),
            "start": latency_summary([s["start_ms"] for s in crowd]),
            "events_per_stream": median([s["events"] for s in crowd]),
            "events_per_second_p50": percentile(rates, 50),
            "events_per_second_p5": percentile(rates, 5),
            "stream_open_seconds_p50": percentile([s["open_seconds"] for s in crowd], 50),
            "wall_seconds": wall,
            "cpu_seconds": cpu,
            "cpu_ms_per_stream": cpu * 1000 / CONCURRENT_STREAMS,
            "cpu_share_of_one_core": cpu / wall,
        },
        "polled_baseline": {
            "runs": CONCURRENT_STREAMS,
            "poll_seconds": POLL_SECONDS,
            "wall_seconds": base_wall,
            "cpu_seconds": base_cpu,
            "cpu_ms_per_run": base_cpu * 1000 / CONCURRENT_STREAMS,
        },
    }


def table(results: dict[str, Any]) -> str:
    """The results as printed lines."""
    single = results["single"]["first_event"]
    crowd = results["concurrent"]
    base = results["polled_baseline"]
    first = crowd["first_event"]
    return "\n".join(
        [
            f"first event after start, one run at a time ({single['runs']} runs): "
            f"p50 {single['p50_ms']:,.0f} ms, p95 {single['p95_ms']:,.0f} ms",
            f"{crowd['streams']} streams at once: first event p50 {first['p50_ms']:,.0f} ms, "
            f"p95 {first['p95_ms']:,.0f} ms (the POST that starts the run answered after p50 "
            f"{crowd['start']['p50_ms']:,.0f} ms); {crowd['events_per_stream']:.0f} events per "
            f"stream, {crowd['events_per_second_p50']:.2f} events/s per stream (p50; p5 "
            f"{crowd['events_per_second_p5']:.2f}) over {crowd['stream_open_seconds_p50']:.1f} s "
            "open",
            f"devhost CPU over the {crowd['wall_seconds']:.1f} s of the {crowd['streams']} "
            f"streams: {crowd['cpu_seconds']:.1f} s ({crowd['cpu_share_of_one_core']:.0%} of "
            f"one core), {crowd['cpu_ms_per_stream']:,.0f} ms per stream (its run included); "
            f"the same {base['runs']} runs polled every {base['poll_seconds']} s instead: "
            f"{base['cpu_ms_per_run']:,.0f} ms per run, {base['wall_seconds']:.1f} s",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stream_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer single runs")
    args = parser.parse_args()
    results = asyncio.run(measure(args.quick, ROOT / "bench" / "results" / "logs"))
    print(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
