"""Reading request headers from any mapping: `func.HttpRequest.headers` is
case-insensitive, a plain dict (tests, MCP triggers, devhost) may not be."""

from __future__ import annotations

from collections.abc import Mapping


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header `name`, matched case-insensitively, or None."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)
