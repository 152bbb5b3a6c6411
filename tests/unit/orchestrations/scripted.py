"""One orchestrator run, episode by episode, through the Durable SDK and devhost's replay, with
every activity, sub-orchestration, timer and event answered by the test: the orchestrator's own
decisions in milliseconds, without a task hub.

Each episode hands the SDK the history so far (as the extension does), replays the actions it
returns with `devhost.engine.replay`, records the tasks it scheduled, and asks `answer` for
each one's outcome, delivered in the next episode.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from devhost.app_loader import FunctionIndex
from devhost.engine import history as h
from devhost.engine.history import Event, EventType
from devhost.engine.invoke import run_orchestrator
from devhost.engine.replay import NewTask, flatten_actions, replay_actions

START = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@dataclass
class Task:
    """A task the orchestrator scheduled: its kind, name, decoded input, instance id, due time
    (of a timer), and the episode that scheduled it."""

    kind: str
    name: str
    input: Any
    instance_id: str | None = None
    fire_at: datetime | None = None
    episode: int = 0


class Failure(Exception):
    """An answer that fails the task with this message."""


class Pending:
    """An answer that leaves the task unfinished (a timer that has not fired, a wait)."""


PENDING = Pending()


@dataclass
class Later:
    """An answer delivered `episodes` episodes after the next one."""

    value: Any
    episodes: int = 1


Answer = Callable[[Task], Any]
"""The outcome of a task: a value (its result), a Failure, PENDING, or Later."""


@dataclass
class Run:
    """What the orchestrator did: every task it scheduled, every custom status it set, its
    output, the error it failed with, and the input it continued as new with."""

    tasks: list[Task] = field(default_factory=list)
    statuses: list[Any] = field(default_factory=list)
    output: Any = None
    error: str | None = None
    done: bool = False
    continued_with: Any = None

    def named(self, name: str) -> list[Task]:
        """The tasks of one activity or orchestration name, in order."""
        return [t for t in self.tasks if t.name == name]


def _decoded(text: str | None) -> Any:
    return json.loads(text) if text else None


def run(
    index: FunctionIndex,
    orchestrator: str,
    payload: Any,
    answer: Answer,
    *,
    instance_id: str = "wf-1",
    parent_instance_id: str | None = None,
    events: list[tuple[str, Any]] | None = None,
    max_episodes: int = 40,
) -> Run:
    """Run `orchestrator` on `payload` to its end (or until nothing more can happen), with
    `events` raised after its first episode."""
    info = index.find("orchestrationTrigger", orchestrator)
    assert info is not None, orchestrator
    now = START
    past: list[Event] = [
        h.orchestrator_started(now),
        h.execution_started(now, orchestrator, json.dumps(payload), instance_id, "x", None),
    ]
    incoming: list[Event] = []
    later: list[tuple[int, Event]] = []
    raised = list(events or [])
    result = Run()
    for episode in range(max_episodes):
        if episode:
            now += timedelta(seconds=1)
            incoming.extend(event for wait, event in later if wait == 0)
            later = [(wait - 1, event) for wait, event in later if wait > 0]
            if not incoming and not raised and not later:
                return result
            past.append(h.orchestrator_started(now))
            past.extend(incoming)
            past.extend(h.event_raised(now, name, json.dumps(data)) for name, data in raised)
            incoming, raised = [], []
        context = {
            "history": past,
            "input": payload,
            "instanceId": instance_id,
            "isReplaying": episode > 0,
            "parentInstanceId": parent_instance_id,
            "upperSchemaVersion": 1,
            "upperSchemaVersionNew": 2,
        }
        outcome = run_orchestrator(info, json.dumps(context))
        state = outcome.state
        if "customStatus" in state:
            result.statuses.append(state["customStatus"])
        if outcome.error is not None and "actions" not in state:
            result.error = outcome.error
            return result
        replayed = replay_actions(instance_id, past, flatten_actions(state.get("actions") or []))
        for new in replayed.new_tasks:
            past.append(_scheduled(new, now))
            task = Task(
                new.kind, new.name, _decoded(new.input), new.instance_id, new.fire_at, episode
            )
            result.tasks.append(task)
            given = answer(task)
            done = _answered(new, given.value if isinstance(given, Later) else given, now)
            if done is not None and isinstance(given, Later):
                later.append((given.episodes, done))
            elif done is not None:
                incoming.append(done)
        if replayed.continued_as_new and replayed.all_awaited_done:
            result.continued_with = _decoded(replayed.continue_as_new_input)
            return result
        if outcome.error is not None and replayed.all_awaited_done:
            result.error = outcome.error
            return result
        if state.get("isDone") and replayed.all_awaited_done:
            result.output, result.done = state.get("output"), True
            return result
        past.append(h.orchestrator_completed(now))
    raise AssertionError(f"{orchestrator} did not finish in {max_episodes} episodes")


def _scheduled(task: NewTask, now: datetime) -> Event:
    if task.kind == "activity":
        return h.new_event(
            EventType.TASK_SCHEDULED, now, task.task_id, Name=task.name, Input=task.input
        )
    if task.kind == "timer":
        assert task.fire_at is not None
        return h.new_event(
            EventType.TIMER_CREATED, now, task.task_id, FireAt=h.format_time(task.fire_at)
        )
    return h.new_event(
        EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
        now,
        task.task_id,
        Name=task.name,
        InstanceId=task.instance_id,
        Input=task.input,
    )


def _answered(task: NewTask, outcome: Any, now: datetime) -> Event | None:
    if isinstance(outcome, Pending):
        return None
    if task.kind == "timer":
        assert task.fire_at is not None
        return h.timer_fired(now, task.task_id, task.fire_at)
    failed = isinstance(outcome, Failure)
    if task.kind == "activity":
        if failed:
            return h.task_failed(now, task.task_id, str(outcome), None)
        return h.task_completed(now, task.task_id, json.dumps(outcome))
    if failed:
        return h.sub_orchestration_failed(now, task.task_id, str(outcome), None)
    return h.sub_orchestration_completed(now, task.task_id, json.dumps(outcome))
