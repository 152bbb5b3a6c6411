"""Speed up the SDK's replay without changing what it computes.

- The SDK parses every history event's `Timestamp` with `dateutil` on every replay, which was
  most of an episode's cost. devhost writes timestamps in one fixed format, so the engine
  installs a parser that reads exactly that format directly and hands anything else to
  `dateutil`; both give equal datetimes (checked by the tests). Each replay reads the same
  past timestamps again, so the datetimes read are kept by text (they are immutable).
- The SDK's status client parses `createdTime` and `lastUpdatedTime` of every status poll
  with `dateutil` too; devhost writes those in one fixed format as well
  (`2024-05-01T12:30:45Z`), read the same way.
- The SDK's executor builds the same `namedtuple` class anew for every episode; the engine
  hands it a cached one (the class is immutable, so sharing it changes nothing).
- azure.functions' JSON codec asks whether strict typing is on
  (`AZURE_FUNCTIONS_DURABLE_STRICT_TYPING`) for every value it encodes or decodes, ten times
  an episode and more; `os.environ.get` raises and catches two exceptions each time the
  variable is unset. The engine reads the same mapping `os.environ` keeps, without them, on
  every call (so setting the variable takes effect at once, as before).
- The codec serialises every action's input and the episode's state with
  `json.dumps(value, default=...)` and reads every result with `json.loads(text,
  object_hook=...)`, and `json` builds a new encoder or decoder for each such call. The codec
  gets a `json` whose `dumps` and `loads` use one encoder per `default` and one decoder per
  `object_hook`, built once (an int, None or a bool is written directly, as json writes it);
  every other call goes to `json` itself. Encoders and decoders keep no state between calls,
  so each call returns what `json`'s own would.
- The SDK builds each history event of each replay through `HistoryEvent(**fields)`, whose
  constructor sets every field with `__setattr__`; the engine hands the context a factory that
  fills the same attributes, in the same order, into the event's `__dict__` (the SDK's own
  constructor still runs for any field named like one of the class's attributes).

Only the host process is changed, never the app.
"""

from __future__ import annotations

import importlib
import json
import os
from collections import namedtuple
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from dateutil.tz import tzutc

from devhost.engine.history import engine_time

_UTC = tzutc()
# The module, not the class of the same name that the package re-exports.
executor_module: Any = importlib.import_module(
    "azure.durable_functions.models.TaskOrchestrationExecutor"
)
history_event_module: Any = importlib.import_module(
    "azure.durable_functions.models.history.HistoryEvent"
)
status_module: Any = importlib.import_module(
    "azure.durable_functions.models.DurableOrchestrationStatus"
)
codec_module: Any = importlib.import_module("azure.functions._durable_functions")
context_module: Any = importlib.import_module(
    "azure.durable_functions.models.DurableOrchestrationContext"
)
_dateutil_parse = history_event_module.dt_parse
sdk_is_strict_mode = codec_module._is_strict_mode
SdkHistoryEvent: Any = history_event_module.HistoryEvent


def _status_time(text: str) -> datetime | None:
    """`YYYY-MM-DDTHH:MM:SSZ` (the status API's times), or None for any other text."""
    if not (len(text) == 20 and text[4] == "-" and text[10] == "T" and text[19] == "Z"):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


@lru_cache(maxsize=16384)
def _engine_timestamp(text: str) -> datetime | None:
    fast = engine_time(text) or _status_time(text)
    # dateutil marks UTC with its own tzinfo; keep that, so results are identical.
    return None if fast is None else fast.replace(tzinfo=_UTC)


def parse_timestamp(text: Any, *args: Any, **kwargs: Any) -> datetime:
    """Parse `YYYY-MM-DDTHH:MM:SS.fffffffZ` and `YYYY-MM-DDTHH:MM:SSZ` directly; defer any
    other input to dateutil."""
    fast = _engine_timestamp(text) if isinstance(text, str) and not args and not kwargs else None
    if fast is not None:
        return fast
    parsed: datetime = _dateutil_parse(text, *args, **kwargs)
    return parsed


