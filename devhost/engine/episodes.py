"""One orchestration episode: consume an instance's messages, replay it, decide what follows.

`run_episode` is synchronous and does no I/O: it takes the instance row, its history and the
messages to deliver, runs the orchestrator through the SDK, and returns the writes (a `Batch`
fragment) and the in-memory effects the engine applies after they commit.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from devhost.app_loader import FunctionIndex
from devhost.engine import history as h
from devhost.engine.history import Event, EventType
from devhost.engine.invoke import run_orchestrator
from devhost.engine.replay import NewTask, NonDeterminismError, flatten_actions, replay_actions
from devhost.engine.store import ActivityRow, Batch, InstanceRow, MessageRow
from devhost.engine.types import RuntimeStatus

CONTROL_EVENTS = {
    EventType.EXECUTION_TERMINATED,
    EventType.EXECUTION_SUSPENDED,
    EventType.EXECUTION_RESUMED,
}


@dataclass
class EpisodeEffects:
    """What changed, for the engine to mirror in memory once the batch has committed."""

    row: InstanceRow | None = None
    history: list[Event] | None = None
    history_json: list[str] = field(default_factory=list)
    history_replaced: bool = False
    consumed: list[int] = field(default_factory=list)
    new_messages: list[MessageRow] = field(default_factory=list)
    new_activities: list[ActivityRow] = field(default_factory=list)
    new_rows: list[InstanceRow] = field(default_factory=list)
    terminal: bool = False


def new_execution_id() -> str:
    """A fresh execution id (32 hex digits, as the framework writes them)."""
    return uuid.uuid4().hex


def start_message(
    row: InstanceRow, at: datetime, parent_execution: str | None = None
) -> MessageRow:
    """The ExecutionStarted message that begins a new execution of `row`."""
    parent = None
    if row.parent_instance_id:
        parent = {
            "OrchestrationInstance": {
                "InstanceId": row.parent_instance_id,
                "ExecutionId": parent_execution,
            },
            "TaskScheduleId": row.parent_task_id,
        }
    event = h.execution_started(
        at, row.name, row.input, row.instance_id, row.execution_id, row.version, parent
    )
    return MessageRow(0, row.instance_id, event, at.timestamp())


class EpisodeRunner:
    """Runs orchestration episodes for the functions of one app."""

    def __init__(self, index: FunctionIndex, default_version: str | None) -> None:
        self.index = index
        self.default_version = default_version

    def run(
        self,
        row: InstanceRow,
        past: list[Event],
        past_json: list[str],
        messages: list[MessageRow],
        now: datetime,
        batch: Batch,
        live_ids: dict[str, InstanceRow],
    ) -> EpisodeEffects:
        """Deliver `messages` to the instance and add the episode's writes to `batch`."""
        effects = EpisodeEffects()
        new_events: list[Event] = [h.orchestrator_started(now)]
        status = RuntimeStatus(row.status)
        terminate_reason: str | None = None
        terminated = False
        for message in messages:
            kind = EventType(message.event["EventType"])
            if kind == EventType.EXECUTION_TERMINATED:
                terminated = True
                terminate_reason = message.event.get("Input")
                new_events.append(message.event)
                effects.consumed.append(message.id)
                break
            if kind == EventType.EXECUTION_SUSPENDED:
                status = RuntimeStatus.SUSPENDED
            elif kind == EventType.EXECUTION_RESUMED:
                status = RuntimeStatus.RUNNING
            elif status == RuntimeStatus.SUSPENDED:
                continue
            new_events.append(message.event)
            effects.consumed.append(message.id)

        row.updated_at = now.timestamp()
        if terminated:
            output = json.dumps(terminate_reason) if terminate_reason is not None else None
            new_events.append(h.execution_completed(now, "Terminated", output))
            return self._finish(
                row, RuntimeStatus.TERMINATED, output, None, past, new_events, batch, effects, now
            )

        started = any(e["EventType"] == EventType.EXECUTION_STARTED for e in [*past, *new_events])
        if not started:
            effects.consumed.clear()
            return effects
        if status == RuntimeStatus.SUSPENDED:
            if len(new_events) == 1:
                return effects
            row.status = status.value
            new_events.append(h.orchestrator_completed(now))
            self._append(row, past, new_events, batch, effects)
            return effects
        row.status = RuntimeStatus.RUNNING.value
        return self._replay(row, past, past_json, new_events, now, batch, effects, live_ids)

    def internal_failure(
        self, row: InstanceRow, past: list[Event], now: datetime, batch: Batch, message: str
    ) -> EpisodeEffects:
        """Fail the instance because devhost itself could not run the episode."""
        effects = EpisodeEffects()
        new_events = [h.orchestrator_started(now)]
        return self._fail(row, message, None, past, new_events, batch, effects, now)

    # --- replay ---------------------------------------------------------------------
    def _context_json(self, row: InstanceRow, past_json: list[str], new_events: list[Event]) -> str:
        history_text = ",".join([*past_json, *(json.dumps(e) for e in new_events)])
        return (
            '{"history":['
            + history_text
            + "]"
            # The extension embeds the stored input as a JSON value (not as text); the SDK
            # client stores a JSON string holding the serialised input, so it decodes once.
            + ',"input":'
            + (row.input if row.input is not None else "null")
            + ',"instanceId":'
            + json.dumps(row.instance_id)
            + ',"isReplaying":'
            + ("true" if past_json else "false")
            + ',"parentInstanceId":'
            + json.dumps(row.parent_instance_id)
            + ',"upperSchemaVersion":1,"upperSchemaVersionNew":2}'
        )

    def _replay(
        self,
        row: InstanceRow,
        past: list[Event],
        past_json: list[str],
        new_events: list[Event],
        now: datetime,
        batch: Batch,
        effects: EpisodeEffects,
        live_ids: dict[str, InstanceRow],
    ) -> EpisodeEffects:
        info = self.index.find("orchestrationTrigger", row.name)
        if info is None:
            message = f"The orchestrator function '{row.name}' doesn't exist."
            return self._fail(row, message, None, past, new_events, batch, effects, now)
        result = run_orchestrator(info, self._context_json(row, past_json, new_events))
        state = result.state
        if "customStatus" in state:
            row.custom_status = json.dumps(state["customStatus"])
        if result.error is not None and "actions" not in state:
            message = f"Orchestrator function '{info.durable_name}' failed: {result.error}"
            return self._fail(row, message, result.stack, past, new_events, batch, effects, now)
        try:
            outcome = replay_actions(
                row.instance_id, [*past, *new_events], flatten_actions(state.get("actions") or [])
            )
        except NonDeterminismError as exc:
            return self._fail(row, str(exc), None, past, new_events, batch, effects, now)

        if result.error is not None and outcome.all_awaited_done:
            message = f"Orchestrator function '{info.durable_name}' failed: {result.error}"
            return self._fail(row, message, result.stack, past, new_events, batch, effects, now)
        self._schedule(row, outcome.new_tasks, new_events, now, batch, effects, live_ids)
        if outcome.continued_as_new and outcome.all_awaited_done:
            return self._continue_as_new(
                row,
                outcome.continue_as_new_input,
                outcome.buffered_events,
                past,
                new_events,
                batch,
                effects,
                now,
            )
        if state.get("isDone") and outcome.all_awaited_done:
            output = json.dumps(state.get("output"))
            new_events.append(h.execution_completed(now, "Completed", output))
            return self._finish(
                row, RuntimeStatus.COMPLETED, output, None, past, new_events, batch, effects, now
            )
        new_events.append(h.orchestrator_completed(now))
        self._append(row, past, new_events, batch, effects)
        return effects

    def _schedule(
        self,
        row: InstanceRow,
        tasks: list[NewTask],
        new_events: list[Event],
        now: datetime,
        batch: Batch,
        effects: EpisodeEffects,
        live_ids: dict[str, InstanceRow],
    ) -> None:
        for task in tasks:
            if task.kind == "activity":
                new_events.append(
                    h.new_event(
                        EventType.TASK_SCHEDULED,
                        now,
                        task.task_id,
                        Name=task.name,
                        Version="",
                        Input=task.input,
                    )
                )
                activity = ActivityRow(
                    0,
                    row.instance_id,
                    row.execution_id,
                    task.task_id,
                    task.name,
                    task.input,
                    0,
                    task.fail_immediately,
                )
                batch.add_activities.append(activity)
                effects.new_activities.append(activity)
            elif task.kind == "timer":
                assert task.fire_at is not None
                new_events.append(
                    h.new_event(
                        EventType.TIMER_CREATED,
                        now,
                        task.task_id,
                        FireAt=h.format_time(task.fire_at),
                    )
                )
                self._send(
                    MessageRow(
                        0,
                        row.instance_id,
                        h.timer_fired(task.fire_at, task.task_id, task.fire_at),
                        task.fire_at.timestamp(),
                    ),
                    batch,
                    effects,
                )
            elif task.kind == "suborchestration":
                new_events.append(
                    h.new_event(
                        EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
                        now,
                        task.task_id,
                        Name=task.name,
                        Version=task.version or "",
                        InstanceId=task.instance_id,
                        Input=task.input,
                    )
                )
                self._start_child(row, task, now, batch, effects, live_ids)
            elif task.kind == "event_sent":
                new_events.append(
                    h.new_event(
                        EventType.EVENT_SENT,
                        now,
                        task.task_id,
                        InstanceId=task.instance_id,
                        Name=task.name,
                        Input=task.input,
                    )
                )
                assert task.instance_id is not None
                request = json.loads(task.input or "{}")
                due = request.get("due")
                visible = h.parse_time(due) if due else now
                event = h.event_raised(now, task.name, task.input)
                self._send(
                    MessageRow(0, task.instance_id, event, visible.timestamp()), batch, effects
                )

    def _start_child(
        self,
        row: InstanceRow,
        task: NewTask,
        now: datetime,
        batch: Batch,
        effects: EpisodeEffects,
        live_ids: dict[str, InstanceRow],
    ) -> None:
        assert task.instance_id is not None
        if task.instance_id in live_ids or any(
            r.instance_id == task.instance_id for r in effects.new_rows
        ):
            reason = f"An orchestration instance with ID '{task.instance_id}' already exists and is running."
            self._send(
                MessageRow(
                    0,
                    row.instance_id,
                    h.sub_orchestration_failed(now, task.task_id, reason, None),
                    now.timestamp(),
                ),
                batch,
                effects,
            )
            return
        child = InstanceRow(
            instance_id=task.instance_id,
            execution_id=new_execution_id(),
            name=task.name,
            version=task.version or self.default_version,
            status=RuntimeStatus.PENDING.value,
            input=_as_stored_input(task.input),
            output=None,
            custom_status=None,
            created_at=now.timestamp(),
            updated_at=now.timestamp(),
            parent_instance_id=row.instance_id,
            parent_task_id=task.task_id,
            failure=None,
        )
        batch.purge_instances.append(child.instance_id)
        batch.upsert_instances.append(child)
        effects.new_rows.append(child)
        self._send(start_message(child, now, row.execution_id), batch, effects)

    # --- endings --------------------------------------------------------------------
    def _send(self, message: MessageRow, batch: Batch, effects: EpisodeEffects) -> None:
        batch.add_messages.append(message)
        effects.new_messages.append(message)

    def _append(
        self,
        row: InstanceRow,
        past: list[Event],
        new_events: list[Event],
        batch: Batch,
        effects: EpisodeEffects,
    ) -> None:
        start = len(past)
        # Each event is serialised once, as replays see it, for the hub and the cache alike.
        texts = [played(e) for e in new_events]
        batch.append_history.extend(
            (row.instance_id, start + i, text) for i, text in enumerate(texts)
        )
        effects.history_json = texts
        batch.upsert_instances.append(row)
        effects.row = row
        effects.history = new_events

    def _fail(
        self,
        row: InstanceRow,
        message: str,
        stack: str | None,
        past: list[Event],
        new_events: list[Event],
        batch: Batch,
        effects: EpisodeEffects,
        now: datetime,
    ) -> EpisodeEffects:
        failure = {
            "ErrorType": "OrchestrationFailureException",
            "ErrorMessage": message,
            "StackTrace": stack,
        }
        output = json.dumps(message)
        new_events.append(h.execution_completed(now, "Failed", output, failure))
        row.failure = json.dumps(failure)
        return self._finish(
            row, RuntimeStatus.FAILED, output, stack, past, new_events, batch, effects, now
        )

    def _finish(
        self,
        row: InstanceRow,
        status: RuntimeStatus,
        output: str | None,
        details: str | None,
        past: list[Event],
        new_events: list[Event],
        batch: Batch,
        effects: EpisodeEffects,
        now: datetime,
    ) -> EpisodeEffects:
        row.status = status.value
        row.output = output
        if new_events[-1]["EventType"] != EventType.ORCHESTRATOR_COMPLETED:
            new_events.append(h.orchestrator_completed(now))
        self._append(row, past, new_events, batch, effects)
        effects.terminal = True
        if row.parent_instance_id and row.parent_task_id is not None:
            if status == RuntimeStatus.COMPLETED:
                event = h.sub_orchestration_completed(now, row.parent_task_id, output)
            else:
                reason = (
                    json.loads(output)
                    if status == RuntimeStatus.FAILED and output
                    else f"Sub-orchestration '{row.name}' was {status.value.lower()}."
                )
                event = h.sub_orchestration_failed(now, row.parent_task_id, str(reason), details)
            self._send(
                MessageRow(0, row.parent_instance_id, event, now.timestamp()), batch, effects
            )
        return effects

    def _continue_as_new(
        self,
        row: InstanceRow,
        new_input: str | None,
        carried: list[tuple[str, str | None]],
        past: list[Event],
        new_events: list[Event],
        batch: Batch,
        effects: EpisodeEffects,
        now: datetime,
    ) -> EpisodeEffects:
        row.execution_id = new_execution_id()
        row.input = _as_stored_input(new_input)
        row.status = RuntimeStatus.CONTINUED_AS_NEW.value
        row.output = None
        batch.replace_history[row.instance_id] = []
        batch.upsert_instances.append(row)
        effects.row = row
        effects.history = []
        effects.history_replaced = True
        self._send(start_message(row, now), batch, effects)
        for name, payload in carried:
            self._send(
                MessageRow(0, row.instance_id, h.event_raised(now, name, payload), now.timestamp()),
                batch,
                effects,
            )
        return effects


def played(event: Event) -> str:
    """The JSON text of a past event as the SDK receives it during replay."""
    return json.dumps({**event, "IsPlayed": True})


def _as_stored_input(serialised: str | None) -> str | None:
    """The input an orchestrator passes on (SDK-serialised text) as the extension stores it:
    a JSON string value holding that text."""
    return None if serialised is None else json.dumps(serialised)
