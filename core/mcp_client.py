"""The MCP client of the catalogue agents' tool servers, used by the `mcp_tool` activity.

Each agent's server is reached the way the catalogue says (in process, a stdio child
process, or streamable HTTP), through one session per server per event loop, opened on
first use and reused by every call (`core.mcp_sessions`). A session that fails is closed
and reopened, and a call that is safe to repeat (read-only, or a write with its
idempotency key) is tried once more on the new session. Tool lists are cached per server
until it says they changed (`notifications/tools/list_changed`, or an event on the
session's `subscriptions/listen` stream from 2026-07-28 on), and narrowed to the catalogue's
`tools.allow`. Every exchange is bounded by `MCP_TOOL_TIMEOUT_SECONDS`.

A remote A2A agent (`a2a:`) has no MCP server: its one tool is `send_message`, listed from its
agent card (so listing it checks that it answers) and called only by `agent_run`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import anyio
import httpx2
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import CONNECTION_CLOSED, REQUEST_TIMEOUT, CallToolResult, TextContent, Tool
from pydantic import BaseModel, Field

from core.catalogue import AgentSpec, get_catalogue
from core.catalogue import UnknownAgentError as UnknownCatalogueAgentError
from core.mcp_sessions import SessionKey, SessionPool
from core.mcp_transports import reset_in_process_servers, target_of
from core.remote_agents import SEND_MESSAGE, RemoteAgentError, describe
from core.settings import get_settings

T = TypeVar("T")

IDEMPOTENCY_KEY = "idempotency_key"

_TRANSPORT_ERRORS = (
    httpx2.TransportError,
    httpx2.HTTPStatusError,
    OSError,
    TimeoutError,
    anyio.ClosedResourceError,
    anyio.BrokenResourceError,
    anyio.EndOfStream,
)


class ToolSpec(BaseModel):
    """A tool of an agent, as the model sees it.

    `input_schema` leaves out `idempotency_key`: `call_tool` supplies it to write tools.
    """

    name: str
    description: str
    input_schema: dict[str, Any]
    read_only: bool = Field(description="False for tools that change data and take a key.")


class ToolCallResult(BaseModel):
    """The outcome of one tool call: structured content, or the tool's error text."""

    agent_id: str
    tool: str
    structured: dict[str, Any] | None = None
    text: str = ""
    is_error: bool = False
    error: str | None = None


class ToolClientError(Exception):
    """Base of the errors of the MCP client."""


class UnknownAgentError(ToolClientError):
    """Raised when the catalogue has no agent of the requested id."""

    def __init__(self, agent_id: str, known: list[str]):
        self.agent_id = agent_id
        super().__init__(f"agent_id: no agent '{agent_id}'; known agents: {', '.join(known)}")


class UnknownToolError(ToolClientError):
    """Raised when an agent's tool server has no tool of the requested name."""

    def __init__(self, agent_id: str, tool: str, known: list[str]):
        self.agent_id = agent_id
        self.tool = tool
        super().__init__(
            f"tool: agent '{agent_id}' has no tool '{tool}'; its tools: {', '.join(known)}"
        )


class ToolServerUnavailableError(ToolClientError):
    """Raised when an agent's tool server cannot be reached or does not answer in time.

    A retry is safe: write tools are idempotent by their key.
    """

    def __init__(self, agent_id: str, target: str, reason: str):
        self.agent_id = agent_id
        self.target = target
        self.reason = reason
        super().__init__(f"tool server of agent '{agent_id}' ({target}) is unavailable: {reason}")


_tool_cache: dict[SessionKey, list[ToolSpec]] = {}


def _tools_changed(key: SessionKey) -> None:
    _tool_cache.pop(key, None)


_pool = SessionPool(on_tools_changed=_tools_changed)


async def list_tools(agent_id: str, *, fresh: bool = False) -> list[ToolSpec]:
    """The tools of an agent's server, in the server's order; cached per server target
    unless `fresh`, which asks the server again (a reachability check)."""
    return list(await _tools(_definition(agent_id), fresh=fresh))


async def call_tool(
    agent_id: str,
    tool: str,
    arguments: Mapping[str, Any],
    *,
    idempotency_key: str | None = None,
) -> ToolCallResult:
    """Call one tool of an agent with `arguments`; a write tool gets `idempotency_key`,
    which takes precedence over one in `arguments`.

    A tool's own failure (bad arguments, unknown record, broken business rule) comes back
    as a result with `is_error` set, so the model can read it and correct itself.
    Raises UnknownAgentError, UnknownToolError or ToolServerUnavailableError, and
    ToolClientError for a remote A2A agent.
    """
    definition = _server_of(agent_id)
    return await _call(definition, await _find_tool(definition, tool), arguments, idempotency_key)