@lru_cache(maxsize=32)
def cached_namedtuple(typename: str, field_names: tuple[str, ...]) -> type:
    """The namedtuple class for these names, built once."""
    return namedtuple(typename, field_names)


def _namedtuple(typename: str, field_names: Any) -> type:
    return cached_namedtuple(typename, tuple(field_names))


def is_strict_mode() -> bool:
    """Whether azure.functions' Durable JSON codec runs in strict typing mode: the variable's
    value, as `os.environ` holds it, stripped and lowercased, is one of its truthy words."""
    environ: Any = os.environ
    raw = environ._data.get(environ.encodekey(codec_module._STRICT_ENV_VAR))
    if raw is None:
        return False
    return environ.decodevalue(raw).strip().lower() in codec_module._TRUTHY


@lru_cache(maxsize=8)
def _encoder(default: Callable[[Any], Any]) -> json.JSONEncoder:
    return json.JSONEncoder(default=default)


@lru_cache(maxsize=8)
def _decoder(object_hook: Callable[[dict[str, Any]], Any]) -> json.JSONDecoder:
    return json.JSONDecoder(object_hook=object_hook)


class CodecJson:
    """`json` as the codec calls it: `dumps` with only `default` and `loads` of text with only
    `object_hook` use an encoder or decoder built once per hook; anything else is `json`'s."""

    def __getattr__(self, name: str) -> Any:
        return getattr(json, name)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """`json.dumps(obj, **kwargs)`."""
        if len(kwargs) != 1 or "default" not in kwargs:
            return json.dumps(obj, **kwargs)
        encoder = _encoder(kwargs["default"])
        # The texts json writes for an int, None and a bool, without building an encoder:
        # activity inputs and results are often one of them.
        kind = type(obj)
        if kind is int:
            return int.__repr__(obj)
        if obj is None:
            return "null"
        if kind is bool:
            return "true" if obj else "false"
        return encoder.encode(obj)

    def loads(self, s: Any, **kwargs: Any) -> Any:
        """`json.loads(s, **kwargs)`."""
        if (
            len(kwargs) != 1
            or "object_hook" not in kwargs
            or not isinstance(s, str)
            or s.startswith("\ufeff")
        ):
            return json.loads(s, **kwargs)
        return _decoder(kwargs["object_hook"]).decode(s)


_EVENT_CLASS_NAMES = frozenset(dir(SdkHistoryEvent))


def history_event(
    EventType: Any, EventId: Any, IsPlayed: Any, Timestamp: Any, **kwargs: Any
) -> Any:
    """A `HistoryEvent` with exactly the attributes its constructor gives it."""
    if not _EVENT_CLASS_NAMES.isdisjoint(kwargs):
        return SdkHistoryEvent(EventType, EventId, IsPlayed, Timestamp, **kwargs)
    event = object.__new__(SdkHistoryEvent)
    fields = event.__dict__
    fields["_event_type"] = EventType
    fields["_event_id"] = EventId
    fields["_is_played"] = IsPlayed
    fields["_timestamp"] = history_event_module.dt_parse(Timestamp)
    fields["_is_processed"] = False
    fields["Name"] = None
    fields["InstanceId"] = None
    fields["TaskScheduledId"] = None
    fields["Reason"] = None
    fields["Details"] = None
    fields["Input"] = None
    fields.update(kwargs)
    return event


def install() -> None:
    """Route the SDK's history and status timestamp parsing through `parse_timestamp`, its
    executor's namedtuple through the cache, the codec's strict-mode check through
    `is_strict_mode` and its JSON calls through `CodecJson`, and build the context's history
    events with `history_event`."""
    history_event_module.dt_parse = parse_timestamp
    status_module.dt_parse = parse_timestamp
    executor_module.namedtuple = _namedtuple
    codec_module._is_strict_mode = is_strict_mode
    if not isinstance(codec_module.json, CodecJson):
        codec_module.json = CodecJson()
    context_module.HistoryEvent = history_event
