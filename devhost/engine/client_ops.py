"""The engine's client operations: start, raise events, terminate, suspend, resume, rewind,
restart, purge and signal entities. Each one validates against the current state, then commits
its writes with the dispatcher's next cycle."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from devhost.engine import history as h
from devhost.engine.entities import entity_scheduler_id, split_entity_id
from devhost.engine.episodes import new_execution_id, start_message
from devhost.engine.errors import InstanceExistsError, InstanceNotFoundError, InstanceStateError
from devhost.engine.history import Event, EventType
from devhost.engine.queries import filter_clause
from devhost.engine.store import ActivityRow, Batch, InstanceRow, MessageRow, TaskHubStore
from devhost.engine.types import TERMINAL_STATUSES, RuntimeStatus

Effect = Callable[[], None]
"""An in-memory change that goes with a batch of writes."""


class ClientOps:
    """Client operations, mixed into the engine."""

    _live: dict[str, InstanceRow]
    _histories: dict[str, list[Event]]
    _history_json: dict[str, list[str]]

    @property
    def store(self) -> TaskHubStore:
        raise NotImplementedError

    @property
    def default_version(self) -> str | None:
        """The version given to new instances that name none (host.json defaultVersion)."""
        raise NotImplementedError

    async def _submit(self, batch: Batch, effects: list[Effect]) -> None:
        raise NotImplementedError

    def _deliver(self, message: MessageRow) -> None:
        raise NotImplementedError

    def _orchestrator_name(self, name: str) -> str:
        raise NotImplementedError

    def _drop_live(self, instance_id: str) -> None:
        raise NotImplementedError

    @property
    def replace_running_instances(self) -> bool:
        """Whether a start with a running instance's id replaces it (host.json setting)."""
        raise NotImplementedError

    def _row(self, instance_id: str) -> InstanceRow:
        raise NotImplementedError

    def new_instance_id(self) -> str:
        raise NotImplementedError

    # --- starting -------------------------------------------------------------------
    def _new_row(
        self, name: str, instance_id: str, input: str | None, version: str | None, now: datetime
    ) -> InstanceRow:
        return InstanceRow(
            instance_id=instance_id,
            execution_id=new_execution_id(),
            name=name,
            version=version if version is not None else self.default_version,
            status=RuntimeStatus.PENDING.value,
            input=input,
            output=None,
            custom_status=None,
            created_at=now.timestamp(),
            updated_at=now.timestamp(),
            parent_instance_id=None,
            parent_task_id=None,
            failure=None,
        )

    async def start_new(
        self,
        name: str,
        instance_id: str | None = None,
        input: str | None = None,
        version: str | None = None,
    ) -> str:
        """Start an orchestration and return its instance id. `input` is JSON text."""
        durable_name = self._orchestrator_name(name)
        # A new random id names nothing stored yet: there is nothing of an earlier instance to
        # replace. A given id may: its old instance goes.
        replaces = [instance_id] if instance_id else []
        instance_id = instance_id or self.new_instance_id()
        if instance_id in self._live:
            if not self.replace_running_instances:
                raise InstanceExistsError(instance_id)
            self._drop_live(instance_id)
        now = datetime.now(UTC)
        row = self._new_row(durable_name, instance_id, input, version, now)
        message = start_message(row, now)
        batch = Batch(purge_instances=replaces, upsert_instances=[row], add_messages=[message])
        self._live[instance_id] = row
        self._histories[instance_id] = []
        self._history_json[instance_id] = []
        try:
            await self._submit(batch, [lambda: self._deliver(message)])
        except BaseException:
            self._live.pop(instance_id, None)
            raise
        return instance_id

    # --- messages to running instances ----------------------------------------------
    async def _send_to_live(self, instance_id: str, event: Event, operation: str) -> None:
        row = self._live.get(instance_id)
        if row is None:
            stored = self.store.instance(instance_id)
            if stored is None:
                raise InstanceNotFoundError(instance_id)
            raise InstanceStateError(instance_id, stored.status, operation)
        message = MessageRow(0, instance_id, event, datetime.now(UTC).timestamp())
        await self._submit(Batch(add_messages=[message]), [lambda: self._deliver(message)])

    async def raise_event(self, instance_id: str, event_name: str, data: str | None = None) -> None:
        """Deliver an external event (JSON text data) to a running instance."""
        await self._send_to_live(
            instance_id, h.event_raised(datetime.now(UTC), event_name, data), "raise an event to"
        )

    async def terminate(self, instance_id: str, reason: str | None = None) -> None:
        """Terminate a running, pending or suspended instance."""
        await self._send_to_live(
            instance_id, h.execution_terminated(datetime.now(UTC), reason), "terminate"
        )

    async def suspend(self, instance_id: str, reason: str | None = None) -> None:
        """Suspend a running instance: it keeps its messages but processes none until resumed."""
        self._require_status(instance_id, "suspend", suspended=False)
        await self._send_to_live(
            instance_id, h.execution_suspended(datetime.now(UTC), reason), "suspend"
        )

    async def resume(self, instance_id: str, reason: str | None = None) -> None:
        """Resume a suspended instance."""
        self._require_status(instance_id, "resume", suspended=True)
        await self._send_to_live(
            instance_id, h.execution_resumed(datetime.now(UTC), reason), "resume"
        )

    def _require_status(self, instance_id: str, operation: str, suspended: bool) -> None:
        row = self._live.get(instance_id)
        if row is not None and (row.status == RuntimeStatus.SUSPENDED.value) != suspended:
            raise InstanceStateError(instance_id, row.status, operation)

    # --- rewind, restart, purge ----------------------------------------------------
    async def rewind(self, instance_id: str, reason: str | None = None) -> None:
        """Rerun the failed activities and sub-orchestrations of a Failed instance."""
        batch = Batch()
        after: list[Effect] = []
        self._rewind_into(instance_id, reason or "", batch, after)
        await self._submit(batch, after)

    def _rewind_into(
        self, instance_id: str, reason: str, batch: Batch, after: list[Effect]
    ) -> None:
        row = self.store.instance(instance_id)
        if row is None:
            raise InstanceNotFoundError(instance_id)
        if row.status != RuntimeStatus.FAILED.value:
            raise InstanceStateError(instance_id, row.status, "rewind")
        now = datetime.now(UTC)
        events = self.store.history(instance_id)
        scheduled = {int(e["EventId"]): e for e in events if e["EventId"] >= 0}
        dropped_timers = _retry_timers_after_final_failures(events, scheduled)
        kept: list[Event] = []
        for position, event in enumerate(events):
            kind = EventType(event["EventType"])
            if kind == EventType.EXECUTION_COMPLETED or position in dropped_timers:
                continue
            if kind == EventType.TASK_FAILED and _is_final_failure(events, position, scheduled):
                origin = scheduled[int(event["TaskScheduledId"])]
                kept.append(h.generic_event(now, f"Rewound: {event.get('Reason')}"))
                activity = ActivityRow(
                    0,
                    instance_id,
                    row.execution_id,
                    int(origin["EventId"]),
                    origin["Name"],
                    origin.get("Input"),
                    0,
                    None,
                )
                batch.add_activities.append(activity)
                after.append(partial(self._enqueue, activity))
                continue
            if kind == EventType.SUB_ORCHESTRATION_INSTANCE_FAILED and _is_final_failure(
                events, position, scheduled
            ):
                origin = scheduled[int(event["TaskScheduledId"])]
                kept.append(h.generic_event(now, f"Rewound: {event.get('Reason')}"))
                self._rewind_into(str(origin["InstanceId"]), reason, batch, after)
                continue
            kept.append(event)
        row.status = RuntimeStatus.RUNNING.value
        row.output = None
        row.failure = None
        row.updated_at = now.timestamp()
        batch.replace_history[instance_id] = kept
        batch.upsert_instances.append(row)
        wake = MessageRow(
            0, instance_id, h.generic_event(now, f"Rewind: {reason}"), now.timestamp()
        )
        batch.add_messages.append(wake)

        def apply() -> None:
            self._live[instance_id] = row
            self._histories[instance_id] = kept
            self._history_json[instance_id] = [json.dumps({**e, "IsPlayed": True}) for e in kept]
            self._deliver(wake)

        after.insert(0, apply)

    def _enqueue(self, activity: ActivityRow) -> None:
        raise NotImplementedError

    async def restart(self, instance_id: str, restart_with_new_instance_id: bool = True) -> str:
        """Start the instance's orchestrator again with its original input; returns the id."""
        row = self._row(instance_id)
        new_id = self.new_instance_id() if restart_with_new_instance_id else instance_id
        if not restart_with_new_instance_id and RuntimeStatus(row.status) not in TERMINAL_STATUSES:
            raise InstanceStateError(instance_id, row.status, "restart with the same id")
        return await self.start_new(row.name, new_id, row.input, row.version)

    async def purge(self, instance_id: str) -> int:
        """Delete a terminal instance and its history; returns how many were deleted."""
        row = self.store.instance(instance_id)
        if row is None:
            return 0
        if RuntimeStatus(row.status) not in TERMINAL_STATUSES:
            raise InstanceStateError(instance_id, row.status, "purge")
        await self._submit(Batch(purge_instances=[instance_id]), [])
        return 1

    async def purge_by(
        self,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        runtime_status: frozenset[RuntimeStatus] | None = None,
    ) -> int:
        """Delete every terminal instance matching the filter; returns how many."""
        statuses = frozenset(runtime_status or TERMINAL_STATUSES) & TERMINAL_STATUSES
        if not statuses:
            return 0
        where, params = filter_clause(created_from, created_to, statuses)
        ids = [r.instance_id for r in self.store.instances_where(where, params, None)]
        if ids:
            await self._submit(Batch(purge_instances=ids), [])
        return len(ids)

    # --- entities -------------------------------------------------------------------
    async def signal_entity(self, entity_id: str, operation: str, input: str | None = None) -> None:
        """Send a one-way operation to an entity (`@name@key`); it is created if needed."""
        name, key = split_entity_id(entity_id)
        target = entity_scheduler_id(name, key)
        now = datetime.now(UTC)
        request = {
            "op": operation,
            "signal": True,
            # The extension parses the posted body into a JSON value, as for a call from an
            # orchestration; the SDK client posts a JSON string holding the input.
            "input": json.loads(input) if input is not None else None,
            "id": str(uuid.uuid4()),
            "parent": None,
        }
        message = MessageRow(
            0, target, h.event_raised(now, "op", json.dumps(request)), now.timestamp()
        )
        await self._submit(Batch(add_messages=[message]), [lambda: self._deliver(message)])


