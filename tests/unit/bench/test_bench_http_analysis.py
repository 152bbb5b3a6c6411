"""The end-to-end bench's reading of instance histories."""

from bench import http_bench


def _done(name: str, scheduled: str, at: str) -> dict:
    return {"EventType": "TaskCompleted", "FunctionName": name, "ScheduledTime": scheduled,
            "Timestamp": at}  # fmt: skip


def test_parse_time_takes_seven_fraction_digits():
    parsed = http_bench.parse_time("2026-01-01T00:00:01.1234567Z")
    assert parsed.microsecond == 123456
    assert http_bench.parse_time("2026-01-01T00:00:01Z").second == 1


def test_activities_scheduled_together_count_until_the_last_completes():
    events = [
        {"EventType": "ExecutionStarted", "Timestamp": "2026-01-01T00:00:00.0000000Z"},
        _done("llm_step", "2026-01-01T00:00:00.0000000Z", "2026-01-01T00:00:00.1000000Z"),
        _done("mcp_tool", "2026-01-01T00:00:00.1000000Z", "2026-01-01T00:00:00.1200000Z"),
        _done("mcp_tool", "2026-01-01T00:00:00.1000000Z", "2026-01-01T00:00:00.1500000Z"),
        _done("llm_step", "2026-01-01T00:00:00.1510000Z", "2026-01-01T00:00:00.2510000Z"),
        {"EventType": "ExecutionCompleted", "Timestamp": "2026-01-01T00:00:00.2600000Z"},
    ]
    assert round(http_bench.activity_path_ms(events), 3) == 250.0
    assert round(http_bench.duration_ms(events), 3) == 260.0


def test_critical_path_takes_the_slowest_agent():
    coordinator = [
        _done("plan", "2026-01-01T00:00:00.0000000Z", "2026-01-01T00:00:00.1000000Z"),
        {"EventType": "SubOrchestrationInstanceCompleted", "InstanceId": "w:a"},
        {"EventType": "SubOrchestrationInstanceCompleted", "InstanceId": "w:b"},
        _done("synthesize", "2026-01-01T00:00:00.5000000Z", "2026-01-01T00:00:00.6000000Z"),
    ]
    fast = [_done("llm_step", "2026-01-01T00:00:00.1000000Z", "2026-01-01T00:00:00.2000000Z")]
    slow = [_done("llm_step", "2026-01-01T00:00:00.1000000Z", "2026-01-01T00:00:00.4000000Z")]
    assert http_bench.sub_instances(coordinator) == ["w:a", "w:b"]
    assert round(http_bench.critical_path_ms(coordinator, [fast, slow]), 3) == 500.0


def test_sequential_model_calls_are_plan_longest_agent_and_synthesis():
    output = {"agents": [{"steps": 2}, {"steps": 3}]}
    assert http_bench.sequential_model_calls(output) == 5
    assert http_bench.sequential_model_calls({}) == 2


def test_poll_interval_grows_with_concurrency():
    assert http_bench.Level(1, 1).poll_seconds == 0.05
    assert http_bench.Level(100, 1).poll_seconds == 0.5
