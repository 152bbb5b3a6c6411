"""Timer triggers: schedules, `run_on_startup`, `use_monitor` past-due detection across
restarts (schedule status kept in `<hub-dir>/timers/`), and no overlap of one timer's runs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from azure.functions.timer import TimerRequest

from devhost.app_loader import FunctionIndex, FunctionInfo
from devhost.config import resolve
from devhost.host.invoker import Invoker
from devhost.host.ncrontab import Schedule, ScheduleError, parse_schedule

logger = logging.getLogger("devhost.timers")
_MONITOR_THRESHOLD = timedelta(minutes=1)


def _now() -> datetime:
    # `func start` evaluates schedules in the machine's local time zone.
    return datetime.now().astimezone()


@dataclass
class TimerFunction:
    """One timer trigger with its parsed schedule and run lock."""

    function: FunctionInfo
    schedule: Schedule
    run_on_startup: bool
    use_monitor: bool
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def timer_functions(index: FunctionIndex) -> list[TimerFunction]:
    """Every timer trigger of the app; `useMonitor` defaults to on for schedules of a minute
    or longer, as in the host."""
    timers = []
    for function in index.of_type("timerTrigger"):
        try:
            schedule = parse_schedule(str(resolve(function.trigger["schedule"])))
        except ScheduleError as exc:
            # The host reports such a function as in error and runs the others.
            logger.error("The '%s' function is in error and will not run: %s", function.name, exc)
            continue
        monitor = function.trigger.get("useMonitor")
        if monitor is None:
            monitor = schedule.period(_now()) >= _MONITOR_THRESHOLD
        timers.append(
            TimerFunction(
                function=function,
                schedule=schedule,
                run_on_startup=bool(function.trigger.get("runOnStartup", False)),
                use_monitor=bool(monitor),
            )
        )
    return timers


class ScheduleStatusStore:
    """Last/Next/LastUpdated per timer, one JSON file each, as the host's schedule monitor keeps."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def _path(self, name: str) -> Path:
        return self._directory / f"{name.lower()}.json"

    def read(self, name: str) -> dict[str, str]:
        """The stored status, or an empty dict."""
        path = self._path(name)
        return json.loads(path.read_text()) if path.is_file() else {}

    def write(self, name: str, last: datetime | None, next_run: datetime) -> None:
        """Record the last run and the next expected one."""
        self._directory.mkdir(parents=True, exist_ok=True)
        status = {
            "Last": last.isoformat() if last else None,
            "Next": next_run.isoformat(),
            "LastUpdated": _now().isoformat(),
        }
        self._path(name).write_text(json.dumps(status))


class TimerService:
    """Runs every timer trigger on its schedule until stopped."""

    def __init__(self, index: FunctionIndex, invoker: Invoker, status_dir: Path) -> None:
        self._timers = {t.function.name.casefold(): t for t in timer_functions(index)}
        self._invoker = invoker
        self._status = ScheduleStatusStore(status_dir)
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def timers(self) -> list[TimerFunction]:
        """The app's timers."""
        return list(self._timers.values())

    def start(self) -> None:
        """Begin each timer's loop."""
        self._stopping.clear()
        self._tasks = [asyncio.create_task(self._loop(t)) for t in self._timers.values()]

    async def stop(self) -> None:
        """Stop scheduling and wait for runs in progress to finish."""
        self._stopping.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def is_running(self, name: str) -> bool:
        """True for a timer that runs (one whose schedule could not be read is in error)."""
        return name.casefold() in self._timers

    async def run_now(self, name: str, past_due: bool = False) -> None:
        """Run a timer by hand (admin invoke); waits while a scheduled run is in progress."""
        await self._run(self._timers[name.casefold()], past_due)

    async def _run(self, timer: TimerFunction, past_due: bool) -> None:
        async with timer.lock:
            name = timer.function.name
            status = self._status.read(name) if timer.use_monitor else {}
            request = TimerRequest(
                past_due=past_due,
                schedule_status=status,
                schedule={"AdjustForDST": True},
            )
            logger.info(
                "Executing 'Functions.%s' (Reason='Timer fired', PastDue=%s)", name, past_due
            )
            try:
                await self._invoker.invoke(timer.function, request)
            except Exception:
                logger.exception("Executed 'Functions.%s' (Failed)", name)
            if timer.use_monitor:
                now = _now()
                self._status.write(name, now, timer.schedule.next_after(now))

    async def _sleep_until(self, moment: datetime) -> bool:
        """Wait until `moment`; False when stopped first."""
        delay = (moment - _now()).total_seconds()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=max(delay, 0))
        return not self._stopping.is_set()

    async def _loop(self, timer: TimerFunction) -> None:
        past_due = self._past_due(timer)
        if past_due or timer.run_on_startup:
            await self._run(timer, past_due)
        while not self._stopping.is_set():
            next_run = timer.schedule.next_after(_now())
            if timer.use_monitor:
                self._record_next(timer, next_run)
            if not await self._sleep_until(next_run):
                return
            await self._run(timer, past_due=False)

    def _past_due(self, timer: TimerFunction) -> bool:
        if not timer.use_monitor:
            return False
        expected = self._status.read(timer.function.name).get("Next")
        return bool(expected) and datetime.fromisoformat(str(expected)) < _now()

    def _record_next(self, timer: TimerFunction, next_run: datetime) -> None:
        status: dict[str, Any] = self._status.read(timer.function.name)
        last = status.get("Last")
        self._status.write(
            timer.function.name, datetime.fromisoformat(last) if last else None, next_run
        )
