"""The monitor's errors: each carries its HTTP status, its code and the field it is about."""

from __future__ import annotations

import asyncio

import aiohttp

TRANSPORT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)
"""What failing to reach the Durable extension raises; answered 503."""


class MonitorError(Exception):
    """An answer other than success, with its HTTP status and the field it is about."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


class NotFoundError(MonitorError):
    """No instance has the given id."""

    status_code = 404
    code = "not_found"


class ConflictError(MonitorError):
    """The instance is not in a state that allows the action."""

    status_code = 409
    code = "conflict"


class UnavailableError(MonitorError):
    """The Durable extension could not be reached or answered unexpectedly."""

    status_code = 503
    code = "durable_unavailable"
