"""Replay an out-of-process orchestrator's actions against its history, as the extension does.

The SDK returns every action the orchestrator has taken so far (schema V2+: one flat list,
one entry per `yield`). The Durable extension's shim replays that list on the Durable Task
Framework: each top-level action is scheduled and awaited in turn, each scheduled task gets the
next sequence number, and retry policies add a timer and a new attempt after every failure. This
module reproduces that replay, so that sequence numbers, retry timers, buffered external events
and non-determinism checks match what the real host records.
"""

from __future__ import annotations

import json
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from devhost.engine.history import Event, EventType, parse_time
from devhost.engine.retry import RetryPolicy

ENTITY_REQUEST_NAMESPACE = uuid.UUID("6b1b3bd5-3d4b-4d0e-9a55-8b5f3c2d1a7e")


class NonDeterminismError(Exception):
    """Raised when the history records work the orchestrator code no longer schedules."""


@dataclass
class NewTask:
    """A task the orchestrator scheduled in this episode, to be recorded and dispatched."""

    kind: str  # "activity" | "timer" | "suborchestration" | "event_sent"
    task_id: int
    name: str = ""
    input: str | None = None
    fire_at: datetime | None = None
    instance_id: str | None = None
    version: str | None = None
    # Set for an attempt started after its retry timeout: the engine fails it without running
    # it, because the SDK's retry task always expects one more attempt after each retry timer.
    fail_immediately: str | None = None


@dataclass
class ReplayOutcome:
    """What the replay concluded: new tasks, whether all awaited work is done, leftovers."""

    new_tasks: list[NewTask] = field(default_factory=list)
    all_awaited_done: bool = False
    continue_as_new_input: str | None = None
    continued_as_new: bool = False
    buffered_events: list[tuple[str, str | None]] = field(default_factory=list)


class _Node:
    """A task in the replay tree; leaves are scheduled work, inner nodes combine children.

    Only a leaf records whether it failed (a retry reads it): whether a combined task failed
    is the SDK's to decide, the replay only needs to know when it is done."""

    def __init__(self, parent: _Node | None) -> None:
        self.parent = parent
        self.done = False
        self.failed = False

    def finish(self, failed: bool = False) -> None:
        if self.done:
            return
        self.done = True
        self.failed = failed
        if self.parent is not None:
            self.parent.child_done(self)

    def child_done(self, child: _Node) -> None:
        raise NotImplementedError


class _Leaf(_Node):
    def __init__(self, parent: _Node | None, task: NewTask) -> None:
        super().__init__(parent)
        self.task = task


class _All(_Node):
    def __init__(self, parent: _Node | None) -> None:
        super().__init__(parent)
        self.children: list[_Node] = []

    def check(self) -> None:
        if all(c.done for c in self.children):
            self.finish()

    def child_done(self, child: _Node) -> None:
        self.check()


class _Any(_Node):
    def __init__(self, parent: _Node | None) -> None:
        super().__init__(parent)
        self.children: list[_Node] = []

    def check(self) -> None:
        if any(c.done for c in self.children) or not self.children:
            self.finish()

    def child_done(self, child: _Node) -> None:
        self.finish()


class _Retry(_Node):
    """A task with a retry policy: attempt, on failure a timer, then the next attempt."""

    def __init__(self, parent: _Node | None, replay: _Replay, action: dict[str, Any]) -> None:
        super().__init__(parent)
        self.replay = replay
        self.action = action
        self.policy = RetryPolicy.from_json(action.get("retryOptions") or {})
        self.attempt = 0
        self.first_attempt_at = replay.now
        self.waiting_on_timer = False
        self.timed_out = False

    def start(self) -> None:
        self.attempt += 1
        leaf = self.replay.schedule_leaf(self, self.action)
        if self.timed_out:
            leaf.task.fail_immediately = "The retry timeout of this task has elapsed."

    def child_done(self, child: _Node) -> None:
        if self.waiting_on_timer:
            self.waiting_on_timer = False
            if self.attempt >= self.policy.max_attempts:
                self.finish()
            else:
                self.start()
            return
        if not child.failed:
            self.finish()
            return
        delay = self.policy.next_delay(self.attempt - 1, self.first_attempt_at, self.replay.now)
        if delay is None:
            self.timed_out = True
        self.waiting_on_timer = True
        self.replay.schedule_timer(self, self.replay.now + (delay or timedelta(0)))


