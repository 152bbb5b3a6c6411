"""The offline model's text answers: sentences built from the tool results, or a restatement
of the request when no tool fits. Every answer opens by saying it was produced offline."""

from __future__ import annotations

import json
import re
from typing import Any

from core.llm.offline.records import (
    Reading,
    field_phrase,
    humanize,
    is_identifier,
    record_phrase,
    shared_keys,
)
from core.llm.offline.text import is_japanese, singular
from core.llm.types import ChatMessage, ToolCall

MAX_LINES = 12
MAX_ITEMS = 5
RECORD_FIELDS = 8
ITEM_FIELDS = 5
_PHRASES = {
    "en": {
        "notice": "Offline answer (rule-based; no language model was used).",
        "no_tool": "No available tool matched the request.",
        "for": "{tool} for {arguments}",
        "found": "{intro} found {count} {noun}",
        "none": "{intro} found no {noun}.",
        "first": "; the first {shown}:",
        "naming": "; the {shown} naming {names}:",
        "all": ":",
        "record": "{intro} returned {record}.",
        "parts": "{intro} returned:",
        "said": "{intro} answered: {text}",
        "reported": "{intro} reported: {text}",
        "items": "items",
    },
    "ja": {
        "notice": "オフライン応答です(ルールベース。言語モデルは使用していません)。",
        "no_tool": "依頼に合うツールがありませんでした。",
        "for": "{tool}({arguments})",
        "found": "{intro}の結果: {noun} {count}件",
        "none": "{intro}の結果: {noun} 0件。",
        "first": "(先頭{shown}件):",
        "naming": "({names}に該当する{shown}件):",
        "all": ":",
        "record": "{intro}の結果: {record}。",
        "parts": "{intro}の結果:",
        "said": "{intro}の応答: {text}",
        "reported": "{intro}の報告: {text}",
        "items": "items",
    },
}
OFFLINE_NOTICES = frozenset(words["notice"] for words in _PHRASES.values())
"""The first line of every offline text answer, in each language it answers in."""
_TOOL_ERROR_PREFIX = re.compile(r"^Error executing tool \S+: ")


def latest_user_text(messages: list[ChatMessage]) -> str:
    """The content of the last user message, or "" when there is none."""
    return next((m.content for m in reversed(messages) if m.role == "user"), "")


def tool_results_since_user(messages: list[ChatMessage]) -> list[tuple[ToolCall, str]]:
    """(tool call, result content) of each tool message after the last user message.

    The call is the assistant's tool call the result answers; an unknown call is named
    by its id.
    """
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    calls = {c.id: c for m in messages for c in m.tool_calls}
    results = []
    for m in messages[last_user + 1 :]:
        if m.role == "tool":
            call_id = m.tool_call_id or ""
            results.append((calls.get(call_id) or ToolCall(id=call_id, name=call_id), m.content))
    return results


def language_of(text: str) -> str:
    """ "ja" for a request in Japanese, else "en"."""
    return "ja" if is_japanese(text) else "en"


def notice_for(request: str) -> str:
    """The line that opens every offline answer, in the request's language."""
    return _PHRASES[language_of(request)]["notice"]


def without_notice(answer: str) -> str:
    """An offline answer without its opening notice (a model's answer is left as it is)."""
    first, _, rest = answer.partition("\n")
    return rest if first in OFFLINE_NOTICES else answer


def answer_from_tool_results(messages: list[ChatMessage]) -> str:
    """Sentences saying what each tool result since the last user message found: a record's
    id, name and telling fields, or a list's size and its first items (only those the
    request names, when it names some but not all)."""
    request = latest_user_text(messages)
    language = language_of(request)
    words = _PHRASES[language]
    reading = Reading(request, english=language == "en")
    lines = [words["notice"]]
    for call, content in tool_results_since_user(messages):
        lines.extend(describe_result(call, content, reading, words))
    return "\n".join(lines)


def answer_from_messages(messages: list[ChatMessage], *, no_tool_matched: bool) -> str:
    """An answer restating the last user message, saying when no tool matched it."""
    request = latest_user_text(messages)
    words = _PHRASES[language_of(request)]
    lines = [words["notice"]]
    if no_tool_matched:
        lines.append(words["no_tool"])
    body = [line.strip() for line in request.splitlines() if line.strip()]
    lines.extend(_clip(line, 200) for line in body[:MAX_LINES])
    return "\n".join(lines)


