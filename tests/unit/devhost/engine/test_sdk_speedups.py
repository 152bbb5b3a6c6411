"""The fast timestamp parser gives exactly what dateutil gives, for every input shape; the
strict-mode check answers as azure.functions' own does."""

import random
import warnings
from datetime import UTC, datetime, timedelta

import pytest
from dateutil.parser import parse as dateutil_parse

from devhost.engine.history import format_time
from devhost.engine.sdk_speedups import (
    codec_module,
    install,
    is_strict_mode,
    parse_timestamp,
    sdk_is_strict_mode,
)
from devhost.host.formatting import format_time as status_time

STRICT = "AZURE_FUNCTIONS_DURABLE_STRICT_TYPING"


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


@pytest.mark.parametrize(
    "value", [None, "", "1", "true", " TRUE ", "Yes", "yes\n", "0", "false", "no", "tru", "ja", "é"]
)
def test_strict_mode_reads_the_variable_as_azure_functions_does(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(STRICT, raising=False)
    else:
        monkeypatch.setenv(STRICT, value)
    assert is_strict_mode() == sdk_is_strict_mode()
    assert is_strict_mode() == (value is not None and value.strip().lower() in {"1", "true", "yes"})


def test_the_codec_sees_strict_mode_change_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    install()
    envelope = '{"__class__": "Decimal", "__module__": "decimal", "__data__": "1"}'
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        monkeypatch.setenv(STRICT, "1")
        with pytest.raises(TypeError, match="strict mode requires expected_type"):
            codec_module.df_loads(envelope)
        monkeypatch.setenv(STRICT, "0")
        with pytest.raises(TypeError, match="does not expose a `from_json`"):
            codec_module.df_loads(envelope)
