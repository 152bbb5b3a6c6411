"""A tool call as an agent's answer carries it: a summary in place of its result, which
stays in the agent's own history (the `mcp_tool` step of `{workflow id}:{agent}`), so the
coordinator's history, its synthesis and its result do not carry every record again."""

from __future__ import annotations

import json

from core.conversations.items import item_lines
from core.models import ToolCallRecord, ToolResultSummary


def summarized(record: ToolCallRecord) -> ToolCallRecord:
    """`record` without its result, with the result's length as JSON text and how many
    records it listed."""
    if record.result is None:
        return record
    summary = ToolResultSummary(
        chars=len(json.dumps(record.result, ensure_ascii=False, default=str)),
        items=len(item_lines(record.result)),
    )
    return record.model_copy(update={"result": None, "summary": summary})
