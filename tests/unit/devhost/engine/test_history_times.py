"""Timestamps in the engine's format round-trip exactly; other ISO 8601 forms still parse."""

import random
from datetime import UTC, datetime, timedelta, timezone

from devhost.engine.history import format_time, parse_time


def test_engine_timestamps_round_trip_to_the_microsecond():
    rng = random.Random(3)
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for _ in range(1000):
        moment = start + timedelta(microseconds=rng.randrange(10**17))
        assert parse_time(format_time(moment)) == moment


def test_format_is_strftimes_for_every_year_and_zone():
    rng = random.Random(5)
    zones = [UTC, timezone(timedelta(hours=9)), timezone(-timedelta(hours=5, minutes=30))]
    moments = [datetime(year, 1, 2, 3, 4, 5, 6, tzinfo=UTC) for year in (1, 9, 99, 999, 1000)]
    start = datetime(1, 1, 2, tzinfo=UTC)
    moments += [start + timedelta(microseconds=rng.randrange(10**17 * 3)) for _ in range(2000)]
    for moment in moments:
        local = moment.astimezone(rng.choice(zones))
        expected = moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
        assert format_time(local) == expected
    assert format_time(datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)) == (
        "999-12-31T23:59:59.9999990Z"
    )
    assert format_time(datetime(1000, 1, 1, 0, 0, 0, 1, tzinfo=UTC)) == (
        "1000-01-01T00:00:00.0000010Z"
    )


def test_other_iso_forms_parse_to_utc():
    assert parse_time("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_time("2024-05-01T12:00:00.5+02:00") == datetime(
        2024, 5, 1, 10, 0, 0, 500000, tzinfo=UTC
    )
