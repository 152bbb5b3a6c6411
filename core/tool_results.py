"""A tool call as an agent's answer carries it: a summary in place of its result, which
stays in the agent's own history (the `mcp_tool` step of `{workflow id}:{agent}`), so the
coordinator's history, its synthesis and its result do not carry every record again."""

from __future__ import annotations

import json
from typing import Any

from core.conversations.items import item_lines
from core.models import ToolCallRecord, ToolResultSummary


def summarized(
    record: ToolCallRecord, result_json: str | None = None, lines: list[str] | None = None
) -> ToolCallRecord:
    """`record` without its result, with the result's length as JSON text and how many
    records it listed. `result_json` (the result's `result_text`) and `lines` (its
    `item_lines`) are given when the caller has them already."""
    if record.result is None:
        return record
    summary = ToolResultSummary(
        chars=len(result_json if result_json is not None else result_text(record.result)),
        items=len(lines if lines is not None else item_lines(record.result)),
    )
    return record.model_copy(update={"result": None, "summary": summary})


def result_text(body: Any) -> str:
    """A tool call's result (or error) as JSON text: what the model reads and a summary
    measures."""
    return json.dumps(body, ensure_ascii=False, default=str)
