"""Timer schedules: NCRONTAB with and without seconds, and TimeSpan intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devhost.host.ncrontab import ScheduleError, parse_schedule

START = datetime(2024, 1, 1, 0, 0, 1, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("*/5 * * * * *", datetime(2024, 1, 1, 0, 0, 5, tzinfo=UTC)),
        ("0 */5 * * * *", datetime(2024, 1, 1, 0, 5, 0, tzinfo=UTC)),
        ("0 30 9 * * Mon-Fri", datetime(2024, 1, 1, 9, 30, 0, tzinfo=UTC)),
        ("0 0 0 * * Sat", datetime(2024, 1, 6, 0, 0, 0, tzinfo=UTC)),
        ("*/10 * * * *", datetime(2024, 1, 1, 0, 10, 0, tzinfo=UTC)),
        ("00:00:30", START + timedelta(seconds=30)),
        ("1.00:00:00", START + timedelta(days=1)),
    ],
)
def test_next_occurrence(schedule, expected):
    assert parse_schedule(schedule).next_after(START) == expected


@pytest.mark.parametrize("schedule", ["", "every minute", "* * *", "61 * * * * *", "00:00:00"])
def test_invalid_schedules_are_rejected(schedule):
    with pytest.raises(ScheduleError):
        parse_schedule(schedule)


def test_period_of_a_schedule():
    assert parse_schedule("0 */5 * * * *").period(START) == timedelta(minutes=5)
