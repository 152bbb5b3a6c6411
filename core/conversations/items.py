"""The items a turn's tool results listed (tickets, orders, sensors...), in order, so a later
"the second one" can name the item it means."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from core.models import AgentAnswer, ToolCallRecord

MAX_ITEMS = 20
MAX_LABEL_CHARS = 80
LABEL_FIELDS = ("name", "title", "subject", "description", "type", "status")


def result_items(answers: list[AgentAnswer]) -> list[str]:
    """The items the agents' tool results listed, in the order they came, each once, at most
    MAX_ITEMS: each answer's `items` (read from its tool results for an answer that carries
    them instead, as answers recorded before `items` existed do)."""
    items = [item for a in answers for item in (a.items or listed_items(a.tool_calls))]
    return list(dict.fromkeys(items))[:MAX_ITEMS]


def listed_items(calls: list[ToolCallRecord]) -> list[str]:
    """One line per record the successful tool calls returned in a list, in the order they
    came, each once: its id field and, when it has one, a label (`TCK-10011 (Refund not
    received)`). At most MAX_ITEMS."""
    return first_items(
        item_lines(call.result) for call in calls if call.result is not None and call.error is None
    )


def first_items(lines: Iterable[list[str]]) -> list[str]:
    """The lines of each call's `item_lines`, in order, each once, at most MAX_ITEMS."""
    return list(dict.fromkeys(chain.from_iterable(lines)))[:MAX_ITEMS]


def item_lines(result: Any) -> list[str]:
    """One line per record (a dict with an id field) that `result` lists, in order."""
    items: list[str] = []
    _collect(result, items)
    return items


def _collect(value: Any, items: list[str]) -> None:
    if isinstance(value, dict):
        for child in value.values():
            _collect(child, items)
    elif isinstance(value, list):
        for entry in value:
            line = _item_line(entry) if isinstance(entry, dict) else None
            if line:
                items.append(line)
            else:
                _collect(entry, items)


def _item_line(record: dict[str, Any]) -> str | None:
    key = next((k for k in record if k == "id" or k.endswith("_id")), None)
    if key is None or not isinstance(record[key], str | int):
        return None
    label = next(
        (str(record[f]) for f in LABEL_FIELDS if isinstance(record.get(f), str) and record[f]),
        None,
    )
    if label is None:
        return str(record[key])
    return f"{record[key]} ({clip(label, MAX_LABEL_CHARS)})"


def clip(text: str, limit: int) -> str:
    """`text`, cut to at most `limit` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
