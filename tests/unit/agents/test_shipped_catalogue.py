"""The shipped agents.yaml: the three seed agents, their routing keywords, tool servers and
self-tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mcp import Client

from core.catalogue import AgentSpec, InProcessServer
from core.catalogue.loader import import_factory, load_catalogue_file

ROOT = Path(__file__).parents[3]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
AGENTS = load_catalogue_file(ROOT / "agents.yaml", environ={})
IDS = [agent.id for agent in AGENTS]


def server_of(agent: AgentSpec) -> object:
    assert isinstance(agent.mcp, InProcessServer)
    return import_factory(agent.mcp.module)()


def test_catalogue_holds_the_three_seed_agents_in_order():
    assert IDS == ["customer-support", "smart-city", "enterprise"]


@pytest.mark.parametrize("agent", AGENTS, ids=IDS)
def test_each_agent_routes_on_english_and_japanese_keywords(agent):
    assert any(JAPANESE.search(k) for k in agent.keywords)
    assert any(k.isascii() for k in agent.keywords)


def test_no_keyword_routes_to_two_agents():
    seen: dict[str, str] = {}
    for agent in AGENTS:
        for keyword in agent.keywords:
            assert keyword not in seen, f"{keyword!r} is a keyword of {seen.get(keyword)}"
            seen[keyword] = agent.id


@pytest.mark.parametrize("agent", AGENTS, ids=IDS)
async def test_each_tool_server_has_tools_and_keys_exactly_its_writes(agent):
    async with Client(server_of(agent)) as client:
        tools = (await client.list_tools()).tools

    assert len(tools) >= 4
    for tool in tools:
        assert tool.description
        assert tool.output_schema is not None
        takes_key = "idempotency_key" in tool.input_schema["properties"]
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is not takes_key
        if takes_key:
            assert "idempotency_key" in tool.input_schema["required"]


@pytest.mark.parametrize("agent", AGENTS, ids=IDS)
async def test_each_self_test_is_a_read_only_call_that_finds_records(agent):
    assert agent.self_test is not None
    async with Client(server_of(agent)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        result = await client.call_tool(agent.self_test.tool, dict(agent.self_test.arguments))

    assert tools[agent.self_test.tool].annotations.read_only_hint is True
    assert not result.is_error
    assert isinstance(result.structured_content, dict)
    assert any(result.structured_content.values())


@pytest.mark.parametrize("agent", [a for a in AGENTS if a.sweep], ids=lambda a: a.id)
async def test_each_sweep_query_fills_in_from_the_items_its_tool_returns(agent):
    sweep = agent.sweep
    async with Client(server_of(agent)) as client:
        result = await client.call_tool(sweep.tool, dict(sweep.arguments))

    items = result.structured_content[sweep.items]
    assert items
    query = sweep.query.format_map(items[0])
    assert str(items[0][sweep.key]) in query
