"""Calling the app's MCP tools over streamable HTTP as a signed-in person, JSON-RPC by hand
(the way any client's requests arrive), counting each HTTP answer in the ledger."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.apphost import AppHost
from tests.integration.test_mcp_tools import ACCEPT, INITIALIZE
from tests.security.conftest import LEDGER, MCP_KEY, MCP_PATH, Person


def rpc_answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC message of an answer sent as JSON or as one server-sent event."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
        return dict(json.loads(data[-1]))
    return dict(response.json())


class McpSession:
    """One MCP session of `person` on the host."""

    def __init__(self, host: AppHost, person: Person) -> None:
        headers = {**ACCEPT, "x-functions-key": MCP_KEY, "authorization": f"Bearer {person.token()}"}
        self.http = httpx.Client(
            base_url=host.url, headers=headers, timeout=60, event_hooks={"response": [LEDGER.saw]}
        )
        opened = self.http.post(MCP_PATH, json=INITIALIZE)
        assert opened.status_code == 200, opened.text
        self.http.headers["mcp-session-id"] = opened.headers["mcp-session-id"]
        self.next_id = 2

    def call(self, tool: str, arguments: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON-RPC message of one `tools/call`."""
        self.next_id += 1
        request = {
            "jsonrpc": "2.0",
            "id": self.next_id,
            "method": "tools/call",
            "params": {"name": tool, "arguments": arguments},
        }
        # ASCII JSON, so a lone surrogate travels as its escape, as a client would send it.
        answer = self.http.post(MCP_PATH, content=json.dumps(request))
        return answer.status_code, rpc_answer(answer) if answer.content else {}

    def close(self) -> None:
        self.http.close()


def call_tool(host: AppHost, person: Person, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The result of one tool call (`isError`, `structuredContent`)."""
    session = McpSession(host, person)
    try:
        status, message = session.call(tool, arguments)
    finally:
        session.close()
    assert status == 200, message
    assert "result" in message, message
    return dict(message["result"])
