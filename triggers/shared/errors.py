"""Errors an endpoint answers with: each carries its HTTP status, code and problems."""

from __future__ import annotations

import asyncio
from typing import Self

import aiohttp
from pydantic import ValidationError

from triggers.shared.api_models import ErrorBody, ErrorDetail

DURABLE_TRANSPORT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)
"""What the SDK's client raises when the Durable extension's endpoint cannot be reached."""


class ApiError(Exception):
    """Base of the errors the API turns into a JSON error answer."""

    status_code = 500
    code = "internal_error"

    def __init__(self, detail: list[ErrorDetail], headers: dict[str, str] | None = None):
        self.detail = detail
        self.headers = headers or {}
        super().__init__("; ".join(f"{d.field}: {d.message}" for d in detail))

    @classmethod
    def about(cls, field: str, message: str, headers: dict[str, str] | None = None) -> Self:
        """The error with one problem, about `field`."""
        return cls([ErrorDetail(field=field, message=message)], headers)

    def body(self) -> ErrorBody:
        """The JSON body of the answer."""
        return ErrorBody(error=self.code, detail=self.detail)


class BadRequestError(ApiError):
    """A query parameter, route value or body the endpoint cannot use."""

    status_code = 400
    code = "bad_request"


class InvalidJsonError(ApiError):
    """The body is missing or not JSON."""

    status_code = 400
    code = "invalid_json"


class RequestValidationError(ApiError):
    """The JSON is well formed but does not fit the expected shape."""

    status_code = 400
    code = "validation_error"

    @classmethod
    def from_pydantic(cls, exc: ValidationError, root: str = "body") -> RequestValidationError:
        """One problem per pydantic error, the field named by its dotted location."""
        detail = [
            ErrorDetail(
                field=".".join(str(part) for part in error["loc"]) or root,
                message=error["msg"],
            )
            for error in exc.errors(include_url=False)
        ]
        return cls(detail)


class PayloadTooLargeError(ApiError):
    """The body is larger than the endpoint accepts."""

    status_code = 413
    code = "payload_too_large"


class ForbiddenError(ApiError):
    """The caller is known but may not do this to the target."""

    status_code = 403
    code = "forbidden"


class NotFoundError(ApiError):
    """The named agent, orchestrator or workflow does not exist."""

    status_code = 404
    code = "not_found"


class ConflictError(ApiError):
    """The request is valid but the target's state does not allow it now."""

    status_code = 409
    code = "conflict"


class DurableUnavailableError(ApiError):
    """The Durable Functions backend did not answer."""

    status_code = 503
    code = "durable_unavailable"
