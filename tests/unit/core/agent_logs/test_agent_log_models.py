"""Validation and serialisation of agent-log records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from core.agent_logs import AgentLogRecord, AuditKind, AuditRecord, Outcome, TokenUsage
from core.agent_logs.percentile import p95_top_count


def record(**fields: object) -> AgentLogRecord:
    """A valid record with `fields` overridden."""
    values: dict[str, object] = {"id": "r-1", "workflow_id": "wf-1", "agent_id": "a", "step": "plan"}
    return AgentLogRecord.model_validate(values | fields)


def test_timestamps_serialise_fixed_width_in_utc_so_string_order_is_time_order() -> None:
    whole = record(timestamp=datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC))
    fraction = record(timestamp=datetime(2026, 1, 1, 9, 0, 0, 500000, tzinfo=UTC))

    stamps = [r.model_dump(mode="json")["timestamp"] for r in (whole, fraction)]

    assert stamps == ["2026-01-01T09:00:00.000000Z", "2026-01-01T09:00:00.500000Z"]
    assert sorted(stamps) == stamps


def test_timestamps_are_converted_to_utc_and_naive_ones_taken_as_utc() -> None:
    tokyo = timezone(timedelta(hours=9))

    assert record(timestamp=datetime(2026, 1, 1, 18, 0, tzinfo=tokyo)).timestamp == datetime(
        2026, 1, 1, 9, 0, tzinfo=UTC
    )
    assert record(timestamp=datetime(2026, 1, 1, 9, 0)).timestamp.tzinfo == UTC


def test_record_round_trips_through_json() -> None:
    original = record(tool="t", tokens={"prompt": 3, "completion": 4}, outcome="partial", ttl=60)

    assert AgentLogRecord.model_validate_json(original.model_dump_json()) == original
    assert original.outcome is Outcome.PARTIAL


def test_token_total_defaults_to_prompt_plus_completion() -> None:
    assert TokenUsage(prompt=3, completion=4).total == 7
    assert TokenUsage(prompt=3, completion=4, total=9).total == 9
    assert TokenUsage().total == 0


def test_the_audit_partition_is_not_an_agent() -> None:
    with pytest.raises(ValidationError, match="reserved for audit records"):
        record(agent_id="audit")


@pytest.mark.parametrize("bad_id", ["", "a/b", "a?b", "a#b", "a\\b", "x" * 256])
def test_ids_cosmos_db_would_refuse_are_rejected(bad_id: str) -> None:
    with pytest.raises(ValidationError, match="id"):
        record(id=bad_id)


@pytest.mark.parametrize("ttl", [0, -2])
def test_ttl_must_be_never_or_positive(ttl: int) -> None:
    with pytest.raises(ValidationError, match="ttl"):
        record(ttl=ttl)


def test_audit_records_live_in_the_audit_partition_and_never_expire_by_default() -> None:
    entry = AuditRecord(id="a-1", kind=AuditKind.APPROVAL, actor="alice", action="approve")

    assert (entry.agent_id, entry.ttl) == ("audit", -1)
    with pytest.raises(ValidationError, match="agent_id"):
        AuditRecord.model_validate(
            {"id": "a-1", "kind": "approval", "actor": "alice", "action": "approve", "agent_id": "x"}
        )


@pytest.mark.parametrize(
    ("count", "top"), [(1, 1), (10, 1), (19, 1), (20, 2), (21, 2), (100, 6), (1000, 51)]
)
def test_p95_is_reached_after_the_nearest_rank_from_the_top(count: int, top: int) -> None:
    assert p95_top_count(count) == top
    values = sorted(range(1, count + 1), reverse=True)
    nearest_rank = -(-95 * count // 100)
    assert values[top - 1] == nearest_rank


def test_p95_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="count must be >= 1"):
        p95_top_count(0)