async def call_found_tool(
    agent_id: str,
    spec: ToolSpec,
    arguments: Mapping[str, Any],
    *,
    idempotency_key: str | None = None,
) -> ToolCallResult:
    """`call_tool` of the tool `find_tool` returned as `spec`, without looking it up again."""
    return await _call(_server_of(agent_id), spec, arguments, idempotency_key)


def _server_of(agent_id: str) -> AgentSpec:
    """The agent, which must have an MCP server (not be a remote A2A agent)."""
    definition = _definition(agent_id)
    if definition.a2a is not None:
        raise ToolClientError(
            f"agent '{agent_id}' is a remote A2A agent: a coordinator run sends it its task"
        )
    return definition


async def _call(
    definition: AgentSpec,
    spec: ToolSpec,
    arguments: Mapping[str, Any],
    idempotency_key: str | None,
) -> ToolCallResult:
    agent_id, tool = definition.id, spec.name
    properties = spec.input_schema.get("properties", {})
    unknown = sorted(set(arguments) - set(properties) - {IDEMPOTENCY_KEY})
    if unknown:
        # The server would silently drop an unknown (say misspelt) filter and answer anyway.
        expected = ", ".join(properties) or "none"
        message = f"{unknown[0]}: unknown argument of {tool}; expected: {expected}"
        return ToolCallResult(agent_id=agent_id, tool=tool, is_error=True, error=message)
    sent = dict(arguments)
    keyed = not spec.read_only and idempotency_key is not None
    if keyed:
        sent[IDEMPOTENCY_KEY] = idempotency_key

    async def call(client: Client) -> CallToolResult:
        return await client.call_tool(tool, sent)

    try:
        result = await _exchange(definition, call, repeatable=spec.read_only or keyed)
    except MCPError as exc:
        error = f"MCP error {exc.code}: {exc.message}"
        return ToolCallResult(agent_id=agent_id, tool=tool, is_error=True, error=error)
    return _result(agent_id, tool, result)


def reset_servers() -> None:
    """Drop the in-process tool servers and cached tool lists: the next call starts from
    the shipped data again."""
    reset_in_process_servers()
    _tool_cache.clear()


def sessions_opened() -> int:
    """How many MCP sessions this process has opened (each one an `initialize`)."""
    return _pool.opened


async def close_sessions() -> None:
    """Close this event loop's sessions (child processes stop, connections close)."""
    await _pool.close_all()


async def find_tool(agent_id: str, tool: str) -> ToolSpec:
    """The tool's spec, refreshing a cached tool list once before giving up on the name.
    Raises UnknownAgentError, UnknownToolError or ToolServerUnavailableError."""
    return await _find_tool(_definition(agent_id), tool)


async def _find_tool(definition: AgentSpec, tool: str) -> ToolSpec:
    for attempt in range(2):
        specs = await _tools(definition)
        found = next((s for s in specs if s.name == tool), None)
        if found is not None:
            return found
        if attempt == 0:
            _tool_cache.pop(SessionPool.key_of(definition), None)
    raise UnknownToolError(definition.id, tool, [s.name for s in specs])


async def _tools(definition: AgentSpec, *, fresh: bool = False) -> list[ToolSpec]:
    """The agent's tool list: the cached one itself (not a copy) unless `fresh`."""
    if definition.a2a is not None:
        return [await _remote_tool(definition)]
    key = SessionPool.key_of(definition)
    cached = None if fresh else _tool_cache.get(key)
    if cached is None:
        tools = await _exchange(definition, _fetch_tools, repeatable=True)
        allowed = definition.tools.allow
        cached = [_spec(tool) for tool in tools if allowed is None or tool.name in allowed]
        _tool_cache[key] = cached
    return cached


_REMOTE_INPUT = {
    "type": "object",
    "properties": {"text": {"type": "string", "description": "The sub-task, in words."}},
    "required": ["text"],
}


async def _remote_tool(definition: AgentSpec) -> ToolSpec:
    """The one tool of a remote A2A agent, described by its agent card (read now)."""
    try:
        card = await describe(definition.id)
    except RemoteAgentError as exc:
        raise ToolServerUnavailableError(definition.id, target_of(definition), exc.reason) from exc
    return ToolSpec(
        name=SEND_MESSAGE,
        description=f"Send the remote A2A agent its sub-task. {card}",
        input_schema=_REMOTE_INPUT,
        read_only=False,
    )


