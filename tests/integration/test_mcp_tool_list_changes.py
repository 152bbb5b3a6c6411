"""A tool server that adds a tool while it runs: the client hears of the change on its open
session and offers the new tool, to the MCP client and to an agent of a running coordinator,
with no restart and no new session."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core import mcp_client
from core.catalogue import get_catalogue
from core.mcp_client import call_tool, close_sessions, list_tools, sessions_opened
from core.settings import get_settings
from tests.apphost import AppHost
from tests.services import agent_tool_server

SERVER_MODULE = "tests.integration.growing_tool_server"


def archive_catalogue(path: Path, url: str) -> Path:
    """A catalogue of one agent, `archive`, served by the growing tool server at `url`."""
    path.write_text(
        f"""\
agents:
  - id: archive
    description: The records archive.
    instructions: Use your tools and quote what they return.
    keywords: [archive]
    mcp:
      transport: streamable-http
      url: {url}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def archive_url() -> Iterator[str]:
    with agent_tool_server(SERVER_MODULE) as url:
        yield url


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archive_url: str) -> Iterator[None]:
    monkeypatch.setenv("AGENTS_FILE", str(archive_catalogue(tmp_path / "agents.yaml", archive_url)))
    get_settings.cache_clear()
    get_catalogue.cache_clear()
    yield
    get_settings.cache_clear()
    get_catalogue.cache_clear()
    mcp_client.reset_servers()


async def tool_names_until(wanted: str, seconds: float) -> list[str]:
    """The cached tool list, read again until it names `wanted` or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        names = [spec.name for spec in await list_tools("archive")]
        if wanted in names or time.monotonic() > deadline:
            return names
        await asyncio.sleep(0.1)


async def test_the_cached_tool_list_follows_the_servers_change_on_the_same_session(catalogue):
    assert [spec.name for spec in await list_tools("archive")] == ["open_archive"]
    opened = sessions_opened()

    opened_archive = await call_tool("archive", "open_archive", {})
    names = await tool_names_until("read_archive", 15)

    await close_sessions()
    assert not opened_archive.is_error, opened_archive
    assert names == ["open_archive", "read_archive"]
    assert sessions_opened() == opened


async def test_a_change_after_the_stream_timed_out_idle_is_still_heard(
    catalogue, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MCP_TOOL_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    assert [spec.name for spec in await list_tools("archive")] == ["open_archive"]
    # Idle for longer than the read timeout: the server's change stream is dropped.
    await asyncio.sleep(3)

    await call_tool("archive", "open_archive", {})
    names = await tool_names_until("read_archive", 15)

    await close_sessions()
    assert names == ["open_archive", "read_archive"]


def test_a_running_coordinator_offers_the_new_tool_to_its_agent(tmp_path: Path, archive_url: str):
    catalogue = archive_catalogue(tmp_path / "agents.yaml", archive_url)
    host = AppHost(
        tmp_path,
        enforce_keys=False,
        settings={"AGENTS_FILE": str(catalogue), "ORCHESTRATE_WAIT_SECONDS": "60"},
    )
    try:
        host.wait_ready()
        with httpx.Client(base_url=host.url + "/api", timeout=90) as api:
            first = ask(api, "Open the archive")
            second = ask(api, "Read shelf B-7 of the archive")
    finally:
        host.stop()

    [opening] = first["agents"][0]["tool_calls"]
    assert opening["tool"] == "open_archive"
    [reading] = second["agents"][0]["tool_calls"]
    assert (reading["tool"], reading["arguments"]) == ("read_archive", {"shelf": "B-7"})
    assert "ledger of shelf B-7" in second["answer"]


def ask(api: httpx.Client, query: str) -> dict:
    response = api.post("coordinator/orchestrate", json={"query": query})
    assert response.status_code == 200, response.text
    result: dict = response.json()["result"]
    assert [agent["agent"] for agent in result["agents"]] == ["archive"], result
    return result
