"""Timestamps in the engine's format round-trip exactly; other ISO 8601 forms still parse."""

import random
from datetime import UTC, datetime, timedelta

from devhost.engine.history import format_time, parse_time


def test_engine_timestamps_round_trip_to_the_microsecond():
    rng = random.Random(3)
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for _ in range(1000):
        moment = start + timedelta(microseconds=rng.randrange(10**17))
        assert parse_time(format_time(moment)) == moment


def test_other_iso_forms_parse_to_utc():
    assert parse_time("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_time("2024-05-01T12:00:00.5+02:00") == datetime(
        2024, 5, 1, 10, 0, 0, 500000, tzinfo=UTC
    )