def _definition(agent_id: str) -> AgentSpec:
    try:
        return get_catalogue().get(agent_id)
    except UnknownCatalogueAgentError as exc:
        raise UnknownAgentError(agent_id, exc.known) from None


async def _exchange(
    definition: AgentSpec, work: Callable[[Client], Awaitable[T]], *, repeatable: bool
) -> T:
    """Run `work` in the agent's session, mapping transport failures (refused, reset, timed
    out, not an MCP endpoint) to ToolServerUnavailableError. A session that fails is closed;
    `repeatable` work that failed on an open session is tried once more on a new one."""
    try:
        return await _attempt(definition, work)
    except _SessionBroke as broke:
        if not repeatable:
            raise broke.error from broke
    try:
        return await _attempt(definition, work)
    except _SessionBroke as broke:
        raise broke.error from broke


class _SessionBroke(Exception):
    """A reused session failed under a request (the server restarted and forgot it, the
    process died); `error` is what the caller sees if the request is not tried again."""

    def __init__(self, error: Exception):
        self.error = error
        super().__init__(str(error))


async def _attempt(definition: AgentSpec, work: Callable[[Client], Awaitable[T]]) -> T:
    timeout = get_settings().MCP_TOOL_TIMEOUT_SECONDS
    try:
        client, reused = await _pool.client(definition, timeout)
    except Exception as exc:
        reason = f"no answer within {timeout:g} s" if isinstance(exc, TimeoutError) else None
        error = ToolServerUnavailableError(
            definition.id, target_of(definition), reason or _describe(exc)
        )
        raise error from exc
    try:
        with anyio.fail_after(timeout):
            return await work(client)
    except Exception as exc:
        if isinstance(exc, TimeoutError):
            reason = f"no answer within {timeout:g} s"
        elif _is_transport_failure(exc):
            reason = _describe(exc)
        elif reused and isinstance(_single(exc), MCPError):
            # A server that restarted rejects the old session id, some with a plain 400.
            await _pool.discard(definition)
            raise _SessionBroke(_single(exc)) from exc  # type: ignore[arg-type]
        else:
            raise _single(exc) from None
        await _pool.discard(definition)
        error = ToolServerUnavailableError(definition.id, target_of(definition), reason)
        raise _SessionBroke(error) from exc


async def _fetch_tools(client: Client) -> list[Tool]:
    tools: list[Tool] = []
    cursor: str | None = None
    while True:
        page = await client.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if cursor is None:
            return tools


def _spec(tool: Tool) -> ToolSpec:
    schema = dict(tool.input_schema)
    properties = dict(schema.get("properties", {}))
    writes = properties.pop(IDEMPOTENCY_KEY, None) is not None
    schema["properties"] = properties
    if "required" in schema:
        schema["required"] = [name for name in schema["required"] if name != IDEMPOTENCY_KEY]
    read_only = bool(tool.annotations and tool.annotations.read_only_hint) and not writes
    return ToolSpec(
        name=tool.name,
        description=tool.description or "",
        input_schema=schema,
        read_only=read_only,
    )


def _result(agent_id: str, tool: str, result: CallToolResult) -> ToolCallResult:
    text = "\n".join(block.text for block in result.content if isinstance(block, TextContent))
    if result.is_error:
        error = text or "the tool failed without a message"
        return ToolCallResult(agent_id=agent_id, tool=tool, text=text, is_error=True, error=error)
    content = result.structured_content
    structured = content if isinstance(content, dict) else None
    return ToolCallResult(agent_id=agent_id, tool=tool, structured=structured, text=text)


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _single(exc: BaseException) -> BaseException:
    """The one error inside task-group wrappers, or the group itself if it holds several."""
    leaves = _leaves(exc)
    return leaves[0] if len(leaves) == 1 else exc


def _is_transport_failure(exc: BaseException) -> bool:
    for leaf in _leaves(exc):
        if isinstance(leaf, MCPError):
            if leaf.code not in (CONNECTION_CLOSED, REQUEST_TIMEOUT):
                return False
        elif not isinstance(leaf, _TRANSPORT_ERRORS):
            return False
    return True


def _describe(exc: BaseException) -> str:
    leaf = _single(exc)
    return f"{type(leaf).__name__}: {leaf}" if str(leaf) else type(leaf).__name__
