"""Turns the systems' raw measurements into summaries, ratios, goal checks and the printed
tables. Pure functions over the results JSON, so the chart and tests use them as they are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench import stats
from bench.workload import AGENT_FAN_OUT, HELLO_SEQUENCE5

DEVHOST = "devhost"
PEERS = ("dbos", "durabletask")
"""The peers as their projects ship them; goals are checked against the best of these."""
VARIANTS = ("durabletask-poll2ms",)
"""Peers changed by the bench to show them without a known wait; reported, not goal peers."""
AGENT_FRAMEWORKS = ("langgraph", "agent-framework")
"""Agent frameworks with durable checkpoints (LangGraph, Microsoft Agent Framework): reported
with devhost's ratio to each; the goals are against the durable-execution PEERS."""
THROUGHPUT_GOAL = 10.0
LATENCY_GOAL = 4.0
FLOOR_GOALS = {1: 1.2, 10: 1.5, 100: 3.0}
"""Most a coordinator run may take, as a multiple of its model floor (p50), by concurrency."""
STEP_BUCKET = 50


def summarise_system(raw: dict[str, Any]) -> dict[str, Any]:
    """The numbers of one system from its raw phases; absent phases give absent keys."""
    phases = raw.get("phases", {})
    out: dict[str, Any] = {}
    for shape, samples in phases.get("latency", {}).items():
        out[shape] = stats.latency_summary(samples)
    if "throughput" in phases:
        t = phases["throughput"]
        rates = [t["workflows"] / r["seconds"] for r in t["runs"]]
        per_second = stats.median(rates) or 0.0
        out["throughput"] = {
            "concurrent_starts": t["workflows"],
            "runs": len(rates),
            "workflows_per_s": per_second,
            "activities_per_s": per_second * t["activities_per_workflow"],
        }
    if "chain" in phases:
        c = phases["chain"]
        per_step = stats.elementwise_median(c["step_ms"])
        buckets = stats.bucket_means(per_step, STEP_BUCKET)
        total = stats.median(c["runs_ms"]) or 0.0
        out["chain"] = {
            "steps": c["steps"],
            "p50_ms": total,
            "ms_per_step": total / c["steps"],
            "bucket_steps": STEP_BUCKET,
            "ms_per_step_by_bucket": buckets,
            "growth": stats.ratio(buckets[-1], buckets[0]),
        }
    if "fan_out" in phases:
        f = phases["fan_out"]
        took = stats.median(f["runs_ms"]) or 0.0
        out["fan_out"] = {
            "activities": f["activities"],
            "p50_ms": took,
            "activities_per_s": f["activities"] / (took / 1000) if took else None,
        }
    if "peak_rss_mb" in raw:
        out["peak_rss_mb"] = raw["peak_rss_mb"]
    return out


@dataclass(frozen=True)
class Row:
    """One table row: a label, how to read it from a summary, and whether higher is better."""

    label: str
    read: Callable[[dict[str, Any]], float | None]
    higher_is_better: bool
    decimals: int = 1


def _get(*path: str | int) -> Callable[[dict[str, Any]], float | None]:
    def read(summary: dict[str, Any]) -> float | None:
        value: Any = summary
        for key in path:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return None
        return float(value) if value is not None else None

    return read


def rows(summary_of_devhost: dict[str, Any]) -> list[Row]:
    """The engine table's rows (chain bucket labels follow the chain's length)."""
    chain = summary_of_devhost.get("chain", {})
    steps = int(chain.get("steps", 200))
    last = (steps - 1) // STEP_BUCKET
    concurrent = summary_of_devhost.get("throughput", {}).get("concurrent_starts", 1000)
    tries = summary_of_devhost.get("throughput", {}).get("runs", 1)
    of = f" (median of {tries})" if tries > 1 else ""
    width = summary_of_devhost.get("fan_out", {}).get("activities", 1000)
    return [
        Row("agent fan-out, p50 ms", _get(AGENT_FAN_OUT, "p50_ms"), False, 2),
        Row("agent fan-out, p95 ms", _get(AGENT_FAN_OUT, "p95_ms"), False, 2),
        Row("HelloSequence5, p50 ms", _get(HELLO_SEQUENCE5, "p50_ms"), False, 2),
        Row("HelloSequence5, p95 ms", _get(HELLO_SEQUENCE5, "p95_ms"), False, 2),
        Row(f"{concurrent:,} concurrent fan-outs{of}, workflows/s", _get("throughput", "workflows_per_s"), True),
        Row(f"{concurrent:,} concurrent fan-outs{of}, activities/s", _get("throughput", "activities_per_s"), True),
        Row(f"{steps}-step chain, ms", _get("chain", "p50_ms"), False),
        Row(f"  ms/step, steps 1-{STEP_BUCKET}", _get("chain", "ms_per_step_by_bucket", 0), False, 2),
        Row(
            f"  ms/step, steps {last * STEP_BUCKET + 1}-{steps}",
            _get("chain", "ms_per_step_by_bucket", last),
            False,
            2,
        ),
        Row("  growth of ms/step (last/first 50)", _get("chain", "growth"), False, 2),
        Row(f"{width:,}-activity fan-out, ms", _get("fan_out", "p50_ms"), False),
        Row(f"{width:,}-activity fan-out, activities/s", _get("fan_out", "activities_per_s"), True),
        Row("peak RSS, MB", _get("peak_rss_mb"), False),
    ]  # fmt: skip


