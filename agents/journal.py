"""The idempotent write log of one tool server."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from agents.errors import IdempotencyConflictError

R = TypeVar("R")


@dataclass(frozen=True)
class _Entry:
    tool: str
    fingerprint: str
    result: Any


class WriteJournal:
    """Applies each write at most once per idempotency key.

    The log is kept in memory, next to the in-memory data it protects: both start from
    the shipped JSON when a tool server is built and are lost together when its process
    ends, so a remembered key never points at a change that is gone.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        # A plain (not async) tool runs on a worker thread; the check and the write must be
        # one step.
        self._lock = threading.Lock()

    def apply(self, key: str, tool: str, arguments: Mapping[str, Any], write: Callable[[], R]) -> R:
        """Run `write` for a new key and remember its result; for a known key return that
        result without writing again. A known key with other arguments is refused."""
        fingerprint = json.dumps([tool, dict(arguments)], sort_keys=True, default=str)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if entry.fingerprint != fingerprint:
                    raise IdempotencyConflictError(key, entry.tool)
                return cast(R, entry.result)
            result = write()
            self._entries[key] = _Entry(tool, fingerprint, result)
            return result