def _is_final_failure(events: list[Event], position: int, scheduled: dict[int, Event]) -> bool:
    """A failure is final when no later attempt of the same call follows it (a retry)."""
    origin = scheduled.get(int(events[position]["TaskScheduledId"]))
    if origin is None:
        return False
    for later in events[position + 1 :]:
        if (
            later["EventType"] == origin["EventType"]
            and later.get("Name") == origin.get("Name")
            and later.get("Input") == origin.get("Input")
        ):
            return False
    return True


def _retry_timers_after_final_failures(
    events: list[Event], scheduled: dict[int, Event]
) -> set[int]:
    """Positions of the retry timers created after final failures, which a rewind removes
    along with the failure so that the retried call is awaited again."""
    positions: set[int] = set()
    failures = (EventType.TASK_FAILED, EventType.SUB_ORCHESTRATION_INSTANCE_FAILED)
    for position, event in enumerate(events):
        if event["EventType"] not in failures or not _is_final_failure(events, position, scheduled):
            continue
        for offset, later in enumerate(events[position + 1 :], start=position + 1):
            if later["EventType"] == EventType.ORCHESTRATOR_COMPLETED:
                break
            if later["EventType"] == EventType.TIMER_CREATED:
                positions.add(offset)
                timer_id = later["EventId"]
                positions.update(
                    i
                    for i, e in enumerate(events)
                    if e["EventType"] == EventType.TIMER_FIRED and e.get("TimerId") == timer_id
                )
    return positions
