"""Readable tables for the CLI: instance lists and orchestration histories."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

RESULT_WIDTH = 60


def render(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces, with a header rule."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    text = text.replace("\n", " ")
    return text if len(text) <= RESULT_WIDTH else text[: RESULT_WIDTH - 3] + "..."


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _duration(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return ""
    seconds = (end - start).total_seconds()
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _clock(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] if moment else ""


def instances_table(instances: list[dict[str, Any]]) -> str:
    """One row per instance: id, name, status, created and last updated times."""
    rows = [
        [
            str(i.get("instanceId", "")),
            str(i.get("name", "")),
            str(i.get("runtimeStatus", "")),
            str(i.get("createdTime", "")),
            str(i.get("lastUpdatedTime", "")),
        ]
        for i in instances
    ]
    return render(["INSTANCE", "NAME", "STATUS", "CREATED", "UPDATED"], rows)


def history_table(events: list[dict[str, Any]]) -> str:
    """One row per history event: type, function or event name, start, duration, result.

    Activities and sub-orchestrations start at `ScheduledTime` and end at `Timestamp`;
    failures show their reason, timers their fire time."""
    rows = []
    for event in events:
        kind = str(event.get("EventType", ""))
        end = _time(event.get("Timestamp"))
        start = _time(event.get("ScheduledTime")) or end
        name = event.get("FunctionName") or event.get("Name") or ""
        if "Reason" in event or "Details" in event:
            result = _short(event.get("Reason") or event.get("Details"))
        elif "Result" in event:
            result = _short(event["Result"])
        elif "Input" in event:
            result = _short(event["Input"])
        elif "FireAt" in event:
            result = f"fire at {event['FireAt']}"
        else:
            result = str(event.get("OrchestrationStatus", ""))
        rows.append([kind, str(name), _clock(start), _duration(start, end), result])
    return render(["EVENT", "NAME", "START", "DURATION", "RESULT"], rows)
