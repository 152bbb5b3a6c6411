"""Summaries, ratios and goal checks of the benchmark report."""

import pytest

from bench import report
from bench.workload import AGENT_FAN_OUT, QUICK, Workload


def _raw(p50_ms: float, workflows_per_s: float) -> dict:
    return {
        "phases": {
            "latency": {AGENT_FAN_OUT: [p50_ms] * 3},
            "throughput": {
                "workflows": 100,
                "activities_per_workflow": 5,
                "runs": [{"seconds": 100 / workflows_per_s}, {"seconds": 1.0}, {"seconds": 0.1}],
            },
            "chain": {"steps": 100, "runs_ms": [150.0], "step_ms": [[1.0] * 50 + [2.0] * 50]},
        },
        "peak_rss_mb": 50.0,
    }


def test_summary_derives_rates_and_step_growth():
    summary = report.summarise_system(_raw(2.0, 500.0))
    assert summary["throughput"]["workflows_per_s"] == 500.0
    assert summary["throughput"]["activities_per_s"] == 2500.0
    assert summary["chain"]["ms_per_step_by_bucket"] == [1.0, 2.0]
    assert summary["chain"]["growth"] == 2.0
    assert summary["chain"]["ms_per_step"] == 1.5


def test_advantage_reads_each_direction_as_times_better():
    faster = report.Row("latency", lambda s: None, higher_is_better=False)
    more = report.Row("throughput", lambda s: None, higher_is_better=True)
    assert report.advantage(faster, 2.0, 8.0) == 4.0
    assert report.advantage(more, 800.0, 100.0) == 8.0


def test_goals_use_the_best_shipped_peer_only():
    summaries = {
        "devhost": report.summarise_system(_raw(1.0, 1000.0)),
        "dbos": report.summarise_system(_raw(5.0, 120.0)),
        "durabletask": report.summarise_system(_raw(100.0, 90.0)),
        "durabletask-poll2ms": report.summarise_system(_raw(0.5, 5000.0)),
    }
    throughput, latency = report.goals(summaries)
    assert throughput["best_peer"] == "dbos"
    assert round(throughput["advantage"], 2) == 8.33
    assert throughput["met"] is False
    assert latency["best_peer"] == "dbos"
    assert latency["advantage"] == 5.0
    assert latency["met"] is True


def test_engine_table_has_a_ratio_column_per_peer():
    summaries = {
        "devhost": report.summarise_system(_raw(1.0, 1000.0)),
        "dbos": report.summarise_system(_raw(5.0, 100.0)),
    }
    table = report.engine_table(summaries)
    assert "x vs dbos" in table
    fan_out = next(line for line in table.splitlines() if line.startswith("agent fan-out, p50"))
    assert fan_out.split()[-1] == "5.0"


def test_http_summary_reads_duration_against_the_model_floor_and_checks_each_goal():
    runs = [
        {"runtime_status": "Completed", "offline": True, "duration_ms": d, "path_ms": 100.0,
         "floor_ms": 400, "client_ms": d + 20, "start_ms": 2.0}
        for d in (440.0, 480.0, 520.0, 560.0, 2000.0)
    ]  # fmt: skip
    one = {"concurrency": 1, "poll_interval_ms": 50.0, "runs": runs, "cpu_ms_per_workflow": 9.5}
    ten = {"concurrency": 10, "poll_interval_ms": 50.0, "runs": runs[:1]}
    raw = {"hosts": [{"label": "slots 100", "levels": [one, ten], "peak_rss_mb": 80.0}]}
    summary = report.summarise_http(raw)
    assert summary[0]["duration_over_floor"] == 1.3
    assert summary[0]["duration_over_floor_p95"] > 4.0
    assert summary[0]["cpu_ms_per_workflow"] == 9.5
    assert summary[0]["host_peak_rss_mb"] == 80.0
    goals = {g["concurrency"]: g for g in report.http_goals(summary, "slots 100")}
    assert goals[1]["met"] is False, "1.3x the floor misses the 1.2x goal alone"
    assert goals[10]["met"] is True, "1.1x the floor is within 1.5x at 10"
    assert goals[100]["met"] is None
    assert report.http_goals(summary, "another host")[0]["met"] is None
    table = report.http_table(summary)
    assert "1.30x" in table
    assert "<= 1.2x" in table


def test_workload_round_trips_and_validates():
    assert Workload.from_json(QUICK.to_json()) == QUICK
    with pytest.raises(ValueError, match="latency_runs"):
        Workload(latency_runs=0)
