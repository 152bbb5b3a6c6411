"""Errors a chat model raises: one base class, one subclass per kind of failure.

`transient` says whether the same call may succeed later, so an activity's retry policy
can tell a throttled or unreachable model from a request that will never work.
"""

from __future__ import annotations

from typing import ClassVar


class ChatModelError(Exception):
    """Base class of every error a chat model raises."""

    transient: ClassVar[bool] = False


class ModelRateLimitedError(ChatModelError):
    """Raised when the model stays throttled (HTTP 429) after the allowed retries."""

    transient = True

    def __init__(self, retry_after_seconds: float | None, request_id: str | None = None) -> None:
        self.retry_after_seconds = retry_after_seconds
        self.request_id = request_id
        wait = "" if retry_after_seconds is None else f"; retry after {retry_after_seconds:g}s"
        super().__init__(f"The model is rate limited{wait}.")


class ModelTimeoutError(ChatModelError):
    """Raised when the model does not answer within the timeout, retries included."""

    transient = True

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        super().__init__(f"The model did not answer within {timeout_seconds:g}s.")


class ModelUnavailableError(ChatModelError):
    """Raised when the model service fails (HTTP 5xx) or cannot be reached."""

    transient = True

    def __init__(self, status_code: int | None, detail: str, request_id: str | None = None) -> None:
        self.status_code = status_code
        self.detail = detail
        self.request_id = request_id
        status = "unreachable" if status_code is None else f"HTTP {status_code}"
        super().__init__(f"The model service is unavailable ({status}): {detail}")


class ModelRequestError(ChatModelError):
    """Raised when the service rejects the request itself (HTTP 4xx other than 429)."""

    def __init__(self, status_code: int, detail: str, request_id: str | None = None) -> None:
        self.status_code = status_code
        self.detail = detail
        self.request_id = request_id
        super().__init__(f"The model service rejected the request (HTTP {status_code}): {detail}")


class ModelResponseError(ChatModelError):
    """Raised when the model's answer is unusable: structured output that does not
    validate, malformed tool arguments, a refusal, or a schema nobody can answer."""

    def __init__(self, reason: str, *, schema: str | None = None, content: str = "") -> None:
        self.reason = reason
        self.schema = schema
        self.content = content
        about = "" if schema is None else f" for schema '{schema}'"
        super().__init__(f"The model's answer{about} is unusable: {reason}")
