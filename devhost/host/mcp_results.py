"""What crosses between the MCP extension and a tool function: the invocation context JSON
it passes as the trigger value, and the rules by which it turns the return value into a
`CallToolResult`.

The Python worker sends `None` as an empty string and any other non-string as `str(value)`.
Without `useResultSchema` the extension answers with that text as one text block. With it, the
value must be a result envelope `{"type", "content", "structuredContent"}`: `call_tool_result`
carries a whole `CallToolResult`, `multi_content_result` a list of content blocks, any other
type one block; `structuredContent` is JSON text. An envelope it cannot read fails the call.
"""

from __future__ import annotations

import json
from typing import Any

CALL_TOOL_RESULT = "call_tool_result"
MULTI_CONTENT_RESULT = "multi_content_result"


class ToolResultError(Exception):
    """Raised when a function's return value is not a result the extension can read."""


def invocation_context(
    name: str,
    arguments: dict[str, Any] | None,
    *,
    transport: str,
    headers: dict[str, str],
    session_id: str | None = None,
    client_info: dict[str, Any] | None = None,
) -> str:
    """The trigger value: `name`, `arguments`, `sessionid`, `clientinfo` and `transport`
    (its name, the `Mcp-Session-Id` header as `sessionId`, the request headers as
    `properties.headers`), with null members left out as the extension writes them."""
    transport_info: dict[str, Any] = {"name": transport}
    header_session = next((v for k, v in headers.items() if k.lower() == "mcp-session-id"), None)
    if header_session:
        transport_info["sessionId"] = header_session
    transport_info["properties"] = {"headers": headers}
    context: dict[str, Any] = {"name": name}
    if arguments is not None:
        context["arguments"] = arguments
    if header_session or session_id:
        context["sessionid"] = header_session or session_id
    if client_info is not None:
        context["clientinfo"] = client_info
    context["transport"] = transport_info
    return json.dumps(context, ensure_ascii=False)


def worker_value(value: Any) -> str:
    """The return value as the Python worker hands it to the host."""
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def _field(envelope: dict[str, Any], name: str) -> Any:
    return next((v for k, v in envelope.items() if k.casefold() == name.casefold()), None)


def _loads(text: Any, what: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ToolResultError(f"{what} is not valid JSON: {exc}") from exc


def _envelope_result(text: str) -> dict[str, Any]:
    envelope = _loads(text, "the result envelope")
    if not isinstance(envelope, dict) or not _field(envelope, "type"):
        raise ToolResultError("the result envelope has no type")
    kind = str(_field(envelope, "type")).casefold()
    content = _field(envelope, "content")
    if kind == CALL_TOOL_RESULT:
        result = _loads(content, "the CallToolResult")
        if not isinstance(result, dict) or not isinstance(result.get("content"), list):
            raise ToolResultError("the CallToolResult has no content list")
        return result
    blocks = _loads(content, "the content")
    blocks = blocks if kind == MULTI_CONTENT_RESULT else [blocks]
    if not isinstance(blocks, list) or not blocks or not all(isinstance(b, dict) for b in blocks):
        raise ToolResultError("no content blocks were produced from the result")
    result = {"content": blocks}
    structured = _field(envelope, "structuredContent")
    if structured:
        result["structuredContent"] = _loads(structured, "the structured content")
    return result


def call_tool_result(value: Any, use_result_schema: bool) -> dict[str, Any]:
    """The `CallToolResult` of a function's return value; ToolResultError when the envelope
    of a `useResultSchema` tool cannot be read."""
    text = worker_value(value)
    if not use_result_schema:
        return {"content": [{"type": "text", "text": text}]}
    return _envelope_result(text)
