"""The fast timestamp parser gives exactly what dateutil gives, for every input shape."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from dateutil.parser import parse as dateutil_parse

from devhost.engine.history import format_time
from devhost.engine.sdk_speedups import parse_timestamp
from devhost.host.formatting import format_time as status_time


def test_fast_parser_matches_dateutil_on_devhost_timestamps():
    rng = random.Random(7)
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for _ in range(2000):
        moment = start + timedelta(microseconds=rng.randrange(10**17))
        text = format_time(moment)
        assert parse_timestamp(text) == dateutil_parse(text)
        assert parse_timestamp(text).utcoffset() == dateutil_parse(text).utcoffset()


def test_fast_parser_matches_dateutil_on_status_times():
    rng = random.Random(11)
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for _ in range(2000):
        moment = start + timedelta(seconds=rng.randrange(10**9))
        text = status_time(moment)
        assert parse_timestamp(text) == dateutil_parse(text)
        assert parse_timestamp(text).utcoffset() == dateutil_parse(text).utcoffset()


def test_other_formats_fall_back_to_dateutil():
    for text in ["2024-05-01T10:00:00.123+02:00", "2024-05-01", "2024-05-01 10:00:00Z"]:
        assert parse_timestamp(text) == dateutil_parse(text)


def test_impossible_dates_fail_as_dateutil_fails():
    for text in ["2024-02-30T10:00:00Z", "2024-02-30T10:00:00.0000000Z"]:
        with pytest.raises(ValueError, match="day is out of range"):
            dateutil_parse(text)
        with pytest.raises(ValueError, match="day is out of range"):
            parse_timestamp(text)
