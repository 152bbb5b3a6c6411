"""Draws bench/results/bench.png from bench/results/bench.json with matplotlib.

Run with the peers' venv, which has matplotlib, so the app's venv needs nothing more:
`python -m bench.chart <results.json> <chart.png>`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench import stats
from bench.report import AGENT_FRAMEWORKS, DEVHOST, FLOOR_GOALS, PEERS, VARIANTS
from bench.workload import AGENT_FAN_OUT, HELLO_SEQUENCE5

SMOOTH_STEPS = 10


def _systems(results: dict[str, Any]) -> list[str]:
    found = results.get("summaries", {})
    return [s for s in (DEVHOST, *PEERS, *VARIANTS, *AGENT_FRAMEWORKS) if found.get(s)]


def _bars(
    ax: Any, groups: list[str], systems: list[str], values: dict[str, list[float | None]]
) -> None:
    width = 0.8 / max(1, len(systems))
    for i, system in enumerate(systems):
        xs = [g + i * width for g in range(len(groups))]
        ys = [v or 0 for v in values[system]]
        bars = ax.bar(xs, ys, width, label=system)
        for bar, y in zip(bars, ys, strict=True):
            if y:
                ax.annotate(f"{y:,.3g}", (bar.get_x() + bar.get_width() / 2, y), ha="center",
                            va="bottom", fontsize=7)  # fmt: skip
    ax.set_xticks([g + width * (len(systems) - 1) / 2 for g in range(len(groups))], groups)
    ax.set_yscale("log")
    ax.legend(fontsize=8)


def draw(results: dict[str, Any], path: Path) -> None:
    summaries = results["summaries"]
    systems = _systems(results)
    fig, axes = plt.subplots(2, 2, figsize=(14, 10))
    fig.suptitle(f"devhost and peers ({'quick' if results['run']['quick'] else 'full'} run, "
                 f"{results['run']['started']})")  # fmt: skip

    ax = axes[0][0]
    shapes = [AGENT_FAN_OUT, HELLO_SEQUENCE5]
    _bars(ax, ["agent fan-out", "HelloSequence5"], systems,
          {s: [summaries[s].get(k, {}).get("p50_ms") for k in shapes] for s in systems})  # fmt: skip
    ax.set_title("single workflow, p50 latency (ms, lower is better)")

    ax = axes[0][1]
    _bars(ax, ["concurrent fan-outs, workflows/s", "1,000-activity fan-out, activities/s"], systems,
          {s: [summaries[s].get("throughput", {}).get("workflows_per_s"),
               summaries[s].get("fan_out", {}).get("activities_per_s")] for s in systems})  # fmt: skip
    ax.set_title("throughput (higher is better)")

    ax = axes[1][0]
    for system in systems:
        raw = results["systems"][system].get("phases", {}).get("chain")
        if not raw:
            continue
        per_step = stats.elementwise_median(raw["step_ms"])
        smooth = stats.bucket_means(per_step, SMOOTH_STEPS)
        ax.plot([SMOOTH_STEPS * (i + 0.5) for i in range(len(smooth))], smooth, label=system)
    ax.set_title(f"time per step along a chain (ms, mean of {SMOOTH_STEPS} steps)")
    ax.set_xlabel("step (history length grows with it)")
    ax.set_yscale("log")
    ax.legend(fontsize=8)

    ax = axes[1][1]
    http = results.get("http") or {}
    levels = [s for s in http.get("summary", []) if s.get("runs")]
    if levels:
        labels = [f"{s['concurrency']}\n{s['host']}" for s in levels]
        xs = range(len(levels))
        ax.bar([x - 0.2 for x in xs], [s["duration_over_floor"] for s in levels], 0.4,
               label="duration / model floor, p50")  # fmt: skip
        ax.bar([x + 0.2 for x in xs], [s.get("duration_over_floor_p95", 0) for s in levels], 0.4,
               label="p95")  # fmt: skip
        goals = [FLOOR_GOALS.get(s["concurrency"]) for s in levels]
        ax.scatter([x for x, g in zip(xs, goals, strict=True) if g],
                   [g for g in goals if g], marker="_", s=600, color="tab:red",
                   label="goal")  # fmt: skip
        ax.set_xticks(list(xs), labels)
        ax.set_xlabel("concurrent coordinator workflows over HTTP, host.json activity slots")
        ax.axhline(1, color="grey", linewidth=0.8)
        ax.legend(fontsize=8)
    ax.set_title("coordinator over HTTP: duration / model floor (100 ms per call, lower is better)")

    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    results = json.loads(Path(sys.argv[1]).read_text())
    draw(results, Path(sys.argv[2]))


if __name__ == "__main__":
    main()
