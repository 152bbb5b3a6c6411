"""The offline model's text answers: a summary of tool results, or of the request itself.
Every answer opens by saying it was produced offline."""

from __future__ import annotations

import json
from typing import Any

from core.llm.offline.text import is_japanese
from core.llm.types import ChatMessage

MAX_FIELDS = 6
MAX_LINES = 12
_PHRASES = {
    "en": {
        "notice": "Offline answer (rule-based; no language model was used).",
        "request": "Request",
        "results": "Tool results:",
        "no_tool": "No available tool matched the request.",
        "items": "items",
        "first": "first",
    },
    "ja": {
        "notice": "オフライン応答です(ルールベース。言語モデルは使用していません)。",
        "request": "依頼",
        "results": "ツールの結果:",
        "no_tool": "依頼に合うツールがありませんでした。",
        "items": "件",
        "first": "先頭",
    },
}


def latest_user_text(messages: list[ChatMessage]) -> str:
    """The content of the last user message, or "" when there is none."""
    return next((m.content for m in reversed(messages) if m.role == "user"), "")


def tool_results_since_user(messages: list[ChatMessage]) -> list[tuple[str, str]]:
    """(tool name, result content) of each tool message after the last user message.

    The name comes from the assistant tool call the result answers; an unknown call
    keeps its id as the name.
    """
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    names = {c.id: c.name for m in messages for c in m.tool_calls}
    return [
        (names.get(m.tool_call_id or "", m.tool_call_id or ""), m.content)
        for m in messages[last_user + 1 :]
        if m.role == "tool"
    ]


def answer_from_tool_results(messages: list[ChatMessage]) -> str:
    """An answer citing each tool result since the last user message and its key fields."""
    request = latest_user_text(messages)
    words = _PHRASES["ja" if is_japanese(request) else "en"]
    lines = [words["notice"], f"{words['request']}: {_clip(_first_line(request), 200)}"]
    lines.append(words["results"])
    for name, content in tool_results_since_user(messages):
        lines.append(f"- {name}: {_clip(summarize(content, words), 300)}")
    return "\n".join(lines)


def answer_from_messages(messages: list[ChatMessage], *, no_tool_matched: bool) -> str:
    """An answer restating the last user message, saying when no tool matched it."""
    request = latest_user_text(messages)
    words = _PHRASES["ja" if is_japanese(request) else "en"]
    lines = [words["notice"]]
    if no_tool_matched:
        lines.append(words["no_tool"])
    body = [line.strip() for line in request.splitlines() if line.strip()]
    lines.extend(_clip(line, 200) for line in body[:MAX_LINES])
    return "\n".join(lines)


def summarize(content: str, words: dict[str, str]) -> str:
    """Key fields of a tool result: scalar fields of a JSON object, the size and first
    item of a JSON list, or the text itself."""
    try:
        data = json.loads(content)
    except ValueError:
        return " ".join(content.split())
    return _describe(data, words)


def _describe(data: Any, words: dict[str, str]) -> str:
    if isinstance(data, dict):
        fields = []
        for key, value in data.items():
            if isinstance(value, list):
                fields.append(f"{key}: {len(value)} {words['items']}")
            elif not isinstance(value, dict):
                fields.append(f"{key}={_clip(_scalar(value), 80)}")
        return ", ".join(fields[:MAX_FIELDS]) or ", ".join(map(str, data))
    if isinstance(data, list):
        size = f"{len(data)} {words['items']}"
        return f"{size}; {words['first']}: {_describe(data[0], words)}" if data else size
    return _scalar(data)


def _scalar(value: Any) -> str:
    # JSON spelling for null and booleans; str() would say None and True.
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return str(value)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
