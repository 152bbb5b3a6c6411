"""One orchestration episode: consume an instance's messages, replay it, decide what follows.

`EpisodeRunner.run` is synchronous and does no I/O: it takes the instance row, its history and
the messages to deliver, runs the orchestrator through the SDK, adds the writes to a `Batch`
and returns the in-memory effects the engine applies once they commit.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from devhost.app_loader import FunctionIndex, FunctionInfo
from devhost.engine import history as h
from devhost.engine.history import Event, EventType
from devhost.engine.invoke import run_orchestrator
from devhost.engine.replay import NewTask, NonDeterminismError, flatten_actions, replay_actions
from devhost.engine.store import ActivityRow, Batch, InstanceRow, MessageRow
from devhost.engine.types import RuntimeStatus


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


@dataclass
class _Episode:
    """One episode in progress: the instance, its history so far, the events this episode
    adds, the clock, and where its writes and effects go."""

    row: InstanceRow
    past: list[Event]
    new_events: list[Event]
    now: datetime
    batch: Batch
    effects: EpisodeEffects
    # The JSON text of the first new events as they happened (`json.dumps(event)`): the events
    # delivered before the orchestrator runs, which it sees in this form.
    seen_json: list[str] = field(default_factory=list)

    def deliver(self, event: Event, text: str) -> None:
        """Add an event delivered before the orchestrator runs, with its JSON text."""
        self.new_events.append(event)
        self.seen_json.append(text)

    def send(self, message: MessageRow) -> None:
        """Queue a message to an inbox, to be saved with the episode."""
        self.batch.add_messages.append(message)
        self.effects.new_messages.append(message)


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
        self._found: dict[tuple[str, str], FunctionInfo] = {}

    def function(self, trigger_type: str, name: str) -> FunctionInfo | None:
        """The app's function of this trigger type known by `name` (as `FunctionIndex.find`
        answers), looked up once per name: every episode and activity asks. Names no function
        has (a client may send any) are not remembered."""
        key = (trigger_type, name)
        found = self._found.get(key)
        if found is None:
            found = self.index.find(trigger_type, name)
            if found is not None:
                self._found[key] = found
        return found

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
        ep = _Episode(row, past, [], now, batch, EpisodeEffects())
        opened = h.orchestrator_started(now)
        ep.deliver(opened, h.event_json(opened))
        status = RuntimeStatus(row.status)
        terminate_reason: str | None = None
        terminated = False
        for message in messages:
            kind = message.event["EventType"]
            if kind == EventType.EXECUTION_TERMINATED:
                terminated = True
                terminate_reason = message.event.get("Input")
                ep.deliver(message.event, message.text())
                ep.effects.consumed.append(message.id)
                break
            if kind == EventType.EXECUTION_SUSPENDED:
                status = RuntimeStatus.SUSPENDED
            elif kind == EventType.EXECUTION_RESUMED:
                status = RuntimeStatus.RUNNING
            elif status == RuntimeStatus.SUSPENDED:
                continue
            ep.deliver(message.event, message.text())
            ep.effects.consumed.append(message.id)

        row.updated_at = now.timestamp()
        if terminated:
            output = json.dumps(terminate_reason) if terminate_reason is not None else None
            ep.new_events.append(h.execution_completed(now, "Terminated", output))
            return self._finish(ep, RuntimeStatus.TERMINATED, output, None)

        started = any(
            e["EventType"] == EventType.EXECUTION_STARTED for e in [*past, *ep.new_events]
        )
        if not started:
            ep.effects.consumed.clear()
            return ep.effects
        if status == RuntimeStatus.SUSPENDED:
            if len(ep.new_events) == 1:
                return ep.effects
            row.status = status.value
            ep.new_events.append(h.orchestrator_completed(now))
            self._append(ep)
            return ep.effects
        row.status = RuntimeStatus.RUNNING.value
        return self._replay(ep, past_json, live_ids)

    def internal_failure(
        self, row: InstanceRow, past: list[Event], now: datetime, batch: Batch, message: str
    ) -> EpisodeEffects:
        """Fail the instance because devhost itself could not run the episode."""
        ep = _Episode(row, past, [h.orchestrator_started(now)], now, batch, EpisodeEffects())
        return self._fail(ep, message, None)

    # --- replay ---------------------------------------------------------------------
    def _context_json(self, ep: _Episode, past_json: list[str]) -> str:
        history_text = ",".join([*past_json, *ep.seen_json])
        return (
            '{"history":['
            + history_text
            + "]"
            # The extension embeds the stored input as a JSON value (not as text); the SDK
            # client stores a JSON string holding the serialised input, so it decodes once.
            + ',"input":'
            + (ep.row.input if ep.row.input is not None else "null")
            + ',"instanceId":'
            + json.dumps(ep.row.instance_id)
            + ',"isReplaying":'
            + ("true" if past_json else "false")
            + ',"parentInstanceId":'
            + json.dumps(ep.row.parent_instance_id)
            + ',"upperSchemaVersion":1,"upperSchemaVersionNew":2}'
        )

    def _replay(
        self, ep: _Episode, past_json: list[str], live_ids: dict[str, InstanceRow]
    ) -> EpisodeEffects:
        row = ep.row
        info = self.function("orchestrationTrigger", row.name)
        if info is None:
            return self._fail(ep, f"The orchestrator function '{row.name}' doesn't exist.", None)
        result = run_orchestrator(info, self._context_json(ep, past_json))
        state = result.state
        if "customStatus" in state:
            row.custom_status = json.dumps(state["customStatus"])
        failure = f"Orchestrator function '{info.durable_name}' failed: {result.error}"
        if result.error is not None and "actions" not in state:
            return self._fail(ep, failure, result.stack)
        try:
            outcome = replay_actions(
                row.instance_id,
                [*ep.past, *ep.new_events],
                flatten_actions(state.get("actions") or []),
            )
        except NonDeterminismError as exc:
            return self._fail(ep, str(exc), None)

        if result.error is not None and outcome.all_awaited_done:
            return self._fail(ep, failure, result.stack)
        for task in outcome.new_tasks:
            self._schedule(ep, task, live_ids)
        if outcome.continued_as_new and outcome.all_awaited_done:
            return self._continue_as_new(ep, outcome.continue_as_new_input, outcome.buffered_events)
        if state.get("isDone") and outcome.all_awaited_done:
            output = json.dumps(state.get("output"))
            ep.new_events.append(h.execution_completed(ep.now, "Completed", output))
            return self._finish(ep, RuntimeStatus.COMPLETED, output, None)
        ep.new_events.append(h.orchestrator_completed(ep.now))
        self._append(ep)
        return ep.effects

    def _schedule(self, ep: _Episode, task: NewTask, live_ids: dict[str, InstanceRow]) -> None:
        row, now = ep.row, ep.now
        if task.kind == "activity":
            ep.new_events.append(
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
            ep.batch.add_activities.append(activity)
            ep.effects.new_activities.append(activity)
        elif task.kind == "timer":
            assert task.fire_at is not None
            ep.new_events.append(
                h.new_event(
                    EventType.TIMER_CREATED, now, task.task_id, FireAt=h.format_time(task.fire_at)
                )
            )
            fired = h.timer_fired(task.fire_at, task.task_id, task.fire_at)
            ep.send(MessageRow(0, row.instance_id, fired, task.fire_at.timestamp()))
        elif task.kind == "suborchestration":
            ep.new_events.append(
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
            self._start_child(ep, task, live_ids)
        elif task.kind == "event_sent":
            assert task.instance_id is not None
            ep.new_events.append(
                h.new_event(
                    EventType.EVENT_SENT,
                    now,
                    task.task_id,
                    InstanceId=task.instance_id,
                    Name=task.name,
                    Input=task.input,
                )
            )
            due = json.loads(task.input or "{}").get("due")
            visible = h.parse_time(due) if due else now
            event = h.event_raised(now, task.name, task.input)
            ep.send(MessageRow(0, task.instance_id, event, visible.timestamp()))

    def _start_child(self, ep: _Episode, task: NewTask, live_ids: dict[str, InstanceRow]) -> None:
        assert task.instance_id is not None
        row, now = ep.row, ep.now
        if task.instance_id in live_ids or any(
            r.instance_id == task.instance_id for r in ep.effects.new_rows
        ):
            reason = f"An orchestration instance with ID '{task.instance_id}' already exists and is running."
            failed = h.sub_orchestration_failed(now, task.task_id, reason, None)
            ep.send(MessageRow(0, row.instance_id, failed, now.timestamp()))
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
        ep.batch.purge_instances.append(child.instance_id)
        ep.batch.upsert_instances.append(child)
        ep.effects.new_rows.append(child)
        ep.send(start_message(child, now, row.execution_id))

    # --- endings --------------------------------------------------------------------
    def _append(self, ep: _Episode) -> None:
        start = len(ep.past)
        # Each event is serialised once: as replays see it, for the hub and the cache alike,
        # from the text it was delivered with if it had one.
        texts = [played_text(t) for t in ep.seen_json]
        texts.extend(played(e) for e in ep.new_events[len(texts) :])
        ep.batch.append_history.extend(
            (ep.row.instance_id, start + i, text) for i, text in enumerate(texts)
        )
        ep.batch.upsert_instances.append(ep.row)
        ep.effects.history_json = texts
        ep.effects.row = ep.row
        ep.effects.history = ep.new_events

    def _fail(self, ep: _Episode, message: str, stack: str | None) -> EpisodeEffects:
        failure = {
            "ErrorType": "OrchestrationFailureException",
            "ErrorMessage": message,
            "StackTrace": stack,
        }
        output = json.dumps(message)
        ep.new_events.append(h.execution_completed(ep.now, "Failed", output, failure))
        ep.row.failure = json.dumps(failure)
        return self._finish(ep, RuntimeStatus.FAILED, output, stack)

    def _finish(
        self, ep: _Episode, status: RuntimeStatus, output: str | None, details: str | None
    ) -> EpisodeEffects:
        row, now = ep.row, ep.now
        row.status = status.value
        row.output = output
        ep.new_events.append(h.orchestrator_completed(now))
        self._append(ep)
        ep.effects.terminal = True
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
            ep.send(MessageRow(0, row.parent_instance_id, event, now.timestamp()))
        return ep.effects

    def _continue_as_new(
        self, ep: _Episode, new_input: str | None, carried: list[tuple[str, str | None]]
    ) -> EpisodeEffects:
        row, now = ep.row, ep.now
        row.execution_id = new_execution_id()
        row.input = _as_stored_input(new_input)
        row.status = RuntimeStatus.CONTINUED_AS_NEW.value
        row.output = None
        ep.batch.replace_history[row.instance_id] = []
        ep.batch.upsert_instances.append(row)
        ep.effects.row = row
        ep.effects.history = []
        ep.effects.history_replaced = True
        ep.send(start_message(row, now))
        for name, payload in carried:
            ep.send(
                MessageRow(0, row.instance_id, h.event_raised(now, name, payload), now.timestamp())
            )
        return ep.effects


def played(event: Event) -> str:
    """The JSON text of a past event as the SDK receives it during replay."""
    return h.event_json({**event, "IsPlayed": True})


def played_text(text: str) -> str:
    """`played` of an event from its JSON text as it happened (`json.dumps(event)`).

    An event's own `IsPlayed` comes before any field holding an object (`new_event` writes it
    third, after two numbers), and JSON escapes every quote inside a string, so the first
    `"IsPlayed": false` in the text is the event's own.
    """
    return text.replace('"IsPlayed": false', '"IsPlayed": true', 1)


def _as_stored_input(serialised: str | None) -> str | None:
    """The input an orchestrator passes on (SDK-serialised text) as the extension stores it:
    a JSON string value holding that text."""
    return None if serialised is None else json.dumps(serialised)
