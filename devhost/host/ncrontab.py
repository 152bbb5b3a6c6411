"""Timer schedules as the Functions host reads them: NCRONTAB with seconds
(`{second} {minute} {hour} {day} {month} {day-of-week}`), the 5-field form without seconds,
or a TimeSpan (`hh:mm:ss`, `d.hh:mm:ss`) meaning "every interval"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import croniter

_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$")


class ScheduleError(ValueError):
    """Raised when a schedule is neither NCRONTAB nor a TimeSpan."""

    def __init__(self, schedule: str) -> None:
        self.schedule = schedule
        super().__init__(f"Invalid timer schedule '{schedule}': expected NCRONTAB or a TimeSpan")


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule; `next_after` gives the first occurrence strictly after a time."""

    expression: str
    interval: timedelta | None = None

    def next_after(self, moment: datetime) -> datetime:
        """The next occurrence after `moment` (an aware datetime)."""
        if self.interval is not None:
            return moment + self.interval
        fields = self.expression.split()
        # NCRONTAB requires day-of-month and day-of-week to both match (day_or=False).
        schedule = croniter(
            self.expression, moment, day_or=False, second_at_beginning=len(fields) == 6
        )
        found: datetime = schedule.get_next(datetime)
        return found

    def period(self, moment: datetime) -> timedelta:
        """The gap between the next two occurrences after `moment`."""
        first = self.next_after(moment)
        return self.next_after(first) - first


def parse_schedule(text: str) -> Schedule:
    """Parse a schedule string, raising ScheduleError when it is neither form."""
    expression = text.strip()
    span = _TIMESPAN.match(expression)
    if span:
        days, hours, minutes, seconds, fraction = span.groups()
        interval = timedelta(
            days=int(days or 0),
            hours=int(hours),
            minutes=int(minutes),
            seconds=int(seconds) + float(f"0.{fraction or 0}"),
        )
        if interval <= timedelta(0):
            raise ScheduleError(text)
        return Schedule(expression, interval)
    fields = expression.split()
    if len(fields) not in (5, 6) or not croniter.is_valid(
        expression, second_at_beginning=len(fields) == 6
    ):
        raise ScheduleError(text)
    return Schedule(expression)
