"""HTTP in and out of the A2A bindings: the JSON body, JSON and event-stream answers, and
the errors every binding maps the same way (refused callers, an unreachable Durable backend,
failures of the shared workflow code)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import azure.functions as func

from core.auth import AuthError
from triggers.a2a.errors import A2AError, InternalError, JsonParseError, UnavailableError
from triggers.a2a.model import StreamEvent
from triggers.endpoint import MAX_BODY_BYTES
from triggers.errors import DURABLE_TRANSPORT_ERRORS, ApiError

log = logging.getLogger(__name__)

JSON = "application/json"
A2A_JSON = "application/a2a+json"
EVENT_STREAM = "text/event-stream"


def read_body(req: func.HttpRequest) -> Any:
    """The request body as JSON (None when empty); JsonParseError otherwise."""
    raw = req.get_body() or b""
    if len(raw) > MAX_BODY_BYTES:
        raise JsonParseError(
            f"the body has {len(raw)} bytes; at most {MAX_BODY_BYTES} are accepted"
        )
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise JsonParseError(f"Invalid JSON payload: {exc}") from None


def answer(
    body: Any,
    status_code: int = 200,
    *,
    mimetype: str = JSON,
    headers: dict[str, str] | None = None,
) -> func.HttpResponse:
    """A JSON answer."""
    return func.HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status_code=status_code,
        mimetype=mimetype,
        charset="utf-8",
        headers=headers,
    )


def event_stream(body: bytes) -> func.HttpResponse:
    """An event-stream answer."""
    return func.HttpResponse(
        body, status_code=200, mimetype=EVENT_STREAM, headers={"Cache-Control": "no-cache"}
    )


def auth_headers(exc: AuthError) -> dict[str, str]:
    """The challenge of a refused caller."""
    challenge = exc.www_authenticate()
    return {"WWW-Authenticate": challenge} if challenge else {}


def auth_message(exc: AuthError) -> str:
    """What a refused caller is told (server-side failures are only logged)."""
    if exc.status_code >= 500:
        log.error("Authentication failed on the server side: %s", exc.description)
        return "Authentication is unavailable."
    return exc.description


def a2a_error(exc: Exception) -> A2AError:
    """The A2A error of any failure but an AuthError: itself, an unreachable Durable backend,
    or an unexpected failure (logged)."""
    if isinstance(exc, A2AError):
        return exc
    if isinstance(exc, DURABLE_TRANSPORT_ERRORS):
        log.warning("Durable backend unreachable in an A2A call: %r", exc)
        return UnavailableError(f"The Durable backend did not answer: {exc!r}")
    if isinstance(exc, ApiError):
        return InternalError(str(exc))
    log.exception("A2A call failed", exc_info=exc)
    return InternalError("Internal error; see the function logs")


async def prepend(
    first: StreamEvent, rest: AsyncIterator[StreamEvent]
) -> AsyncIterator[StreamEvent]:
    """`first`, then the events of `rest`."""
    yield first
    async for event in rest:
        yield event