def advantage(row: Row, devhost: float | None, peer: float | None) -> float | None:
    """How many times devhost is better: devhost/peer when higher is better, else peer/devhost."""
    if row.higher_is_better:
        return stats.ratio(devhost, peer)
    return stats.ratio(peer, devhost)


def _fmt(value: float | None, decimals: int) -> str:
    if value is None:
        return "-"
    return f"{value:,.{decimals}f}"


def engine_table(summaries: dict[str, dict[str, Any]]) -> str:
    """The engine and peers table, with devhost's advantage over each peer."""
    systems = [s for s in (DEVHOST, *PEERS, *VARIANTS, *AGENT_FRAMEWORKS) if s in summaries]
    peers = [s for s in systems if s != DEVHOST]
    headers = ["measurement", *systems, *(f"x vs {p}" for p in peers)]
    body: list[list[str]] = []
    for row in rows(summaries.get(DEVHOST, {})):
        values = [row.read(summaries[s]) for s in systems]
        cells = [row.label, *(_fmt(v, row.decimals) for v in values)]
        if row.label.strip().startswith("growth"):
            cells += ["" for _ in peers]
        else:
            cells += [_fmt(advantage(row, values[0], row.read(summaries[p])), 1) for p in peers]
        body.append(cells)
    return _render(headers, body)


def _render(headers: list[str], body: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [headers, *body]) for i in range(len(headers))]
    lines = []
    for r in [headers, ["-" * w for w in widths], *body]:
        first = r[0].ljust(widths[0])
        lines.append(
            "  ".join([first, *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))])
        )
    return "\n".join(lines)


def _best(
    summaries: dict[str, dict[str, Any]],
    read: Callable[[dict[str, Any]], float | None],
    highest: bool,
) -> tuple[str, float] | None:
    found = [(p, read(summaries[p])) for p in PEERS if p in summaries]
    valid = [(p, v) for p, v in found if v is not None and v > 0]
    if not valid:
        return None
    return (max if highest else min)(valid, key=lambda pv: pv[1])


