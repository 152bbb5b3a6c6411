"""Tool results checked by the compiled validator: a session given `validate_quickly` accepts
and refuses the same results as the SDK's own check, with the SDK's error messages, and
follows a tool's schema when a new listing changes it. The server is a real MCP server in
process whose tool returns the structured content each test gives it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import jsonschema.exceptions
import mcp_types as types
import pytest
from mcp import Client
from mcp.server.lowlevel import Server

from core.mcp_result_validation import compile_schema, validate_quickly

RECORDS = {
    "type": "object",
    "properties": {
        "total": {"type": "integer"},
        "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
    },
    "required": ["total", "items"],
    "$defs": {
        "Item": {
            "type": "object",
            "properties": {"id": {"type": "string", "pattern": "^IT-\\d{3}$"}},
            "required": ["id"],
        }
    },
}
VALID = {"total": 2, "items": [{"id": "IT-001"}, {"id": "IT-002"}]}
INVALID = {"total": 2, "items": [{"id": "IT-001"}, {"id": "nope"}]}


class ToolServer:
    """One tool, `records`, declaring `schema` and returning `content`."""

    def __init__(self) -> None:
        self.schema: dict[str, Any] = RECORDS
        self.content: Any = VALID
        self.server = Server("records", on_list_tools=self._list, on_call_tool=self._call)

    async def _list(self, ctx: Any, params: Any) -> types.ListToolsResult:
        tool = types.Tool(
            name="records",
            input_schema={"type": "object"},
            output_schema=self.schema,
        )
        return types.ListToolsResult(tools=[tool])

    async def _call(self, ctx: Any, params: Any) -> types.CallToolResult:
        return types.CallToolResult(content=[], structured_content=self.content)


@pytest.fixture
def tool_server() -> ToolServer:
    return ToolServer()


CHECKS = ["sdk", "compiled"]
"""A session with the SDK's check alone, and one given the compiled validator: every test
sees the same outcome from both."""


@asynccontextmanager
async def session(tool_server: ToolServer, check: str) -> AsyncIterator[Client]:
    """An open session with the tool listed, checking results as `check` says."""
    async with Client(tool_server.server, cache=None) as opened:
        if check == "compiled":
            validate_quickly(opened.session)
        await opened.list_tools()
        yield opened


@pytest.mark.parametrize("check", CHECKS)
async def test_a_result_that_matches_the_schema_comes_back(
    tool_server: ToolServer, check: str
) -> None:
    async with session(tool_server, check) as client:
        result = await client.call_tool("records", {})
    assert result.structured_content == VALID


@pytest.mark.parametrize("check", CHECKS)
async def test_a_result_that_breaks_the_schema_is_refused_naming_the_tool_and_the_value(
    tool_server: ToolServer, check: str
) -> None:
    tool_server.content = INVALID
    async with session(tool_server, check) as client:
        with pytest.raises(RuntimeError) as refused:
            await client.call_tool("records", {})
    assert str(refused.value).startswith("Invalid structured content returned by tool records:")
    assert "'nope' does not match" in str(refused.value)


@pytest.mark.parametrize("check", CHECKS)
async def test_a_result_without_structured_content_is_refused(
    tool_server: ToolServer, check: str
) -> None:
    tool_server.content = None
    async with session(tool_server, check) as client:
        with pytest.raises(RuntimeError, match="did not return structured content"):
            await client.call_tool("records", {})


@pytest.mark.parametrize("check", CHECKS)
async def test_a_changed_schema_applies_once_the_tools_are_listed_again(
    tool_server: ToolServer, check: str
) -> None:
    text_total = {"total": {"type": "string"}, "items": {"type": "array"}}
    async with session(tool_server, check) as client:
        assert (await client.call_tool("records", {})).structured_content == VALID
        tool_server.schema = {**RECORDS, "properties": text_total}
        await client.list_tools()
        with pytest.raises(RuntimeError, match="Invalid structured content returned by tool"):
            await client.call_tool("records", {})


async def test_a_tool_not_listed_yet_is_listed_before_its_result_is_checked(
    tool_server: ToolServer,
) -> None:
    tool_server.content = INVALID
    async with Client(tool_server.server, cache=None) as fresh:
        validate_quickly(fresh.session)
        with pytest.raises(RuntimeError, match="Invalid structured content"):
            await fresh.call_tool("records", {})


def test_formats_are_not_checked_and_remote_references_are_not_fetched() -> None:
    email = compile_schema({"type": "string", "format": "email"})
    assert email is not None
    assert email.is_valid("not an email")
    assert compile_schema({"$ref": "https://example.com/schema.json"}) is None


async def test_a_matching_result_is_accepted_without_the_sdk_check(
    tool_server: ToolServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with session(tool_server, "compiled") as client:
        # The SDK's check reads this at call time; the compiled validator never does.
        monkeypatch.setattr(jsonschema.exceptions, "best_match", None)
        result = await client.call_tool("records", {})
    assert result.structured_content == VALID
