"""The MCP server the extension runs over the app's tools: JSON-RPC requests in, results or
errors out, whatever the transport.

Like the extension it offers tools (and empty resource and prompt lists, which it also
declares), checks required arguments before calling a function (`-32602` naming the missing
ones), answers an unknown tool with `-32602`, an unknown method with `-32601`, and turns a
failed function into an error result `An error occurred invoking '<tool>'.`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from devhost.host.invoker import Invoker
from devhost.host.mcp_registry import McpTool
from devhost.host.mcp_results import ToolResultError, call_tool_result, invocation_context
from devhost.host.mcp_settings import McpSettings

logger = logging.getLogger("devhost.mcp")

PROTOCOL_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
"""The versions the extension's MCP SDK negotiates; the newest is offered by default."""

INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603


class McpProtocolError(Exception):
    """A JSON-RPC error answer."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass
class McpSession:
    """One client's view of the server: its transport, session id and, once it said who it
    is in `initialize`, its client info (legacy SSE sessions only: a streamable HTTP request
    starts a fresh stateless session, so the extension never has it there)."""

    transport: str
    session_id: str | None = None
    client_info: dict[str, Any] | None = None


def error_message(request_id: Any, code: int, message: str) -> dict[str, Any]:
    """A JSON-RPC error response."""
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


class McpServer:
    """Answers MCP requests with the app's tools."""

    def __init__(self, settings: McpSettings, tools: dict[str, McpTool], invoker: Invoker) -> None:
        self.settings = settings
        self.tools = tools
        self._invoker = invoker

    async def handle(
        self, message: dict[str, Any], session: McpSession, headers: dict[str, str]
    ) -> dict[str, Any] | None:
        """The response to a request; None for a notification or a client's response."""
        method = message.get("method")
        if message.get("id") is None or "result" in message or "error" in message:
            return None
        request_id = message["id"]
        if not isinstance(method, str) or not method:
            return error_message(request_id, INVALID_REQUEST, "Invalid request: no method.")
        params = message.get("params")
        try:
            if params is not None and not isinstance(params, dict):
                raise McpProtocolError(INVALID_PARAMS, "Invalid params: params must be an object.")
            result = await self._dispatch(method, params or {}, session, headers)
        except McpProtocolError as exc:
            return error_message(request_id, exc.code, exc.message)
        return {"jsonrpc": "2.0", "id": request_id, "result": result}

    async def _dispatch(
        self, method: str, params: dict[str, Any], session: McpSession, headers: dict[str, str]
    ) -> dict[str, Any]:
        if method == "initialize":
            return self._initialize(params, session)
        if method == "ping":
            return {}
        if method == "tools/list":
            return {"tools": [tool.descriptor() for tool in self.tools.values()]}
        if method == "tools/call":
            return await self._call(params, session, headers)
        if method in _EMPTY_LISTS:
            return {_EMPTY_LISTS[method]: []}
        if method == "resources/read":
            raise McpProtocolError(INVALID_PARAMS, f"Unknown resource: '{params.get('uri')}'")
        if method == "prompts/get":
            raise McpProtocolError(INVALID_PARAMS, f"Unknown prompt: '{params.get('name')}'")
        raise McpProtocolError(METHOD_NOT_FOUND, f"Method '{method}' is not available.")

    def _initialize(self, params: dict[str, Any], session: McpSession) -> dict[str, Any]:
        info = params.get("clientInfo")
        session.client_info = info if isinstance(info, dict) else None
        requested = params.get("protocolVersion")
        version = requested if requested in PROTOCOL_VERSIONS else PROTOCOL_VERSIONS[-1]
        result: dict[str, Any] = {
            "protocolVersion": version,
            "capabilities": {"tools": {}, "resources": {}, "prompts": {}},
            "serverInfo": {
                "name": self.settings.server_name,
                "version": self.settings.server_version,
            },
        }
        if self.settings.instructions:
            result["instructions"] = self.settings.instructions
        return result

    async def _call(
        self, params: dict[str, Any], session: McpSession, headers: dict[str, str]
    ) -> dict[str, Any]:
        name = params.get("name")
        tool = self.tools.get(str(name).casefold()) if isinstance(name, str) else None
        if tool is None:
            raise McpProtocolError(INVALID_PARAMS, f"Unknown tool: '{name or ''}'")
        arguments = params.get("arguments")
        if arguments is not None and not isinstance(arguments, dict):
            raise McpProtocolError(INVALID_PARAMS, "Invalid params: arguments must be an object.")
        missing = tool.missing(arguments)
        if missing:
            raise McpProtocolError(
                INVALID_PARAMS,
                "One or more required tool properties are missing values. "
                f"Please provide: {', '.join(missing)}",
            )
        context = invocation_context(
            tool.name,
            arguments,
            transport=session.transport,
            headers=headers,
            session_id=session.session_id,
            client_info=session.client_info,
        )
        try:
            invocation = await self._invoker.invoke(tool.function, context)
            return call_tool_result(invocation.result, tool.use_result_schema)
        except ToolResultError as exc:
            logger.error("Executed 'Functions.%s' (Failed): %s", tool.function.name, exc)
        except Exception:
            logger.exception("Executed 'Functions.%s' (Failed)", tool.function.name)
        text = f"An error occurred invoking '{tool.name}'."
        return {"content": [{"type": "text", "text": text}], "isError": True}


_EMPTY_LISTS = {
    "resources/list": "resources",
    "resources/templates/list": "resourceTemplates",
    "prompts/list": "prompts",
}
