"""The engine: dispatches orchestration episodes, activities and entity batches over a task hub.

All state changes go through one dispatcher loop on the event loop. Each cycle gathers client
requests, activity results and ready instances, runs the episodes, and commits everything in one
SQLite transaction before anything it wrote becomes visible in memory (group commit). Activities
run concurrently: `async def` functions on the loop, others on a thread pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from devhost.app_loader import FunctionIndex
from devhost.engine import history as h
from devhost.engine.api_history import to_api_history
from devhost.engine.client_ops import ClientOps, Effect
from devhost.engine.config import EngineConfig
from devhost.engine.entities import is_entity_id, run_entity_batch
from devhost.engine.episodes import EpisodeEffects, EpisodeRunner, played
from devhost.engine.errors import FunctionNotFoundError, InstanceNotFoundError
from devhost.engine.heap import freeze_loaded_objects
from devhost.engine.history import Event
from devhost.engine.invoke import ActivityOutcome, run_activity
from devhost.engine.queries import build_page, to_state
from devhost.engine.run_order import run_began
from devhost.engine.sdk_speedups import install as install_sdk_speedups
from devhost.engine.store import ActivityRow, Batch, InstanceRow, MessageRow, TaskHubStore
from devhost.engine.types import (
    EntityState,
    InstancePage,
    InstanceQuery,
    InstanceState,
    RuntimeStatus,
)
from devhost.engine.worker_pool import WorkerLostError, WorkerPool, WorkerStartError

log = logging.getLogger("devhost.engine")

AfterCommit = Callable[[], None]


class Engine(ClientOps):
    """A durable task engine for one app and one task hub."""

    def __init__(self, index: FunctionIndex, config: EngineConfig) -> None:
        self.index = index
        self.config = config
        self.runner = EpisodeRunner(index, config.default_version)
        self._store: TaskHubStore | None = None
        self._live: dict[str, InstanceRow] = {}
        self._histories: dict[str, list[Event]] = {}
        self._history_json: dict[str, list[str]] = {}
        self._inbox: dict[str, list[MessageRow]] = {}
        self._ready: dict[str, None] = {}
        self._timers: list[tuple[float, int, str]] = []
        self._entity_states: dict[str, tuple[str | None, bool]] = {}
        self._activity_queue: asyncio.PriorityQueue[tuple[float, int, ActivityRow]] = (
            asyncio.PriorityQueue()
        )
        self._queued = 0
        self._began: dict[str, float] = {}
        self._completions: list[tuple[ActivityRow, ActivityOutcome]] = []
        self._client_batches: list[tuple[Batch, list[Effect], asyncio.Future[None]]] = []
        self._waiters: dict[str, list[asyncio.Future[None]]] = {}
        self._wake = asyncio.Event()
        self._unsaved_id = 0
        self._moment: tuple[float, datetime] = (0.0, datetime.min)
        self._idle = asyncio.Event()
        self._executor = ThreadPoolExecutor(
            max_workers=min(
                config.max_concurrent_activities,
                config.sync_activity_threads or config.max_concurrent_activities,
            ),
            thread_name_prefix="activity",
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._workers: WorkerPool | None = None
        self._running_activities = 0
        self._stopping = False
        self.redelivered_activities = 0

    # --- lifecycle ------------------------------------------------------------------
    @property
    def store(self) -> TaskHubStore:
        """The open task hub; raises if the engine is not started."""
        if self._store is None:
            raise RuntimeError("The engine is not started.")
        return self._store

    @property
    def default_version(self) -> str | None:
        """The version given to new instances that name none (host.json defaultVersion)."""
        return self.config.default_version

    @property
    def replace_running_instances(self) -> bool:
        """Whether a start with a running instance's id replaces it (host.json setting)."""
        return self.config.replace_running_instances

    def _drop_live(self, instance_id: str) -> None:
        """Forget a running instance that a new start replaces; its old execution's activity
        results are dropped by the execution id check."""
        self._live.pop(instance_id, None)
        self._began.pop(instance_id, None)
        self._inbox.pop(instance_id, None)
        self._ready.pop(instance_id, None)
        self._histories.pop(instance_id, None)
        self._history_json.pop(instance_id, None)

    def _enqueue(self, activity: ActivityRow) -> None:
        """Queue an activity behind those of runs that began before its run."""
        self._queued += 1
        began = self._run_began(activity.instance_id)
        self._activity_queue.put_nowait((began, self._queued, activity))

    def _run_began(self, instance_id: str) -> float:
        """`run_began` of a live instance, worked out once: it does not change while the
        instance runs."""
        began = self._began.get(instance_id)
        if began is None:
            began = run_began(instance_id, self._live, self._inbox)
            if instance_id in self._live:
                self._began[instance_id] = began
        return began

    async def start(self) -> None:
        """Open the task hub, recover unfinished work and start dispatching."""
        install_sdk_speedups()
        freeze_loaded_objects()
        self._store = TaskHubStore(self.config.hub_path)
        self._recover()
        if self.config.worker_processes > 1:
            self._workers = await self._start_workers(self.config.worker_processes - 1)
        self._tasks.append(asyncio.create_task(self._dispatch_loop(), name="devhost-dispatcher"))
        for i in range(self.config.max_concurrent_activities):
            self._tasks.append(
                asyncio.create_task(self._activity_worker(), name=f"devhost-activity-{i}")
            )

    async def _start_workers(self, count: int) -> WorkerPool | None:
        """`count` activity worker processes with the app loaded; None, after saying why,
        when they could not start (activities then run in this process)."""
        pool = WorkerPool(self.index.app_dir, count, self.config.sync_activity_threads)
        try:
            await pool.start()
        except (WorkerStartError, WorkerLostError) as exc:
            log.error(
                "Activity worker processes could not start; activities run in devhost's "
                "process:\n%s",
                exc,
            )
            await pool.stop(0)
            return None
        return pool

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """Stop taking work, let running activities finish (up to the grace period) and
        checkpoint their results; anything unfinished runs again on the next start."""
        if self._store is None:
            return
        self._stopping = True
        workers = self._tasks[1:]
        if self._running_activities:
            self._idle.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), grace_seconds)
        for task in workers:
            task.cancel()
        self._wake.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        self._cycle(run_episodes=False)
        if self._workers is not None:
            await self._workers.stop(grace_seconds)
            self._workers = None
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._store.close()
        self._store = None

    def _recover(self) -> None:
        store = self.store
        for active in store.active_instances():
            self._live[active.instance_id] = active
        stale: list[int] = []
        for message in store.messages():
            if message.instance_id in self._live or is_entity_id(message.instance_id):
                self._deliver(message)
            else:
                stale.append(message.id)
        activities = store.activities()
        store.mark_dequeued([a.id for a in activities])
        dead: list[int] = []
        for activity in activities:
            row = self._live.get(activity.instance_id)
            if row is not None and row.execution_id == activity.execution_id:
                self.redelivered_activities += 1
                self._enqueue(activity)
            else:
                dead.append(activity.id)
        if stale or dead:
            store.commit(Batch(delete_messages=stale, delete_activities=dead))

    # --- dispatch -------------------------------------------------------------------
    def _deliver(self, message: MessageRow) -> None:
        self._inbox.setdefault(message.instance_id, []).append(message)
        if message.visible_at <= time.time():
            self._ready[message.instance_id] = None
        else:
            heapq.heappush(self._timers, (message.visible_at, message.id, message.instance_id))

    def _promote_timers(self, now: float) -> None:
        while self._timers and self._timers[0][0] <= now:
            _, _, instance_id = heapq.heappop(self._timers)
            self._ready[instance_id] = None

    async def _dispatch_loop(self) -> None:
        while not self._stopping:
            if not (self._ready or self._completions or self._client_batches):
                timeout = None
                if self._timers:
                    timeout = max(0.0, self._timers[0][0] - time.time())
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
            if self._stopping:
                break
            try:
                self._cycle(run_episodes=True)
            except Exception:
                log.exception("Dispatcher cycle failed; retrying")
                await asyncio.sleep(self.config.poll_interval_seconds)
            await asyncio.sleep(0)

    def _cycle(self, run_episodes: bool) -> None:
        now = time.time()
        self._promote_timers(now)
        batch = Batch(updated_at=now)
        after: list[AfterCommit] = []
        client = self._client_batches
        self._client_batches = []
        # Client requests and activity results reach the inboxes before this cycle's
        # episodes, so an episode can consume them in the same transaction that saves them
        # (one commit per step instead of two). Nothing runs until the commit: the cycle is
        # synchronous.
        try:
            for client_batch, client_before, _ in client:
                self._number_unsaved(client_batch.add_messages)
                batch.merge(client_batch)
                for apply in client_before:
                    apply()
            completions = self._completions
            self._completions = []
            for activity, outcome in completions:
                self._complete_activity(activity, outcome, batch)
            if run_episodes:
                # Read the clock again: the messages just delivered are stamped after the start.
                now = time.time()
                self._promote_timers(now)
                now_dt = datetime.fromtimestamp(now, UTC)
                self._episodes(now, now_dt, batch, after)
            if not batch.is_empty():
                self.store.commit(batch)
        except Exception as exc:
            # Nothing of this cycle was saved: the clients waiting on it hear why.
            for _, _, future in client:
                if not future.done():
                    future.set_exception(exc)
            raise
        for apply in after:
            apply()
        for _, _, future in client:
            if not future.done():
                future.set_result(None)

    def _episodes(
        self, now: float, now_dt: datetime, batch: Batch, after: list[AfterCommit]
    ) -> None:
        """Run ready instances, oldest run first, up to the orchestration limit; the rest
        wait for the next cycle."""
        ready = list(self._ready)
        if len(ready) > 1:
            ready.sort(key=self._run_began)
        for instance_id in ready[: self.config.max_concurrent_orchestrations]:
            del self._ready[instance_id]
            self._episode(instance_id, now, now_dt, batch, after)

    def _complete_activity(
        self,
        activity: ActivityRow,
        outcome: ActivityOutcome,
        batch: Batch,
    ) -> None:
        batch.delete_activities.append(activity.id)
        row = self._live.get(activity.instance_id)
        if row is None or row.execution_id != activity.execution_id:
            return
        at = self._cycle_moment(batch.updated_at)
        if outcome.failed:
            event = h.task_failed(at, activity.task_id, outcome.reason, outcome.details)
        else:
            event = h.task_completed(at, activity.task_id, outcome.result)
        message = MessageRow(0, activity.instance_id, event, at.timestamp())
        self._number_unsaved([message])
        batch.add_messages.append(message)
        self._deliver(message)

    def _cycle_moment(self, now: float) -> datetime:
        """The cycle's start (`now`) as a datetime, made once per cycle: the activity results a
        cycle records carry it (each finished before the cycle began)."""
        if self._moment[0] != now:
            self._moment = (now, datetime.fromtimestamp(now, UTC))
        return self._moment[1]

    def _number_unsaved(self, messages: list[MessageRow]) -> None:
        """Give messages not yet saved a temporary (negative) id; the commit replaces it."""
        for message in messages:
            if message.id == 0:
                self._unsaved_id -= 1
                message.id = self._unsaved_id

    def _take_messages(self, instance_id: str, now: float) -> list[MessageRow]:
        inbox = self._inbox.get(instance_id, [])
        return [m for m in inbox if m.visible_at <= now]

    def _episode(
        self, instance_id: str, now: float, now_dt: datetime, batch: Batch, after: list[AfterCommit]
    ) -> None:
        messages = self._take_messages(instance_id, now)
        if not messages:
            return
        if is_entity_id(instance_id):
            self._entity_episode(instance_id, messages, now_dt, batch, after)
            return
        row = self._live.get(instance_id)
        if row is None:
            batch.consume_messages([m.id for m in messages])
            after.append(lambda: self._forget_messages(instance_id, {m.id for m in messages}))
            return
        past = self._history(instance_id)
        past_json = self._history_json[instance_id]
        working = InstanceRow(**vars(row))
        try:
            effects = self.runner.run(working, past, past_json, messages, now_dt, batch, self._live)
        except Exception as exc:
            log.exception("Episode of %s failed inside devhost", instance_id)
            effects = self.runner.internal_failure(
                working, past, now_dt, batch, f"devhost internal error: {exc!r}"
            )
            effects.consumed = [m.id for m in messages]
        batch.consume_messages(effects.consumed)
        after.append(lambda: self._apply_episode(instance_id, effects))

    def _entity_episode(
        self,
        entity_id: str,
        messages: list[MessageRow],
        now_dt: datetime,
        batch: Batch,
        after: list[AfterCommit],
    ) -> None:
        state, exists = self._entity_state(entity_id)
        effects = run_entity_batch(self.index, entity_id, state, exists, messages, now_dt, batch)
        batch.consume_messages(effects.consumed)

        def apply() -> None:
            self._entity_states[entity_id] = (effects.state, effects.exists)
            self._forget_messages(entity_id, set(effects.consumed))
            for message in effects.new_messages:
                self._deliver(message)

        after.append(apply)

    def _entity_state(self, entity_id: str) -> tuple[str | None, bool]:
        if entity_id not in self._entity_states:
            stored = self.store.entity_state(entity_id)
            self._entity_states[entity_id] = (stored[0], True) if stored else (None, False)
        return self._entity_states[entity_id]

    def _history(self, instance_id: str) -> list[Event]:
        if instance_id not in self._histories:
            events = self.store.history(instance_id)
            self._histories[instance_id] = events
            self._history_json[instance_id] = [played(e) for e in events]
        return self._histories[instance_id]

    def _forget_messages(self, instance_id: str, ids: set[int]) -> None:
        inbox = self._inbox.get(instance_id)
        if inbox is None:
            return
        remaining = [m for m in inbox if m.id not in ids]
        if remaining:
            self._inbox[instance_id] = remaining
            if any(m.visible_at <= time.time() for m in remaining) and self._may_run(instance_id):
                self._ready[instance_id] = None
        else:
            del self._inbox[instance_id]

    def _may_run(self, instance_id: str) -> bool:
        row = self._live.get(instance_id)
        if row is None or row.status != RuntimeStatus.SUSPENDED.value:
            return True
        return any(
            m.event["EventType"]
            in (h.EventType.EXECUTION_RESUMED, h.EventType.EXECUTION_TERMINATED)
            for m in self._inbox.get(instance_id, [])
        )

    def _apply_episode(self, instance_id: str, effects: EpisodeEffects) -> None:
        if effects.row is not None:
            if effects.terminal:
                self._live.pop(instance_id, None)
                self._began.pop(instance_id, None)
                self._histories.pop(instance_id, None)
                self._history_json.pop(instance_id, None)
                self._inbox.pop(instance_id, None)
            else:
                self._live[instance_id] = effects.row
                if effects.history_replaced:
                    self._histories[instance_id] = []
                    self._history_json[instance_id] = []
                if effects.history and instance_id in self._histories:
                    self._histories[instance_id].extend(effects.history)
                    self._history_json[instance_id].extend(effects.history_json)
        if not effects.terminal:
            self._forget_messages(instance_id, set(effects.consumed))
        for child in effects.new_rows:
            self._live[child.instance_id] = child
            self._histories[child.instance_id] = []
            self._history_json[child.instance_id] = []
        for message in effects.new_messages:
            self._deliver(message)
        for activity in effects.new_activities:
            self._enqueue(activity)
        if effects.terminal:
            self._notify(instance_id)

    def _notify(self, instance_id: str) -> None:
        for future in self._waiters.pop(instance_id, []):
            if not future.done():
                future.set_result(None)

    # --- activities -----------------------------------------------------------------
    async def _activity_worker(self) -> None:
        while not self._stopping:
            _, _, activity = await self._activity_queue.get()
            if self._stopping:
                return
            self._running_activities += 1
            try:
                outcome = await self._execute(activity)
            except Exception as exc:
                # A fault of devhost's own (not the function's, which run_activity reports)
                # fails this activity instead of ending the slot and leaving its run waiting.
                log.exception(
                    "Activity %s of %s failed inside devhost", activity.name, activity.instance_id
                )
                outcome = ActivityOutcome(failed=True, reason=f"devhost internal error: {exc!r}")
            finally:
                self._running_activities -= 1
                if not self._running_activities:
                    self._idle.set()
            self._completions.append((activity, outcome))
            self._wake.set()

    async def _execute(self, activity: ActivityRow) -> ActivityOutcome:
        row = self._live.get(activity.instance_id)
        if row is None or row.execution_id != activity.execution_id:
            return ActivityOutcome(result=None)
        if activity.fail_immediately:
            return ActivityOutcome(failed=True, reason=activity.fail_immediately)
        info = self.runner.function("activityTrigger", activity.name)
        if info is None:
            known = ", ".join(f"'{f.durable_name}'" for f in self.index.of_type("activityTrigger"))
            reason = (
                f"The function '{activity.name}' doesn't exist, is disabled, or is not an activity "
                f"function. Additional info: The following are the known activity functions: {known}."
            )
            return ActivityOutcome(failed=True, reason=reason)
        workers = self._workers
        if workers is not None:
            try:
                return await workers.run(activity.name, activity.input)
            except WorkerStartError as exc:
                if self._workers is workers:
                    self._workers = None
                    log.error(
                        "Activity worker processes could not load the app; activities run in "
                        "devhost's process from now on:\n%s",
                        exc,
                    )
                    await workers.stop(0)
        return await run_activity(info, activity.input, self._executor, self.index.app_dir)

    # --- used by the client operations ---------------------------------------------
    async def _submit(self, batch: Batch, effects: list[Effect]) -> None:
        """Commit `batch` with the next dispatcher cycle; its in-memory `effects` apply in that
        cycle before the episodes run (nothing else runs until the commit)."""
        if self._store is None:
            raise RuntimeError("The engine is not started.")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._client_batches.append((batch, effects, future))
        self._wake.set()
        await future

    def _orchestrator_name(self, name: str) -> str:
        info = self.runner.function("orchestrationTrigger", name)
        if info is None:
            raise FunctionNotFoundError("orchestrator", name)
        return info.durable_name

    def _row(self, instance_id: str) -> InstanceRow:
        row = self._live.get(instance_id) or self.store.instance(instance_id)
        if row is None:
            raise InstanceNotFoundError(instance_id)
        return row

    async def get_status(
        self,
        instance_id: str,
        *,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = True,
    ) -> InstanceState:
        """The status of one instance, optionally with its history. An instance the engine
        runs is answered from the row it holds (as its last commit saved it; from the start
        call on for a new one, as for events and termination), without reading the store."""
        row = self._row(instance_id)
        history = None
        if show_history:
            history = to_api_history(
                self.store.history(instance_id), show_history_output, show_input
            )
        return to_state(row, show_input, history)

    async def query(self, query: InstanceQuery) -> InstancePage:
        """One page of instances matching the query, oldest first."""
        return build_page(self.store, query)

    async def wait_for_completion(self, instance_id: str, timeout: float) -> InstanceState:
        """Wait until the instance reaches a terminal status or the timeout passes; return
        its status either way."""
        state = await self.get_status(instance_id)
        if state.runtime_status.is_terminal:
            return state
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(instance_id, []).append(future)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(future), timeout)
        return await self.get_status(instance_id)

    async def read_entity_state(self, entity_id: str) -> EntityState | None:
        """The persisted state of an entity, or None when it has none."""
        stored = self.store.entity_state(entity_id)
        if stored is None:
            return None
        return EntityState(entity_id, stored[0], datetime.fromtimestamp(stored[1], UTC))

    def new_instance_id(self) -> str:
        """A new random instance id (32 hex digits)."""
        return uuid.uuid4().hex
