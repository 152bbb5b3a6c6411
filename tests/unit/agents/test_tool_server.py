"""What every agent tool server does whatever its domain: unknown tools and prompts are
`-32602` protocol errors (the MCP spec's error handling), and over HTTP its event streams
carry ids and a `retry` delay, so a client that lost a response resumes it with
`Last-Event-ID`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS

from agents.customer_support.server import create_server as customer_support_server
from agents.enterprise.server import create_server as enterprise_server
from agents.smart_city.server import create_server as smart_city_server
from tests.services import agent_tool_server

SERVERS = {
    "customer-support": customer_support_server,
    "smart-city": smart_city_server,
    "enterprise": enterprise_server,
}
ACCEPT = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
VERSION = "2025-11-25"


@pytest.mark.parametrize("agent_id", sorted(SERVERS))
async def test_an_unknown_tool_is_an_invalid_params_error(agent_id: str) -> None:
    async with Client(SERVERS[agent_id]()) as client:
        with pytest.raises(MCPError) as unknown:
            await client.call_tool("delete_everything", {})
    assert unknown.value.code == INVALID_PARAMS
    assert unknown.value.error.message == "Unknown tool: delete_everything"


@pytest.mark.parametrize("agent_id", sorted(SERVERS))
async def test_an_unknown_prompt_is_an_invalid_params_error(agent_id: str) -> None:
    async with Client(SERVERS[agent_id]()) as client:
        with pytest.raises(MCPError) as unknown:
            await client.get_prompt("no_such_prompt")
    assert unknown.value.code == INVALID_PARAMS
    assert unknown.value.error.message == "Unknown prompt: no_such_prompt"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """The customer-support tool server run standalone."""
    with agent_tool_server("agents.customer_support.server") as url:
        yield url


def events(text: str) -> list[dict[str, str]]:
    """The server-sent events of a stream body, each as its fields."""
    parsed = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        fields = {}
        for line in block.split("\n"):
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        parsed.append(fields)
    return parsed


def session(url: str) -> dict[str, str]:
    """Headers of an initialized session."""
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": VERSION,
            "capabilities": {},
            "clientInfo": {"name": "tool-server-test", "version": "0"},
        },
    }
    answer = httpx.post(url, json=initialize, headers=ACCEPT)
    headers = {
        **ACCEPT,
        "mcp-session-id": answer.headers["mcp-session-id"],
        "mcp-protocol-version": VERSION,
    }
    initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    assert httpx.post(url, json=initialized, headers=headers).status_code == 202
    return headers


def get_ticket(request_id: int) -> dict[str, Any]:
    params = {"name": "get_ticket", "arguments": {"ticket_id": "TCK-10001"}}
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def test_response_streams_carry_event_ids_and_retry(endpoint: str) -> None:
    answer = httpx.post(endpoint, json=get_ticket(2), headers=session(endpoint))
    assert answer.headers["content-type"].startswith("text/event-stream")
    priming, reply = events(answer.text)
    assert priming["id"]
    assert (priming["retry"], priming["data"]) == ("1000", "")
    assert reply["id"]
    assert reply["id"] != priming["id"]
    assert json.loads(reply["data"])["result"]["structuredContent"]["ticket_id"] == "TCK-10001"


def test_a_lost_response_is_resumed_with_last_event_id(endpoint: str) -> None:
    headers = session(endpoint)
    with (
        httpx.Client(timeout=30) as client,
        client.stream("POST", endpoint, json=get_ticket(3), headers=headers) as first,
    ):
        priming = events(next(first.iter_text()))[0]
    resume = {**headers, "accept": "text/event-stream", "last-event-id": priming["id"]}
    with (
        httpx.Client(timeout=30) as client,
        client.stream("GET", endpoint, headers=resume) as resumed,
    ):
        assert resumed.status_code == 200
        replayed = events(next(resumed.iter_text()))
    message = json.loads(replayed[0]["data"])
    assert message["id"] == 3
    assert message["result"]["structuredContent"]["ticket_id"] == "TCK-10001"
