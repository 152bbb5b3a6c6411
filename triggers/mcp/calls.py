"""One MCP tool call as the Functions MCP extension hands it to the function: the invocation
context JSON (`name`, `arguments`, `sessionid`, `clientinfo`, `transport` with the HTTP
headers), the caller's verified identity, and every failure turned into an error result
the calling model can read."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.auth import AuthError, Principal
from core.auth.headers import header_value
from core.loopback import is_loopback_authority
from triggers.mcp.schema import tool_result
from triggers.shared.callers import authorize
from triggers.shared.errors import (
    DURABLE_TRANSPORT_ERRORS,
    ApiError,
    DurableUnavailableError,
    RequestValidationError,
)

log = logging.getLogger(__name__)

A = TypeVar("A", bound=BaseModel)


class McpTransport(BaseModel):
    """How the call arrived: `http-streamable` or `http-sse`, with the request's headers in
    `properties.headers`."""

    name: str = "unknown"
    sessionId: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)


class McpInvocation(BaseModel):
    """The invocation context the extension passes as the trigger value."""

    model_config = ConfigDict(extra="allow")

    name: str
    arguments: dict[str, Any] | None = None
    sessionid: str | None = None
    clientinfo: dict[str, Any] | None = None
    transport: McpTransport | None = None

    @property
    def headers(self) -> dict[str, str]:
        """The HTTP headers of the MCP request (values of repeated headers joined)."""
        found = self.transport.properties.get("headers") if self.transport else None
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    def api_url(self, path: str) -> str:
        """An absolute URL of the HTTP API (route prefix `api`) on the host the caller
        reached: `X-Forwarded-Proto` when a proxy sets it, else https except on loopback."""
        headers = self.headers
        host = header_value(headers, "x-forwarded-host") or header_value(headers, "host")
        host = host or "localhost"
        scheme = header_value(headers, "x-forwarded-proto")
        if not scheme:
            scheme = "http" if is_loopback_authority(host) else "https"
        return f"{scheme}://{host}/api/{path}"


def invocation(context: str) -> McpInvocation:
    """The invocation context of a trigger value (JSON text)."""
    return McpInvocation.model_validate(json.loads(context))


ToolBody = Callable[[McpInvocation, Principal], Awaitable[BaseModel]]


def arguments(call: McpInvocation, model: type[A]) -> A:
    """The call's arguments validated as `model`; RequestValidationError names each bad one."""
    try:
        return model.model_validate(call.arguments or {})
    except ValidationError as exc:
        raise RequestValidationError.from_pydantic(exc, root="arguments") from None


async def run_tool(context: str, roles: tuple[str, ...], body: ToolBody) -> str:
    """Run one tool call for a caller holding one of `roles` and return its result envelope;
    a refused caller, bad arguments, an unknown or busy workflow, an unreachable Durable
    backend and unexpected failures all come back as error results that say what went wrong."""
    call = invocation(context)
    try:
        principal = await authorize(call.headers, *roles)
        return tool_result(await body(call, principal))
    except ApiError as exc:
        return tool_result(exc.body(), is_error=True)
    except AuthError as exc:
        message = exc.description if exc.status_code < 500 else "Authentication is unavailable."
        return tool_result({"error": exc.error, "message": message}, is_error=True)
    except DURABLE_TRANSPORT_ERRORS as exc:
        log.warning("Durable backend unreachable in MCP tool %s: %r", call.name, exc)
        unavailable = DurableUnavailableError.about(
            "durable", f"the Durable backend did not answer: {exc!r}"
        )
        return tool_result(unavailable.body(), is_error=True)
    except Exception:
        log.exception("MCP tool %s failed", call.name)
        error = ApiError.about("server", "the tool failed unexpectedly; see the function logs")
        return tool_result(error.body(), is_error=True)
