"""Map the `openai` SDK's transport and HTTP errors to the chat-model errors."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping

import openai

from core.llm.errors import (
    ChatModelError,
    ModelRateLimitedError,
    ModelRequestError,
    ModelTimeoutError,
    ModelUnavailableError,
)

TRANSPORT_ERRORS = (openai.APIConnectionError, openai.APIStatusError)
"""The SDK errors `to_model_error` maps; others are re-raised as they are."""


def to_model_error(
    error: openai.APIConnectionError | openai.APIStatusError, timeout_seconds: float
) -> ChatModelError:
    """The chat-model error for an SDK error the SDK gave up retrying."""
    if isinstance(error, openai.APITimeoutError):
        return ModelTimeoutError(timeout_seconds)
    if isinstance(error, openai.APIConnectionError):
        return ModelUnavailableError(None, str(error.__cause__ or error))
    if isinstance(error, openai.RateLimitError):
        return ModelRateLimitedError(retry_after_seconds(error.response.headers), error.request_id)
    if error.status_code >= 500:
        return ModelUnavailableError(error.status_code, error.message, error.request_id)
    return ModelRequestError(error.status_code, error.message, error.request_id)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The wait a response asks for: `retry-after-ms`, else `Retry-After` in seconds or as
    an HTTP date; None when absent or unreadable."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return float(headers[name]) / scale
        except (KeyError, ValueError):
            continue
    try:
        when = email.utils.parsedate_to_datetime(headers.get("retry-after", ""))
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
