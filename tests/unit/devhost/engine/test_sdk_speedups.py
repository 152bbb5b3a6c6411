"""The fast timestamp parser gives exactly what dateutil gives, for every input shape; the
strict-mode check answers as azure.functions' own does; the codec's JSON calls return and raise
what `json`'s do; history events get the attributes the SDK's constructor gives them."""

import json
import random
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from unittest.mock import ANY

import pytest
from dateutil.parser import parse as dateutil_parse
from hypothesis import given, settings
from hypothesis import strategies as st

from devhost.engine import history as h
from devhost.engine.history import format_time
from devhost.engine.sdk_speedups import (
    CodecJson,
    SdkHistoryEvent,
    codec_module,
    context_module,
    history_event,
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


class Money:
    """A custom class the Durable codec carries in its `__class__`/`__module__`/`__data__`
    envelope."""

    def __init__(self, cents: int) -> None:
        self.cents = cents

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and other.cents == self.cents

    @staticmethod
    def to_json(obj: "Money") -> dict:
        return {"cents": obj.cents}

    @classmethod
    def from_json(cls, data: dict) -> "Money":
        return cls(data["cents"])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
CODEC_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.builds(Money, st.integers()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """What a call returned, or the type and text of what it raised."""
    try:
        return ("returned", call())
    except Exception as exc:
        return ("raised", (type(exc), str(exc)))


@settings(max_examples=300)
@given(CODEC_VALUES)
def test_codec_dumps_writes_what_json_writes(value: Any) -> None:
    hook = codec_module._serialize_custom_object
    assert CodecJson().dumps(value, default=hook) == json.dumps(value, default=hook)


@settings(max_examples=300)
@given(CODEC_VALUES)
def test_codec_loads_reads_what_json_reads(value: Any) -> None:
    hook = codec_module._deserialize_custom_object
    text = json.dumps(value, default=codec_module._serialize_custom_object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert CodecJson().loads(text, object_hook=hook) == json.loads(text, object_hook=hook)


@given(JSON_VALUES)
def test_other_calls_go_to_json_itself(value: Any) -> None:
    codec_json = CodecJson()
    text = json.dumps(value)
    assert codec_json.dumps(value) == text
    assert codec_json.dumps(value, sort_keys=True, default=str) == json.dumps(
        value, sort_keys=True, default=str
    )
    assert outcome(lambda: codec_json.loads(text)) == outcome(lambda: json.loads(text))
    assert outcome(lambda: codec_json.loads(text.encode(), object_hook=dict)) == outcome(
        lambda: json.loads(text.encode(), object_hook=dict)
    )


def test_codec_json_fails_as_json_fails() -> None:
    codec_json = CodecJson()
    dump_hook = codec_module._serialize_custom_object
    load_hook = codec_module._deserialize_custom_object
    circular: list[Any] = []
    circular.append(circular)
    for value in [object(), circular, {1j: 1}, float("nan")]:
        assert outcome(partial(codec_json.dumps, value, default=dump_hook)) == outcome(
            partial(json.dumps, value, default=dump_hook)
        )
    for text in ["", "{", '{"a": 1,}', "\ufeff1", '{"__class__": "Nope", "__module__": "nope", '
                 '"__data__": 1}', "[1, 2] 3"]:  # fmt: skip
        assert outcome(partial(codec_json.loads, text, object_hook=load_hook)) == outcome(
            partial(json.loads, text, object_hook=load_hook)
        )
    assert codec_json.JSONDecodeError is json.JSONDecodeError


def devhost_events() -> list[dict[str, Any]]:
    """One event of every shape devhost writes, as the SDK receives it."""
    at = datetime(2026, 5, 1, 12, 30, 45, 123456, tzinfo=UTC)
    parent = {"OrchestrationInstance": {"InstanceId": "p", "ExecutionId": "e"}, "TaskScheduleId": 3}
    return [
        h.orchestrator_started(at),
        h.execution_started(at, "flow", '"x"', "i", "e", "1.0", parent),
        h.new_event(h.EventType.TASK_SCHEDULED, at, 0, Name="act", Version="", Input="1"),
        h.task_completed(at, 0, '{"a": 1}'),
        h.task_failed(at, 1, "broke", "trace"),
        h.timer_fired(at, 2, at),
        h.event_raised(at, "go", "[1]"),
        h.sub_orchestration_completed(at, 4, "null"),
        h.sub_orchestration_failed(at, 5, "child broke", None),
        h.execution_terminated(at, "enough"),
        h.execution_suspended(at, None),
        h.execution_resumed(at, "back"),
        h.execution_completed(at, "Completed", "2"),
        h.generic_event(at, "rewound"),
        h.orchestrator_completed(at),
        {**h.orchestrator_started(at), "Timestamp": "2024-05-01T10:00:00.123+02:00"},
    ]


def test_history_events_get_the_attributes_the_sdk_constructor_gives() -> None:
    install()
    for fields in devhost_events():
        played = {**fields, "IsPlayed": True}
        fast, sdk = history_event(**played), SdkHistoryEvent(**played)
        assert type(fast) is SdkHistoryEvent
        assert list(vars(fast).items()) == list(vars(sdk).items())


def test_a_field_named_like_an_event_attribute_goes_through_the_sdk_constructor() -> None:
    base = h.orchestrator_started(datetime(2026, 5, 1, tzinfo=UTC))
    extras: list[dict[str, Any]] = [{"is_processed": True}, {"timestamp": "x"}, {"event_type": 1}]
    for extra in extras:
        fields = {**base, **extra}
        fast = outcome(lambda: vars(history_event(**fields)))  # noqa: B023 - called at once
        assert fast == outcome(lambda: vars(SdkHistoryEvent(**fields)))  # noqa: B023
    partial_fields: dict[str, Any] = {"EventType": 1}
    assert outcome(lambda: history_event(**partial_fields)) == ("raised", (TypeError, ANY))


def test_the_context_holds_the_events_the_sdk_constructor_builds() -> None:
    install()
    history = [{**e, "IsPlayed": True} for e in devhost_events()]
    text = json.dumps({"history": history, "instanceId": "i", "isReplaying": True,
                       "parentInstanceId": None, "upperSchemaVersion": 1})  # fmt: skip
    context = context_module.DurableOrchestrationContext.from_json(text)
    assert [list(vars(e).items()) for e in context.histories] == [
        list(vars(SdkHistoryEvent(**e)).items()) for e in history
    ]
