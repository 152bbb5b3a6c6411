"""Query-string reading as the Durable extension does it: names ignore case, booleans are
`true`/`false` in any case, anything unparseable counts as not given."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from devhost.engine.types import RuntimeStatus
from devhost.host.formatting import parse_time


class QueryParams:
    """Case-insensitive access to one request's query string."""

    def __init__(self, request: web.Request) -> None:
        self._values: dict[str, list[str]] = {}
        for key, value in request.query.items():
            self._values.setdefault(key.casefold(), []).append(value)

    def get(self, name: str) -> str | None:
        """The first value of `name`, or None."""
        values = self._values.get(name.casefold())
        return values[0] if values else None

    def boolean(self, name: str, default: bool) -> bool:
        """`name` as a boolean; `default` when absent or not `true`/`false`."""
        value = (self.get(name) or "").strip().lower()
        return {"true": True, "false": False}.get(value, default)

    def integer(self, name: str) -> int | None:
        """`name` as an integer, or None."""
        value = (self.get(name) or "").strip()
        return int(value) if value.lstrip("-").isdigit() else None

    def seconds(self, name: str) -> float | None:
        """`name` as a number of seconds, or None."""
        try:
            return float(self.get(name) or "")
        except ValueError:
            return None

    def time(self, name: str) -> datetime | None:
        """`name` as a UTC time, or None."""
        return parse_time(self.get(name))

    def statuses(self, name: str = "runtimeStatus") -> frozenset[RuntimeStatus] | None:
        """Comma-separated runtime statuses (names ignore case, unknown ones are skipped);
        None when none are given."""
        by_name = {s.value.casefold(): s for s in RuntimeStatus}
        found = {
            by_name[part.strip().casefold()]
            for value in self._values.get(name.casefold(), [])
            for part in value.split(",")
            if part.strip().casefold() in by_name
        }
        return frozenset(found) or None