def goals(summaries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The throughput and latency goals against the best shipped peer."""
    devhost = summaries.get(DEVHOST, {})
    checks: list[dict[str, Any]] = []
    specs = [
        ("throughput", "workflows/s", _get("throughput", "workflows_per_s"), True, THROUGHPUT_GOAL),
        ("agent fan-out p50 latency", "ms", _get(AGENT_FAN_OUT, "p50_ms"), False, LATENCY_GOAL),
    ]
    for name, unit, read, highest, needed in specs:
        best = _best(summaries, read, highest)
        mine = read(devhost)
        if best is None or mine is None:
            checks.append({"goal": name, "met": None, "why": "no peer or no devhost result"})
            continue
        times = stats.ratio(mine, best[1]) if highest else stats.ratio(best[1], mine)
        checks.append(
            {
                "goal": name,
                "unit": unit,
                "devhost": mine,
                "best_peer": best[0],
                "best_peer_value": best[1],
                "advantage": times,
                "needed": needed,
                "met": times is not None and times >= needed,
            }
        )
    return checks


def goal_lines(checks: list[dict[str, Any]]) -> list[str]:
    lines = []
    for c in checks:
        if c["met"] is None:
            lines.append(f"goal {c['goal']}: not checked ({c['why']})")
            continue
        want = "at least" if c["goal"] == "throughput" else "p50 at most 1/"
        need = f"{want} {c['needed']:g}x" if c["goal"] == "throughput" else f"{want}{c['needed']:g}"
        lines.append(
            f"goal {c['goal']} ({need} of the best peer, {c['best_peer']}): devhost "
            f"{c['devhost']:,.2f} {c['unit']} vs {c['best_peer_value']:,.2f} -> "
            f"{c['advantage']:.1f}x: {'MET' if c['met'] else 'NOT MET'}"
        )
    return lines


def summarise_http(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Per host and concurrency level: duration against the model floor, CPU and memory."""
    out = []
    for host in raw.get("hosts", []):
        out.extend(_summarise_levels(host, host.get("levels", [])))
    return out


def _summarise_levels(host: dict[str, Any], levels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for level in levels:
        runs = [r for r in level["runs"] if r["runtime_status"] == "Completed"]
        if not runs:
            out.append({"host": host["label"], "concurrency": level["concurrency"], "runs": 0})
            continue
        over_floor = [r["duration_ms"] / r["floor_ms"] for r in runs]
        out.append(
            {
                "host": host["label"],
                "concurrency": level["concurrency"],
                "runs": len(runs),
                "not_completed": len(level["runs"]) - len(runs),
                "offline": all(r["offline"] for r in runs),
                "duration_p50_ms": stats.percentile([r["duration_ms"] for r in runs], 50),
                "path_p50_ms": stats.percentile([r["path_ms"] for r in runs], 50),
                "floor_ms": stats.percentile([r["floor_ms"] for r in runs], 50),
                "duration_over_floor": stats.percentile(over_floor, 50),
                "duration_over_floor_p95": stats.percentile(over_floor, 95),
                "client_p50_ms": stats.percentile([r["client_ms"] for r in runs], 50),
                "start_p50_ms": stats.percentile([r["start_ms"] for r in runs], 50),
                "poll_interval_ms": level["poll_interval_ms"],
                "cpu_ms_per_workflow": level.get("cpu_ms_per_workflow"),
                "host_peak_rss_mb": host.get("peak_rss_mb"),
            }
        )
    return out


def _opt(value: float | None, template: str) -> str:
    return "-" if value is None else template.format(value)


def http_table(levels: list[dict[str, Any]]) -> str:
    headers = [
        "host.json", "concurrent", "runs", "duration p50", "model floor", "duration/floor p50",
        "duration/floor p95", "goal", "CPU ms/workflow", "host peak RSS", "client p50 (poll)",
        "POST p50",
    ]  # fmt: skip
    body = []
    for s in levels:
        if not s["runs"]:
            body.append([s["host"], str(s["concurrency"]), "0", *["-"] * (len(headers) - 3)])
            continue
        goal = FLOOR_GOALS.get(s["concurrency"])
        body.append(
            [
                s["host"],
                str(s["concurrency"]),
                str(s["runs"]),
                f"{s['duration_p50_ms']:,.0f} ms",
                f"{s['floor_ms']:,.0f} ms",
                f"{s['duration_over_floor']:.2f}x",
                f"{s['duration_over_floor_p95']:.2f}x",
                _opt(goal, "<= {:g}x"),
                _opt(s.get("cpu_ms_per_workflow"), "{:,.1f}"),
                _opt(s.get("host_peak_rss_mb"), "{:,.0f} MB"),
                f"{s['client_p50_ms']:,.0f} ms ({s['poll_interval_ms']:.0f})",
                f"{s['start_p50_ms']:.1f} ms",
            ]
        )
    return _render(headers, body)


def http_goals(levels: list[dict[str, Any]], host: str) -> list[dict[str, Any]]:
    """The duration/floor goal of each concurrency in FLOOR_GOALS on `host` (the app as
    configured): met when the p50 ratio is at most the goal."""
    checks: list[dict[str, Any]] = []
    for concurrency, needed in FLOOR_GOALS.items():
        level = next(
            (s for s in levels if s["host"] == host and s["concurrency"] == concurrency), None
        )
        if level is None or not level["runs"]:
            checks.append(
                {"concurrency": concurrency, "needed": needed, "met": None, "why": "no runs"}
            )
            continue
        ratio = level["duration_over_floor"]
        checks.append(
            {
                "concurrency": concurrency,
                "host": host,
                "needed": needed,
                "duration_over_floor": ratio,
                "met": ratio <= needed,
            }
        )
    return checks


def http_goal_lines(checks: list[dict[str, Any]]) -> list[str]:
    """One printed line per duration/floor goal."""
    lines = []
    for c in checks:
        head = f"goal coordinator at {c['concurrency']} concurrent (p50 <= {c['needed']:g}x the model floor)"
        if c["met"] is None:
            lines.append(f"{head}: not checked ({c['why']})")
        else:
            lines.append(
                f"{head}: {c['duration_over_floor']:.2f}x: {'MET' if c['met'] else 'NOT MET'}"
            )
    return lines
