"""Choose which tools the offline model calls for a user's text, and with what arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.llm.offline.arguments import fill_arguments, identifies_only
from core.llm.offline.text import fixed_keywords, keywords
from core.llm.types import ToolCall, ToolSpec

MAX_TOOL_CALLS = 3
CHANGE_WORDS = (
    "update",
    "change",
    "set ",
    "mark",
    "close",
    "resolve",
    "reserve",
    "create",
    "cancel",
    "assign",
    "escalate",
    "更新",
    "変更",
    "予約",
    "作成",
    "取消",
    "キャンセル",
    "割り当て",
    "エスカレ",
    "にして",
    "に設定",
)
"""Words that ask for a change: only a text with one gets calls of tools that change data."""


@dataclass(frozen=True)
class _Candidate:
    score: int
    name: str
    arguments: dict[str, Any]


def choose_tool_calls(tools: list[ToolSpec], text: str, call_id_prefix: str) -> list[ToolCall]:
    """Calls of the tools that best match `text`, at most `MAX_TOOL_CALLS`; empty when none fit.

    A tool scores two points per keyword shared with its name, one per keyword shared
    only with its description, and two per argument found in the text by pattern or
    enum. Tools whose required arguments cannot be filled, look-ups whose identifiers
    are all missing from the text, and tools that change data when the text asks for no
    change (`CHANGE_WORDS`) are skipped; those scoring at
    least half the best score are called, best first, ties by name. Call ids are
    `call_id_prefix` plus the call's position.
    """
    words = keywords(text)
    folded = text.casefold()
    asks_for_change = any(word in folded for word in CHANGE_WORDS)
    candidates: list[_Candidate] = []
    for spec in tools:
        if not spec.read_only and not asks_for_change:
            continue
        filled = fill_arguments(spec.parameters, text)
        if filled is None or (filled.matched == 0 and identifies_only(spec.parameters)):
            continue
        name_words = fixed_keywords(spec.name)
        description_words = fixed_keywords(spec.description) - name_words
        score = 2 * len(words & name_words) + len(words & description_words) + 2 * filled.matched
        if score > 0:
            candidates.append(_Candidate(score, spec.name, filled.values))
    if not candidates:
        return []
    best = max(c.score for c in candidates)
    chosen = sorted(
        (c for c in candidates if 2 * c.score >= best), key=lambda c: (-c.score, c.name)
    )[:MAX_TOOL_CALLS]
    return [
        ToolCall(id=f"{call_id_prefix}{i}", name=c.name, arguments=c.arguments)
        for i, c in enumerate(chosen)
    ]