def describe_result(
    call: ToolCall, content: str, reading: Reading, words: dict[str, str]
) -> list[str]:
    """Lines saying what one tool call returned. A JSON string is what the tool reported
    (an error); other text is quoted."""
    intro = _intro(call, reading, words)
    try:
        data = json.loads(content)
    except ValueError:
        return [words["said"].format(intro=intro, text=_clip(" ".join(content.split()), 300))]
    if isinstance(data, str):
        text = _TOOL_ERROR_PREFIX.sub("", data)
        return [words["reported"].format(intro=intro, text=_clip(text, 300))]
    if isinstance(data, dict) and set(data) == {"text"} and isinstance(data["text"], str):
        return [words["said"].format(intro=intro, text=_clip(data["text"], 300))]
    if isinstance(data, list):
        return _collection(intro, words["items"], data, len(data), reading, words)
    if isinstance(data, dict):
        collection = _collection_of(data)
        if collection is not None:
            noun, items = collection
            total = data.get("total")
            count = total if isinstance(total, int) and total >= len(items) else len(items)
            return _collection(intro, humanize(noun), items, count, reading, words)
        return _record(intro, data, reading, words)
    return [words["said"].format(intro=intro, text=data)]


def _intro(call: ToolCall, reading: Reading, words: dict[str, str]) -> str:
    """The tool's name and the arguments it was given from the request's own words."""
    given = [
        humanize(name)
        if value is True
        else f"{humanize(name)} {', '.join(map(str, value))}"
        if isinstance(value, list)
        else field_phrase(name, value, reading)
        for name, value in call.arguments.items()
        if (value is True and reading.names_all(name)) or _from_request(value, reading)
    ]
    if not given:
        return call.name
    return words["for"].format(tool=call.name, arguments=", ".join(given))


def _from_request(value: Any, reading: Reading) -> bool:
    """True for an argument taken from the request's words (a name, or a list of them); not
    for the whole request passed as a search text."""
    if isinstance(value, list):
        return bool(value) and all(_from_request(v, reading) for v in value)
    text = str(value).strip()
    return reading.mentions(value) and len(text) <= 60 and text != reading.request.strip()


def _collection_of(data: dict[str, Any]) -> tuple[str, list[dict[str, Any]]] | None:
    """(name, items) of a result that is one list of records with counts beside it, such as
    {"total": 7, "segments": [...]}; None for a record of its own."""
    if any(is_identifier(key) for key in data):
        return None
    lists = [(k, v) for k, v in data.items() if isinstance(v, list)]
    others = [v for v in data.values() if not isinstance(v, list)]
    if len(lists) != 1 or any(isinstance(v, dict) for v in others):
        return None
    key, items = lists[0]
    if not all(isinstance(item, dict) for item in items):
        return None
    return key, items


def _collection(
    intro: str,
    noun: str,
    items: list[Any],
    count: int,
    reading: Reading,
    words: dict[str, str],
) -> list[str]:
    if not items:
        return [words["none"].format(intro=intro, noun=noun)]
    records = [i for i in items if isinstance(i, dict)]
    mentioned = reading.mentioned(v for i in records for v in i.values())
    named = (
        [i for i in records if any(isinstance(v, str) and v in mentioned for v in i.values())]
        if mentioned
        else []
    )
    noun = singular(noun) if count == 1 else noun
    line = words["found"].format(intro=intro, count=count, noun=noun)
    if named and len(named) < len(records):
        names = sorted(mentioned)
        items = named
        line += words["naming"].format(shown=min(len(named), MAX_ITEMS), names=", ".join(names))
    elif min(len(items), MAX_ITEMS) < count:
        line += words["first"].format(shown=min(len(items), MAX_ITEMS))
    else:
        line += words["all"]
    shared = shared_keys([i for i in items if isinstance(i, dict)])
    lines = [line]
    for item in items[:MAX_ITEMS]:
        if isinstance(item, dict):
            lines.append(f"- {record_phrase(item, reading, limit=ITEM_FIELDS, skip=shared)}")
        else:
            lines.append(f"- {_clip(str(item), 120)}")
    return lines


def _record(
    intro: str, record: dict[str, Any], reading: Reading, words: dict[str, str]
) -> list[str]:
    phrase = record_phrase(record, reading, limit=RECORD_FIELDS)
    nested = any(isinstance(value, dict | list) for value in record.values())
    if any(is_identifier(key) for key in record) or not nested or not phrase:
        return [words["record"].format(intro=intro, record=phrase or "{}")]
    # A result of several parts (a customer, their orders, their tickets): one line each.
    parts = [field_phrase(key, value, reading) for key, value in record.items()]
    return [words["parts"].format(intro=intro)] + [f"- {p}" for p in parts if p]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
