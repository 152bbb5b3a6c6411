"""JSON in and out of the HTTP triggers: read and validate bodies, write answers, and turn
every error into a JSON error answer."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import azure.functions as func
from pydantic import BaseModel, ValidationError

from core.auth import AuthError, auth_error_response
from triggers.shared.errors import (
    DURABLE_TRANSPORT_ERRORS,
    ApiError,
    DurableUnavailableError,
    InvalidJsonError,
    PayloadTooLargeError,
    RequestValidationError,
)
from triggers.shared.http_streams import Answer, StreamedHandler, streamed

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
"""The largest request body an endpoint reads."""

M = TypeVar("M", bound=BaseModel)
Handler = Callable[..., Awaitable[Answer]]


def json_response(
    body: BaseModel | dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    exclude: set[str] | None = None,
) -> func.HttpResponse:
    """A JSON answer; a model is written in its JSON mode, without the `exclude` fields."""
    data = body.model_dump(mode="json", exclude=exclude) if isinstance(body, BaseModel) else body
    return func.HttpResponse(
        json_bytes(data),
        status_code=status_code,
        headers=headers,
        mimetype="application/json",
        charset="utf-8",
    )


def json_text(data: Any) -> str:
    """`data` as JSON text that encodes as UTF-8: non-ASCII characters as they are, unless
    the data holds a lone surrogate (from a malformed URL or body), then all escaped."""
    return json_bytes(data).decode("utf-8")


def json_bytes(data: Any) -> bytes:
    """`json_text(data)` encoded as UTF-8."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, default=str).encode("utf-8")


def error_response(error: ApiError) -> func.HttpResponse:
    """The JSON error answer of `error`, with its status and headers."""
    return json_response(error.body(), error.status_code, error.headers)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def read_json(req: func.HttpRequest, *, required: bool = True) -> Any:
    """The request body parsed as JSON; None for an empty body when not `required`.

    Raises PayloadTooLargeError above MAX_BODY_BYTES and InvalidJsonError for a missing or
    malformed body.
    """
    raw = req.get_body() or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLargeError.about(
            "body", f"the body has {len(raw)} bytes; at most {MAX_BODY_BYTES} are accepted"
        )
    if not raw.strip():
        if required:
            raise InvalidJsonError.about("body", "a JSON body is required")
        return None
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise InvalidJsonError.about("body", "the JSON is nested too deeply") from None
    except ValueError as exc:
        raise InvalidJsonError.about("body", f"not valid JSON: {exc}") from None


def parse(model: type[M], data: Any) -> M:
    """`data` validated as `model`; raises RequestValidationError naming each bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError.from_pydantic(exc) from None


def api_endpoint(handler: Handler) -> StreamedHandler:
    """Wrap an HTTP trigger so that every failure is a JSON answer: its own status for an
    ApiError, 503 when the Durable backend is unreachable, 500 (logged) for anything else;
    served through the HTTP streams extension (`streamed`)."""

    @functools.wraps(handler)
    async def answer(*args: Any, **kwargs: Any) -> Answer:
        try:
            return await handler(*args, **kwargs)
        except ApiError as exc:
            return error_response(exc)
        except AuthError as exc:
            return auth_error_response(exc)
        except DURABLE_TRANSPORT_ERRORS as exc:
            log.warning("Durable backend unreachable in %s: %r", handler.__name__, exc)
            return error_response(
                DurableUnavailableError.about(
                    "durable", f"the Durable backend did not answer: {exc!r}"
                )
            )
        except Exception:
            log.exception("Unhandled error in %s", handler.__name__)
            return error_response(
                ApiError.about("server", "the request failed unexpectedly; see the function logs")
            )

    return streamed(answer)
