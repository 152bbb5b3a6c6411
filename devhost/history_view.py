"""The timeline of an orchestration's history for the terminal, the same view the Durable
monitor draws in the browser: every activity, timer, event and sub-orchestration as a bar
from when it was scheduled to when it finished, each sub-orchestration's own steps nested
under it (so a fan-out and each agent's model and tool calls show at a glance), failures
marked and their messages printed under them.

It reads history in the shape the Durable HTTP API returns with `showHistory` and
`showHistoryOutput` (`EventType` names, `FunctionName`, `ScheduledTime`, `Timestamp`,
`Result`, `InstanceId` of sub-orchestrations)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

History = Sequence[Mapping[str, Any]]

_FINISHED = {
    "TaskCompleted",
    "TaskFailed",
    "SubOrchestrationInstanceCompleted",
    "SubOrchestrationInstanceFailed",
    "TimerFired",
}
_MARKERS = {"EventRaised", "ExecutionTerminated", "ExecutionSuspended", "ExecutionResumed"}
_ENDS = {"ExecutionCompleted", "ExecutionTerminated"}
LABEL_WIDTH = 44
MESSAGE_WIDTH = 300


@dataclass
class Step:
    """One row of the timeline."""

    name: str
    detail: str
    start: datetime
    end: datetime
    kind: str = "activity"
    failed: bool = False
    running: bool = False
    message: str | None = None
    depth: int = 0
    child: str | None = None
    rows: list[Step] = field(default_factory=list)


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    head, dot, tail = value.partition(".")
    if dot:
        digits = "".join(c for c in tail if c.isdigit())
        value = f"{head}.{digits[:6].ljust(6, '0')}{tail[len(digits) :]}"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _value(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _short(text: Any, width: int) -> str:
    line = " ".join(str(text if isinstance(text, str) else json.dumps(text)).split())
    return line if len(line) <= width else line[: width - 1] + "…"


def describe(name: str, result: Any, instance_id: str = "") -> tuple[str, str | None]:
    """What a step did, read from its result (the tool an `mcp_tool` call ran, the tools an
    `llm_step` asked for, the agents a plan chose), and a warning when it reports an error."""
    data = _value(result)
    r = data if isinstance(data, dict) else {}
    if name == "mcp_tool":
        tool = str(r.get("tool") or "")
        return tool, (f"{tool}: {r['error']}" if r.get("error") else None)
    if name == "llm_step":
        calls = [str(c.get("name")) for c in r.get("tool_calls") or [] if isinstance(c, dict)]
        tokens = (r.get("usage") or {}).get("total_tokens")
        text = f"→ {', '.join(calls)}" if calls else ("→ answer" if r else "")
        return text + (f" · {tokens} tokens" if tokens else ""), None
    if name == "plan":
        plan = r.get("plan") or {}
        agents = [str(t.get("agent")) for t in plan.get("tasks") or [] if isinstance(t, dict)]
        approval = " (needs approval)" if plan.get("needs_approval") else ""
        return (f"→ {', '.join(agents)}{approval}" if agents else ""), None
    if name == "agent_run":
        agent = str(r.get("agent") or instance_id.rpartition(":")[2])
        status = r.get("status")
        if status and status != "ok":
            return f"{agent} ({status})", f"{agent}: {r.get('error') or r.get('answer') or status}"
        return agent, None
    if name == "approval" and "approved" in r:
        if r["approved"]:
            return f"approved by {r.get('approver')}", None
        return "denied", str(r.get("reason") or "denied")
    if name in ("coordinator", "self_test_run") and r:
        failed = r.get("failed_agents") or []
        return str(r.get("status") or ""), (
            f"failed agents: {', '.join(failed)}" if failed else None
        )
    return "", None


def child_instance_ids(events: History) -> list[str]:
    """The sub-orchestration instances a history names, in order: fetch their histories
    to pass as `children` to `render_timeline`."""
    named = (
        str(e["InstanceId"])
        for e in events
        if str(e.get("EventType", "")).startswith("SubOrchestration") and e.get("InstanceId")
    )
    return list(dict.fromkeys(named))


def _bounds(events: History, now: datetime) -> tuple[datetime, datetime, bool]:
    times = [t for t in (_time(e.get("Timestamp")) for e in events) if t is not None]
    start = next(
        (_time(e.get("Timestamp")) for e in events if e.get("EventType") == "ExecutionStarted"),
        None,
    ) or (min(times) if times else now)
    ended = [_time(e.get("Timestamp")) for e in events if e.get("EventType") in _ENDS]
    end = ended[-1] if ended and ended[-1] is not None else None
    return start, end or now, end is None


def _steps(
    events: History, children: Mapping[str, History], now: datetime, depth: int, seen: set[str]
) -> list[Step]:
    steps: list[Step] = []
    for event in events:
        kind = str(event.get("EventType", ""))
        at = _time(event.get("Timestamp")) or now
        if kind in _FINISHED:
            name = "timer" if kind == "TimerFired" else str(event.get("FunctionName") or "?")
            instance = str(event.get("InstanceId") or "")
            detail, warning = describe(name, event.get("Result"), instance)
            failed = kind.endswith("Failed")
            if failed:
                parts = [event.get("Reason"), event.get("Details")]
                warning = ": ".join(str(p) for p in parts if p) or "failed"
            if kind == "TimerFired":
                fire_at = _time(event.get("FireAt"))
                detail = f"fires at {fire_at:%Y-%m-%d %H:%M:%S}" if fire_at else "fired"
            step = Step(
                name,
                detail or instance.rpartition(":")[2],
                _time(event.get("ScheduledTime")) or at,
                at,
                kind="orchestration" if kind.startswith("Sub") else "activity",
                failed=failed,
                message=warning,
                depth=depth,
            )
            if instance and instance in children and instance not in seen:
                seen.add(instance)
                step.child = instance
                step.rows = _steps(children[instance], children, now, depth + 1, seen)
            steps.append(step)
        elif kind in _MARKERS:
            label = f"event {event.get('Name')}" if kind == "EventRaised" else kind[9:].lower()
            data = _value(event.get("Input"))
            if isinstance(data, dict) and "approved" in data:
                note = f"{'approve' if data['approved'] else 'deny'} by {data.get('approver')}"
            else:
                note = _short(event.get("Reason") or event.get("Input") or "", 40)
            steps.append(Step(label, note, at, at, kind="event", depth=depth))
    return steps


def _orphans(children: Mapping[str, History], seen: set[str], now: datetime) -> list[Step]:
    """Sub-orchestrations no history names yet (still running), as rows of their own."""
    rows = []
    for instance, events in children.items():
        if instance in seen:
            continue
        seen.add(instance)
        start, end, running = _bounds(events, now)
        name = next(
            (
                str(e.get("FunctionName"))
                for e in events
                if e.get("EventType") == "ExecutionStarted"
            ),
            "sub-orchestration",
        )
        detail = "waiting for a decision" if name == "approval" and running else ""
        step = Step(name, detail or instance.rpartition(":")[2], start, end, kind="orchestration")
        step.running, step.child = running, instance
        step.rows = _steps(events, children, now, 2, seen)
        rows.append(step)
    return rows


def _flatten(steps: list[Step], depth: int) -> list[Step]:
    rows: list[Step] = []
    for step in sorted(steps, key=lambda s: (s.start, s.end)):
        step.depth = depth
        rows.append(step)
        rows.extend(_flatten(step.rows, depth + 1))
    return rows


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def _bar(step: Step, origin: datetime, total: float, width: int, ascii_only: bool) -> str:
    left = round((step.start - origin).total_seconds() / total * (width - 1))
    left = min(max(left, 0), width - 1)
    if step.kind == "event":
        return " " * left + ("|" if ascii_only else "◆")
    length = max(1, round((step.end - step.start).total_seconds() / total * width))
    length = min(length, width - left)
    fill = "=" if ascii_only else "█"
    if step.failed:
        fill = "!" if ascii_only else "▓"
    elif step.running:
        fill = "~" if ascii_only else "▒"
    elif step.kind == "orchestration" and not ascii_only:
        fill = "▆"
    return (" " * left + fill * length).rstrip()


def render_timeline(
    events: History,
    children: Mapping[str, History] | None = None,
    *,
    width: int = 110,
    now: datetime | None = None,
    ascii_only: bool = False,
) -> str:
    """The timeline of one instance's history (`historyEvents` of the Durable HTTP API with
    `showHistoryOutput`) as text, `width` columns wide.

    `children` maps sub-orchestration instance ids to their own histories: their steps are
    nested under the step that ran them, and those no event names yet (still running) are
    shown as running rows. `now` ends the bars of what still runs (default: the clock)."""
    children = children or {}
    now = now or datetime.now(UTC)
    if not events:
        return "(no history)"
    start, end, running = _bounds(events, now)
    name = next(
        (str(e.get("FunctionName")) for e in events if e.get("EventType") == "ExecutionStarted"),
        "orchestration",
    )
    done = next((e for e in events if e.get("EventType") == "ExecutionCompleted"), None)
    status = str(done.get("OrchestrationStatus") or "") if done else ("Running" if running else "")
    seen: set[str] = set()
    root = Step(name, status, start, end, kind="orchestration", running=running)
    if status == "Failed" and done is not None:
        failure = done.get("FailureDetails") or done.get("Result")
        root.failed, root.message = True, _short(failure, MESSAGE_WIDTH)
    root.rows = _steps(events, children, now, 1, seen) + _orphans(children, seen, now)
    rows = _flatten([root], 0)
    origin = min(r.start for r in rows)
    total = max((max(r.end for r in rows) - origin).total_seconds(), 1e-3)
    label_width = min(LABEL_WIDTH, max(len(_label(r, ascii_only)) for r in rows))
    bar_width = max(20, width - label_width - 22)
    header = f"{'STEP'.ljust(label_width)}  {'START':>8}  {'DURATION':>8}  0"
    scale = _duration(total)
    lines = [header + scale.rjust(bar_width - 1)]
    for row in rows:
        label = _label(row, ascii_only)
        label = label if len(label) <= label_width else label[: label_width - 1] + "…"
        offset = "+" + _duration((row.start - origin).total_seconds())
        took = "" if row.kind == "event" else _duration((row.end - row.start).total_seconds())
        bar = _bar(row, origin, total, bar_width, ascii_only)
        lines.append(f"{label.ljust(label_width)}  {offset:>8}  {took:>8}  {bar}".rstrip())
        if row.message:
            kind = "failed" if row.failed else "warning"
            indent = " " * (2 * row.depth + 4)
            room = max(20, width - len(indent) - len(kind) - 2)
            lines.append(f"{indent}{kind}: {_short(row.message, room)}")
    text = "\n".join(lines)
    return text.translate(_PLAIN).encode("ascii", "replace").decode() if ascii_only else text


_PLAIN = str.maketrans({"→": "->", "…": "...", "·": "-"})


def _label(step: Step, ascii_only: bool) -> str:
    mark = ""
    if step.failed:
        mark = "x " if ascii_only else "✗ "
    elif step.message:
        mark = "! " if ascii_only else "⚠ "
    detail = f" {step.detail}" if step.detail else ""
    running = " (running)" if step.running else ""
    text = f"{'  ' * step.depth}{mark}{step.name}{detail}{running}"
    return text.translate(_PLAIN) if ascii_only else text
