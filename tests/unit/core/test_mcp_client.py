"""The MCP client of the agents' tool servers: in process, over streamable HTTP against a
real standalone server, and against servers that are down or silent."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from core import mcp_client
from core.catalogue import InProcessServer, get_catalogue
from core.mcp_client import (
    ToolCallResult,
    ToolServerUnavailableError,
    UnknownAgentError,
    UnknownToolError,
    call_tool,
    list_tools,
)
from core.settings import get_settings

REPO = Path(__file__).parents[3]
RESERVE = {"sku": "SKU-10052", "warehouse": "TKY-01", "quantity": 3, "reference": "SO-2025-77"}

SetUrl = Callable[[str, str], None]
AGENTS = get_catalogue().ids


def url_setting(agent_id: str) -> str:
    server = get_catalogue().get(agent_id).mcp
    assert isinstance(server, InProcessServer)
    assert server.url_setting
    return server.url_setting


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def in_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with in-process servers over the shipped data."""
    for agent_id in AGENTS:
        monkeypatch.delenv(url_setting(agent_id), raising=False)
    get_settings.cache_clear()
    mcp_client.reset_servers()
    yield
    get_settings.cache_clear()
    mcp_client.reset_servers()


@pytest.fixture
def set_url(monkeypatch: pytest.MonkeyPatch) -> SetUrl:
    """Point one agent at a streamable HTTP URL."""

    def set_url(agent_id: str, url: str) -> None:
        monkeypatch.setenv(url_setting(agent_id), url)
        get_settings.cache_clear()

    return set_url


