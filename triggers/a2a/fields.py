"""Reading request parameters: typed getters that name the offending field in an
InvalidParamsError, shared by the wire formats."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggers.a2a.errors import InvalidParamsError


def obj(value: Any, field: str, *, required: bool = True) -> dict[str, Any]:
    """`value` as a JSON object (empty when absent and not `required`)."""
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise InvalidParamsError(field, "must be an object" if value is not None else "is required")
    return value


def string(
    params: Mapping[str, Any], key: str, field: str, *, required: bool = False
) -> str | None:
    """A string member (None when absent and not `required`)."""
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise InvalidParamsError(field, "is required")
        return None
    if not isinstance(value, str):
        raise InvalidParamsError(field, "must be a string")
    return value


def integer(params: Mapping[str, Any], key: str, field: str) -> int | None:
    """An integer member; query-string digits are accepted."""
    value = params.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidParamsError(field, "must be an integer")
    return value


def boolean(params: Mapping[str, Any], key: str, field: str) -> bool | None:
    """A boolean member; query-string `true`/`false` are accepted."""
    value = params.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise InvalidParamsError(field, "must be a boolean")
    return value


def items(value: Any, field: str) -> list[Any]:
    """A non-empty JSON array."""
    if not isinstance(value, list) or not value:
        raise InvalidParamsError(field, "must be a non-empty array")
    return value