class _Replay:
    def __init__(self, instance_id: str, actions: list[dict[str, Any]]) -> None:
        self.instance_id = instance_id
        self.actions = actions
        self.cursor = 0
        self.current: _Node | None = None
        self.next_id = 0
        self.now = datetime.min
        self.unrecorded: dict[int, _Leaf] = {}
        self.open_leaves: dict[int, _Leaf] = {}
        self.waiters: dict[str, deque[_Node]] = {}
        self.buffered: dict[str, deque[str | None]] = {}
        self.buffer_order: list[tuple[str, str | None]] = []
        self.outcome = ReplayOutcome()

    # --- scheduling -------------------------------------------------------------------
    def take_id(self) -> int:
        task_id = self.next_id
        self.next_id += 1
        return task_id

    def _register(self, leaf: _Leaf) -> None:
        self.unrecorded[leaf.task.task_id] = leaf
        self.open_leaves[leaf.task.task_id] = leaf

    def schedule_timer(self, parent: _Node | None, fire_at: datetime) -> _Leaf:
        task = NewTask("timer", self.take_id(), fire_at=fire_at)
        leaf = _Leaf(parent, task)
        self._register(leaf)
        return leaf

    def schedule_leaf(self, parent: _Node | None, action: dict[str, Any]) -> _Leaf:
        kind = action["actionType"]
        task_id = self.take_id()
        if kind in (0, 1):
            task = NewTask(
                "activity", task_id, name=action["functionName"], input=action.get("input")
            )
        else:  # 2 and 3, the sub-orchestrations: `build` sends no other kind here
            instance_id = action.get("instanceId") or f"{self.instance_id}:{task_id:04d}"
            task = NewTask(
                "suborchestration",
                task_id,
                name=action["functionName"],
                input=action.get("input"),
                instance_id=instance_id,
                version=action.get("version"),
            )
        leaf = _Leaf(parent, task)
        self._register(leaf)
        return leaf

    def build(self, action: dict[str, Any], parent: _Node | None) -> _Node:
        kind = action["actionType"]
        if kind in (0, 2):
            return self.schedule_leaf(parent, action)
        if kind in (1, 3):
            retry = _Retry(parent, self, action)
            retry.start()
            return retry
        if kind == 5:
            leaf = self.schedule_timer(parent, parse_time(action["fireAt"]))
            return leaf
        if kind == 6:
            return self.wait_for_event(parent, action["externalEventName"])
        if kind in (7, 9, 10):
            return self.send_entity_event(parent, action, call=kind == 7)
        if kind == 4:
            self.outcome.continued_as_new = True
            self.outcome.continue_as_new_input = action.get("input")
            node = _Node(parent)
            node.done = True
            return node
        if kind in (11, 12):
            compound: _All | _Any = _Any(parent) if kind == 11 else _All(parent)
            for child in action.get("compoundActions") or []:
                compound.children.append(self.build(child, compound))
            compound.check()
            return compound
        if kind == 8:
            raise NonDeterminismError("call_http is not supported by devhost")
        raise NonDeterminismError(f"Unknown action type {kind}")

    def wait_for_event(self, parent: _Node | None, name: str) -> _Node:
        waiter = _Node(parent)
        key = name.casefold()
        queue = self.buffered.get(key)
        if queue:
            payload = queue.popleft()
            self._forget_buffered(key, payload)
            waiter.finish()
        else:
            self.waiters.setdefault(key, deque()).append(waiter)
        return waiter

    def send_entity_event(self, parent: _Node | None, action: dict[str, Any], call: bool) -> _Node:
        task_id = self.take_id()
        request_id = str(uuid.uuid5(ENTITY_REQUEST_NAMESPACE, f"{self.instance_id}:{task_id}"))
        message = {
            "op": action.get("operation"),
            "signal": not call,
            "input": action.get("input"),
            "id": request_id,
            "parent": self.instance_id if call else None,
        }
        if action.get("actionType") == 10 and action.get("fireAt"):
            message["due"] = action["fireAt"]
        task = NewTask(
            "event_sent",
            task_id,
            name="op",
            input=json.dumps(message),
            instance_id=action["instanceId"],
        )
        leaf = _Leaf(None, task)
        self.unrecorded[task_id] = leaf
        if not call:
            node = _Node(parent)
            node.done = True
            return node
        return self.wait_for_event(parent, request_id)

    def _forget_buffered(self, key: str, payload: str | None) -> None:
        for index, (name, value) in enumerate(self.buffer_order):
            if name.casefold() == key and value == payload:
                del self.buffer_order[index]
                return

    def advance(self) -> None:
        while True:
            if self.current is not None and not self.current.done:
                return
            if self.outcome.continued_as_new or self.cursor >= len(self.actions):
                return
            action = self.actions[self.cursor]
            self.cursor += 1
            self.current = self.build(action, None)

    # --- history ----------------------------------------------------------------------
    def record(self, event: Event, kind: str, expected_name: str | None) -> None:
        task_id = int(event.get("EventId", -1))
        leaf = self.unrecorded.pop(task_id, None)
        if leaf is None or leaf.task.kind != kind:
            what = {
                "activity": "an activity task",
                "timer": "a durable timer",
                "suborchestration": "a sub-orchestration",
                "event_sent": "an outbound event",
            }[kind]
            name = f" and name '{expected_name}'" if expected_name else ""
            raise NonDeterminismError(
                "Non-Deterministic workflow detected: A previous execution of this orchestration "
                f"scheduled {what} with sequence ID {task_id}{name}, but the current replay "
                "execution hasn't (yet?) scheduled this task. Was a change made to the "
                "orchestrator code after this instance had already started running?"
            )
        if expected_name is not None and leaf.task.name.casefold() != expected_name.casefold():
            raise NonDeterminismError(
                "Non-Deterministic workflow detected: A previous execution of this orchestration "
                f"scheduled {kind} '{expected_name}' with sequence ID {task_id}, but the current "
                f"replay execution scheduled '{leaf.task.name}' instead. Was a change made to the "
                "orchestrator code after this instance had already started running?"
            )

    def complete(self, task_id: int, failed: bool) -> None:
        leaf = self.open_leaves.pop(task_id, None)
        if leaf is not None:
            leaf.finish(failed)

    def raise_event(self, name: str, payload: str | None) -> None:
        key = name.casefold()
        queue = self.waiters.get(key)
        if queue:
            # The oldest waiter takes it, even one whose task_any another task has decided.
            queue.popleft().finish()
            return
        self.buffered.setdefault(key, deque()).append(payload)
        self.buffer_order.append((name, payload))

    def process(self, event: Event) -> None:
        step = _STEPS.get(event["EventType"])
        if step is not None:
            step(self, event)
            self.advance()

    def orchestrator_started(self, event: Event) -> None:
        stamp = parse_time(event["Timestamp"])
        self.now = max(self.now, stamp) if self.now != datetime.min else stamp

    def execution_started(self, event: Event) -> None:
        """Nothing to record: the orchestrator's first actions follow."""

    def task_scheduled(self, event: Event) -> None:
        self.record(event, "activity", event.get("Name"))

    def timer_created(self, event: Event) -> None:
        self.record(event, "timer", None)

    def sub_orchestration_created(self, event: Event) -> None:
        self.record(event, "suborchestration", event.get("Name"))

    def event_sent(self, event: Event) -> None:
        self.record(event, "event_sent", None)

    def task_succeeded(self, event: Event) -> None:
        self.complete(int(event["TaskScheduledId"]), failed=False)

    def task_failed(self, event: Event) -> None:
        self.complete(int(event["TaskScheduledId"]), failed=True)

    def timer_fired(self, event: Event) -> None:
        self.complete(int(event["TimerId"]), failed=False)

    def event_raised(self, event: Event) -> None:
        self.raise_event(str(event.get("Name") or ""), event.get("Input"))


