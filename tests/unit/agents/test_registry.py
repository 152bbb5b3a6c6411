"""The agent catalog: identities, routing keywords, prompts, tool servers and self-tests."""

from __future__ import annotations

import re

import pytest
from mcp import Client

from agents.definition import AgentDefinition, SelfTest
from agents.registry import AGENTS
from core.settings import Settings

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_catalog_holds_the_three_specialists_keyed_by_id():
    assert list(AGENTS) == ["customer-support", "smart-city", "enterprise"]
    assert all(agent.id == agent_id for agent_id, agent in AGENTS.items())


@pytest.mark.parametrize("agent", AGENTS.values(), ids=list(AGENTS))
def test_each_agent_routes_on_english_and_japanese_keywords(agent):
    assert any(JAPANESE.search(k) for k in agent.keywords)
    assert any(k.isascii() for k in agent.keywords)
    assert len(set(agent.keywords)) == len(agent.keywords)


def test_no_keyword_routes_to_two_agents():
    seen: dict[str, str] = {}
    for agent in AGENTS.values():
        for keyword in agent.keywords:
            assert keyword not in seen, f"{keyword!r} is a keyword of {seen.get(keyword)}"
            seen[keyword] = agent.id


@pytest.mark.parametrize("agent", AGENTS.values(), ids=list(AGENTS))
def test_each_agent_names_an_existing_url_setting(agent):
    assert agent.server_url_setting in Settings.model_fields


@pytest.mark.parametrize("agent", AGENTS.values(), ids=list(AGENTS))
async def test_each_tool_server_has_tools_and_keys_exactly_its_writes(agent):
    async with Client(agent.server_factory()) as client:
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


@pytest.mark.parametrize("agent", AGENTS.values(), ids=list(AGENTS))
async def test_each_self_test_is_a_read_only_call_that_succeeds(agent):
    async with Client(agent.server_factory()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        result = await client.call_tool(agent.self_test.tool, dict(agent.self_test.arguments))

    assert tools[agent.self_test.tool].annotations.read_only_hint is True
    assert not result.is_error
    assert isinstance(result.structured_content, dict)


def test_agent_definition_validates_its_id():
    with pytest.raises(ValueError, match="id must be lower-case kebab-case"):
        AgentDefinition(
            id="Customer Support",
            display_name="x",
            description="x",
            keywords=("x",),
            role_prompt="x",
            server_factory=AGENTS["enterprise"].server_factory,
            server_url_setting="MCP_ENTERPRISE_URL",
            self_test=SelfTest(tool="x", arguments={}, description="x"),
        )
