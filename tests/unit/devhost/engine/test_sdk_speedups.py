"""The fast timestamp parser gives exactly what dateutil gives, for every input shape."""

import random
from datetime import UTC, datetime, timedelta

from dateutil.parser import parse as dateutil_parse

from devhost.engine.history import format_time
from devhost.engine.sdk_speedups import parse_timestamp


def test_fast_parser_matches_dateutil_on_devhost_timestamps():
    rng = random.Random(7)
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for _ in range(2000):
        moment = start + timedelta(microseconds=rng.randrange(10**17))
        text = format_time(moment)
        assert parse_timestamp(text) == dateutil_parse(text)
        assert parse_timestamp(text).utcoffset() == dateutil_parse(text).utcoffset()


def test_other_formats_fall_back_to_dateutil():
    for text in ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.123+02:00", "2024-05-01"]:
        assert parse_timestamp(text) == dateutil_parse(text)