# What each type of history event does to the replay before it takes the next actions, looked up
# once per event by its type number (building the enum per event cost more than the replay's
# own work); events of other types change nothing.
_STEPS: dict[int, Callable[[_Replay, Event], None]] = {
    EventType.ORCHESTRATOR_STARTED: _Replay.orchestrator_started,
    EventType.EXECUTION_STARTED: _Replay.execution_started,
    EventType.TASK_SCHEDULED: _Replay.task_scheduled,
    EventType.TIMER_CREATED: _Replay.timer_created,
    EventType.SUB_ORCHESTRATION_INSTANCE_CREATED: _Replay.sub_orchestration_created,
    EventType.EVENT_SENT: _Replay.event_sent,
    EventType.TASK_COMPLETED: _Replay.task_succeeded,
    EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED: _Replay.task_succeeded,
    EventType.TASK_FAILED: _Replay.task_failed,
    EventType.SUB_ORCHESTRATION_INSTANCE_FAILED: _Replay.task_failed,
    EventType.TIMER_FIRED: _Replay.timer_fired,
    EventType.EVENT_RAISED: _Replay.event_raised,
}


def replay_actions(
    instance_id: str, history: list[Event], actions: list[dict[str, Any]]
) -> ReplayOutcome:
    """Replay `actions` (the SDK's flat V2 action list) over `history` and report new tasks.

    Raises NonDeterminismError when the history holds scheduled work that the actions do not
    reproduce in the same order.
    """
    replay = _Replay(instance_id, actions)
    for event in history:
        replay.process(event)
    outcome = replay.outcome
    outcome.new_tasks = [replay.unrecorded[k].task for k in sorted(replay.unrecorded)]
    outcome.all_awaited_done = replay.cursor >= len(actions) and (
        replay.current is None or replay.current.done
    )
    outcome.buffered_events = list(replay.buffer_order)
    return outcome


def flatten_actions(raw_actions: list[Any]) -> list[dict[str, Any]]:
    """The SDK's actions payload (schema V2+: `[[a1, a2, ...]]`) as one flat list."""
    if not raw_actions:
        return []
    if len(raw_actions) != 1 or not isinstance(raw_actions[0], list):
        raise NonDeterminismError(
            "The orchestrator returned actions in the original replay schema; devhost "
            "speaks schema V2 and later, as azure-functions-durable 1.2 and later do."
        )
    return list(raw_actions[0])
