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

Only the host process is changed, never the app.
"""

from __future__ import annotations

import importlib
import os
from collections import namedtuple
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
_dateutil_parse = history_event_module.dt_parse
sdk_is_strict_mode = codec_module._is_strict_mode


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


def install() -> None:
    """Route the SDK's history and status timestamp parsing through `parse_timestamp`, its
    executor's namedtuple through the cache and the codec's strict-mode check through
    `is_strict_mode`."""
    history_event_module.dt_parse = parse_timestamp
    status_module.dt_parse = parse_timestamp
    executor_module.namedtuple = _namedtuple
    codec_module._is_strict_mode = is_strict_mode