@pytest.fixture(scope="module")
def standalone_urls() -> Iterator[dict[str, str]]:
    """Every agent's server run standalone, as documented, each on a free loopback port."""
    ports = {agent_id: free_port() for agent_id in AGENTS}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                f"agents.{agent_id.replace('-', '_')}.server",
                "--port",
                str(port),
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for agent_id, port in ports.items()
    ]
    try:
        for process, port in zip(processes, ports.values(), strict=True):
            wait_until_healthy(process, f"http://127.0.0.1:{port}/health")
        yield {agent_id: f"http://127.0.0.1:{port}/mcp" for agent_id, port in ports.items()}
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def wait_until_healthy(process: subprocess.Popen[bytes], health_url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            if httpx.get(health_url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not start within 30 s"
        time.sleep(0.1)


@pytest.fixture
def smart_city_url(standalone_urls: dict[str, str]) -> str:
    return standalone_urls["smart-city"]


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A loopback port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/mcp"


async def available(sku: str, warehouse: str) -> int:
    result = await call_tool("enterprise", "check_inventory", {"sku": sku, "warehouse": warehouse})
    assert result.structured is not None
    return int(result.structured["items"][0]["stock"][0]["available"])


@pytest.mark.parametrize("agent_id", list(AGENTS))
async def test_list_tools_describes_every_tool_with_its_argument_schema(agent_id):
    specs = await list_tools(agent_id)

    assert len(specs) >= 4
    for spec in specs:
        assert spec.description
        assert spec.input_schema["type"] == "object"
        assert "idempotency_key" not in spec.input_schema["properties"]
        assert "idempotency_key" not in spec.input_schema.get("required", [])
    assert any(not spec.read_only for spec in specs), "each agent has a write tool"


async def test_list_tools_marks_only_write_tools_as_not_read_only():
    specs = {s.name: s for s in await list_tools("customer-support")}

    assert specs["update_ticket"].read_only is False
    assert specs["search_tickets"].read_only is True
    assert set(specs["update_ticket"].input_schema["required"]) == {"ticket_id"}


async def test_call_tool_returns_structured_content():
    result = await call_tool("customer-support", "get_order", {"order_id": "ORD-2025-00042"})

    assert result.is_error is False
    assert result.error is None
    assert result.structured is not None
    assert result.structured["order_id"] == "ORD-2025-00042"
    assert "ORD-2025-00042" in result.text


async def test_call_tool_returns_tool_failures_as_errors_naming_the_field():
    invalid = await call_tool("smart-city", "get_sensor_readings", {"sensor_id": "x"})
    missing = await call_tool("smart-city", "get_sensor_readings", {"sensor_id": "SNS-WL-999"})

    assert invalid.is_error
    assert invalid.structured is None
    assert invalid.error is not None
    assert "\nsensor_id" in invalid.error
    assert missing.is_error
    assert missing.error is not None
    assert "sensor_id: sensor 'SNS-WL-999' was not found" in missing.error


async def test_call_tool_refuses_unknown_arguments_naming_them():
    result = await call_tool("customer-support", "search_tickets", {"priority": "high"})

    assert result.is_error
    assert result.error is not None
    assert result.error.startswith("priority: unknown argument of search_tickets; expected: ")
    assert "min_priority" in result.error


async def test_a_write_with_the_same_idempotency_key_applies_once():
    before = await available("SKU-10052", "TKY-01")

    first = await call_tool("enterprise", "reserve_inventory", RESERVE, idempotency_key="wf-1:3")
    second = await call_tool("enterprise", "reserve_inventory", RESERVE, idempotency_key="wf-1:3")

    assert not first.is_error
    assert second == first
    assert await available("SKU-10052", "TKY-01") == before - 3


async def test_writes_with_distinct_keys_each_apply_even_when_concurrent():
    before = await available("SKU-10052", "TKY-01")

    results = await asyncio.gather(
        *(
            call_tool("enterprise", "reserve_inventory", RESERVE, idempotency_key=f"run-{n % 4}")
            for n in range(12)
        )
    )

    assert not any(r.is_error for r in results)
    assert len({r.structured["reservation_id"] for r in results if r.structured}) == 4
    assert await available("SKU-10052", "TKY-01") == before - 4 * 3


async def test_a_write_without_a_key_is_an_error_naming_idempotency_key():
    before = await available("SKU-10052", "TKY-01")

    result = await call_tool("enterprise", "reserve_inventory", RESERVE)

    assert result.is_error
    assert result.error is not None
    assert "\nidempotency_key" in result.error
    assert await available("SKU-10052", "TKY-01") == before


async def test_the_in_process_server_keeps_state_until_reset():
    before = await available("SKU-10052", "TKY-01")
    await call_tool("enterprise", "reserve_inventory", RESERVE, idempotency_key="keep-1")

    assert await available("SKU-10052", "TKY-01") == before - 3
    mcp_client.reset_servers()
    assert await available("SKU-10052", "TKY-01") == before


async def test_unknown_agent_and_tool_raise_errors_naming_them():
    with pytest.raises(UnknownAgentError, match="agent_id: no agent 'billing'; known agents: "):
        await call_tool("billing", "get_invoice", {})
    with pytest.raises(UnknownToolError, match="tool: agent 'smart-city' has no tool 'get_order'"):
        await call_tool("smart-city", "get_order", {})
    with pytest.raises(UnknownAgentError):
        await list_tools("billing")


def test_tool_call_result_round_trips_through_json():
    result = ToolCallResult(agent_id="enterprise", tool="check_inventory", structured={"total": 1})

    assert ToolCallResult.model_validate_json(result.model_dump_json()) == result


@pytest.mark.parametrize("agent_id", list(AGENTS))
async def test_over_http_the_tools_are_those_served_in_process(standalone_urls, set_url, agent_id):
    in_process = await list_tools(agent_id)

    set_url(agent_id, standalone_urls[agent_id])
    over_http = await list_tools(agent_id)

    assert over_http == in_process


async def test_call_tool_over_http_returns_structured_content(smart_city_url, set_url):
    set_url("smart-city", smart_city_url)

    result = await call_tool(
        "smart-city", "list_incidents", {"status": ["open"], "min_severity": "high"}
    )

    assert not result.is_error
    assert result.structured is not None
    assert result.structured["total"] > 0
    assert {i["status"] for i in result.structured["incidents"]} == {"open"}


async def test_call_tool_over_http_returns_tool_failures_as_errors(smart_city_url, set_url):
    set_url("smart-city", smart_city_url)

    result = await call_tool("smart-city", "get_traffic", {"segment_id": "SEG-999"})

    assert result.is_error
    assert result.error is not None
    assert "segment_id: traffic segment 'SEG-999' was not found" in result.error


async def test_a_write_over_http_with_the_same_key_applies_once(smart_city_url, set_url):
    set_url("smart-city", smart_city_url)
    request = {
        "category": "streetlight",
        "district": "西区",
        "location": "紅葉坂",
        "description": "街灯が2基消えている。",
    }

    before = await call_tool("smart-city", "list_service_requests", {"limit": 1})
    first = await call_tool("smart-city", "create_service_request", request, idempotency_key="h-1")
    second = await call_tool("smart-city", "create_service_request", request, idempotency_key="h-1")
    after = await call_tool("smart-city", "list_service_requests", {"limit": 1})

    assert not first.is_error
    assert second == first
    assert before.structured is not None
    assert after.structured is not None
    assert after.structured["total"] == before.structured["total"] + 1


@pytest.mark.parametrize("agent_id", list(AGENTS))
def test_each_standalone_server_answers_its_health_probe(standalone_urls, agent_id):
    response = httpx.get(standalone_urls[agent_id].removesuffix("/mcp") + "/health", timeout=5)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "server": agent_id}


async def test_a_server_that_is_down_is_unavailable(set_url):
    url = f"http://127.0.0.1:{free_port()}/mcp"
    set_url("enterprise", url)

    with pytest.raises(ToolServerUnavailableError) as raised:
        await call_tool("enterprise", "check_inventory", {"sku": "SKU-10001"})
    with pytest.raises(ToolServerUnavailableError):
        await list_tools("enterprise")

    assert raised.value.agent_id == "enterprise"
    assert raised.value.target == url
    assert "ConnectError" in raised.value.reason


async def test_a_server_that_does_not_answer_is_unavailable_after_the_timeout(
    silent_url, set_url, monkeypatch
):
    monkeypatch.setenv("MCP_TOOL_TIMEOUT_SECONDS", "0.5")
    set_url("customer-support", silent_url)
    started = time.monotonic()

    with pytest.raises(ToolServerUnavailableError, match=r"no answer within 0\.5 s"):
        await call_tool("customer-support", "get_order", {"order_id": "ORD-2025-00001"})

    assert time.monotonic() - started < 5


async def test_a_url_that_is_not_an_mcp_endpoint_is_unavailable(smart_city_url, set_url):
    set_url("smart-city", smart_city_url.removesuffix("/mcp") + "/not-mcp")

    with pytest.raises(ToolServerUnavailableError, match="smart-city"):
        await list_tools("smart-city")


@pytest.fixture
def doomed_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The enterprise tool server on its own port, for a test that stops it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "agents.enterprise.server", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield f"http://127.0.0.1:{port}/mcp", process
    process.kill()
    process.wait()


async def test_fresh_tool_listing_notices_a_server_that_went_down(set_url, doomed_server):
    url, process = doomed_server
    set_url("enterprise", url)
    listed = []
    for _ in range(100):
        try:
            listed = await mcp_client.list_tools("enterprise", fresh=True)
            break
        except ToolServerUnavailableError:
            await asyncio.sleep(0.1)
    assert listed
    assert await mcp_client.list_tools("enterprise") == listed
    # The server's listen stream stays open; it still stops within its shutdown grace.
    process.terminate()
    await asyncio.to_thread(process.wait, 10)
    with pytest.raises(ToolServerUnavailableError):
        await mcp_client.list_tools("enterprise", fresh=True)
