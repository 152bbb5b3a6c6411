"""How to reach each catalogue agent's MCP server: the `mcp.Client` of its transport
(in process, stdio child process, or streamable HTTP with headers and managed identity)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from azure.core.exceptions import ClientAuthenticationError
from azure.identity.aio import get_bearer_token_provider
from mcp import Client
from mcp.client.session import MessageHandlerFnT
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.server._otel import OpenTelemetryMiddleware
from mcp.server.mcpserver import MCPServer

from core.catalogue import AgentSpec, HttpServer, InProcessServer, StdioServer
from core.catalogue.loader import import_factory
from core.catalogue.model import RemoteEndpoint
from core.catalogue.settings_refs import expand
from core.llm.azure.auth import default_credential
from core.settings import get_settings
from core.telemetry import tracing

IN_PROCESS = "in-process"

ResponseHook = Callable[[httpx2.Response], Awaitable[None]]


class ManagedIdentityTokenError(Exception):
    """The app's managed identity gave no token for a tool server's scope."""

    def __init__(self, scope: str, cause: Exception):
        self.scope = scope
        reason = next((line for line in str(cause).splitlines() if line.strip()), "")
        super().__init__(f"no token of the app's managed identity for {scope}: {reason}")


_servers: dict[str, MCPServer[Any]] = {}
_servers_lock = threading.Lock()
_generation = 0
"""Counts resets, so that sessions with servers built before a reset are not reused."""


def target_of(agent: AgentSpec) -> str:
    """Where the agent's server (or remote A2A agent) is, for messages and cache keys (never
    a secret: headers and environment values are left out)."""
    if agent.a2a is not None:
        return expand(agent.a2a.url)
    server = agent.tool_server
    if isinstance(server, InProcessServer):
        return server.moved_to() or IN_PROCESS
    if isinstance(server, StdioServer):
        return f"stdio:{server.command}"
    return expand(server.url)


def session_target(agent: AgentSpec) -> str:
    """The target, told apart from the same target before a reset of the in-process servers."""
    target = target_of(agent)
    return f"{target}#{_generation}" if target == IN_PROCESS else target


def in_process_server(agent: AgentSpec) -> MCPServer[Any]:
    """The agent's in-process server, built by its factory on first use and shared by every
    session of the process."""
    server = agent.tool_server
    assert isinstance(server, InProcessServer)
    with _servers_lock:
        if agent.id not in _servers:
            _servers[agent.id] = _untraced(import_factory(server.module)())
        return _servers[agent.id]


def _untraced(server: MCPServer[Any]) -> MCPServer[Any]:
    """`server` without the SDK's OpenTelemetry middleware when the process has no tracer
    provider (telemetry off, see `core.telemetry.configure`): its server spans would go
    nowhere, yet it builds one on every call. Dropping it from the middleware list is the
    SDK's way to opt out."""
    if not tracing():
        server.middleware[:] = [
            layer for layer in server.middleware if not isinstance(layer, OpenTelemetryMiddleware)
        ]
    return server


def reset_in_process_servers() -> None:
    """Drop the in-process servers: the next session builds them from the shipped data."""
    global _generation
    with _servers_lock:
        _servers.clear()
        _generation += 1


@asynccontextmanager
async def open_client(
    agent: AgentSpec, timeout: float, on_message: MessageHandlerFnT
) -> AsyncIterator[Client]:
    """An open MCP session with the agent's server; closed (child process stopped, HTTP
    connection released) when the block ends."""
    server = agent.tool_server
    options: dict[str, Any] = {
        "read_timeout_seconds": timeout,
        "cache": None,
        "message_handler": on_message,
    }
    if isinstance(server, InProcessServer) and server.moved_to() is None:
        async with Client(in_process_server(agent), **options) as client:
            yield client
    elif isinstance(server, StdioServer):
        parameters = StdioServerParameters(
            command=expand(server.command),
            args=[expand(arg) for arg in server.args],
            env={name: expand(value) for name, value in server.env.items()} or None,
            cwd=server.cwd,
        )
        async with Client(parameters, **options) as client:
            yield client
    else:
        url = target_of(agent)
        http_server = server if isinstance(server, HttpServer) else None
        headers = await endpoint_headers(http_server) if http_server else {}
        hooks = {"response": [_refusal_check(http_server)]}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=timeout, event_hooks=hooks) as http,
            Client(streamable_http_client(url, http_client=http), **options) as client,
        ):
            yield client


async def endpoint_headers(server: RemoteEndpoint) -> dict[str, str]:
    """The headers of every request to `server`: its own, with settings filled in, and a
    bearer token of the app's managed identity when it asks for one."""
    headers = {name: expand(value) for name, value in server.headers.items()}
    if server.auth is not None:
        # A token is fetched per session; a session outliving it fails with 401 and is
        # reopened with a fresh one.
        scope = server.auth.managed_identity_scope
        credential = default_credential(get_settings().AZURE_CLIENT_ID)
        try:
            async with credential:
                provider = get_bearer_token_provider(credential, scope)
                headers["Authorization"] = f"Bearer {await provider()}"
        except ClientAuthenticationError as exc:
            raise ManagedIdentityTokenError(scope, exc) from exc
    return headers


def _refusal_check(server: HttpServer | None) -> ResponseHook:
    """A response hook that fails a request the server answered with 401 or 403, saying what
    was refused (the SDK would report only "Server returned an error response")."""
    sent = "credentials"
    if server is not None and server.auth is not None:
        sent = f"managed identity token for {server.auth.managed_identity_scope}"

    async def check(response: httpx2.Response) -> None:
        if response.status_code in (401, 403):
            message = (
                f"{response.status_code} {response.reason_phrase}: the server refused the {sent}"
            )
            raise httpx2.HTTPStatusError(message, request=response.request, response=response)

    return check
