"""The MCP client keeps one session per server and reopens it when the server comes back:
against the stdio time server and the streamable HTTP reference server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import psutil
import pytest

from core import mcp_client
from core.catalogue import get_catalogue
from core.mcp_client import call_tool, close_sessions, list_tools, sessions_opened
from core.settings import get_settings
from tests.services import LocalServer, start_everything_server
from tests.third_party_mcp import third_party_catalogue


@pytest.fixture
def everything() -> Iterator[LocalServer]:
    server = start_everything_server()
    yield server
    server.stop()


@pytest.fixture
def catalogue(tmp_path, monkeypatch, everything: LocalServer) -> Iterator[None]:
    path = third_party_catalogue(tmp_path / "agents.yaml", everything.url + "mcp")
    monkeypatch.setenv("AGENTS_FILE", str(path))
    monkeypatch.setenv("EVERYTHING_CLIENT", "session-tests")
    get_settings.cache_clear()
    get_catalogue.cache_clear()
    yield
    get_settings.cache_clear()
    get_catalogue.cache_clear()
    mcp_client.reset_servers()


async def test_calls_share_one_session_per_server(catalogue):
    before = sessions_opened()
    for word in ("one", "two", "three"):
        result = await call_tool("everything", "echo", {"message": word})
        assert result.text == f"Echo: {word}"
    for zone in ("Asia/Tokyo", "Europe/London"):
        result = await call_tool("time", "get_current_time", {"timezone": zone})
        assert result.structured is not None
        assert result.structured["timezone"] == zone
    assert sessions_opened() - before == 2
    await close_sessions()


async def test_a_restarted_server_is_reached_on_a_new_session(catalogue, everything: LocalServer):
    assert (await call_tool("everything", "echo", {"message": "before"})).text == "Echo: before"
    opened = sessions_opened()
    everything.stop()
    restarted = start_everything_server(port=everything.port)
    try:
        result = await call_tool("everything", "echo", {"message": "after"})
    finally:
        await close_sessions()
        restarted.stop()
    assert result.text == "Echo: after", result
    assert sessions_opened() == opened + 1


async def test_the_allow_list_narrows_the_tools_and_refuses_others(catalogue):
    assert [spec.name for spec in await list_tools("everything")] == ["echo", "get-sum"]
    with pytest.raises(mcp_client.UnknownToolError, match="has no tool 'get-env'"):
        await call_tool("everything", "get-env", {})
    await close_sessions()


async def test_a_caller_that_gives_up_while_a_session_opens_leaves_no_server_running(catalogue):
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(list_tools("time"), 0.05)
    # The loop stays free to finish opening and then closing the abandoned session.
    assert await asyncio.to_thread(no_time_server_within, 20.0)
    # The next call opens a session of its own and answers.
    assert {spec.name for spec in await list_tools("time")} == {"get_current_time", "convert_time"}
    assert len(time_servers()) == 1
    await close_sessions()


def no_time_server_within(seconds: float) -> bool:
    """True once no mcp-server-time child runs, False if one still does after `seconds`."""
    deadline = time.monotonic() + seconds
    while time_servers():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def time_servers() -> list[psutil.Process]:
    """This process's running mcp-server-time children."""
    return [
        child
        for child in psutil.Process().children(recursive=True)
        if child.is_running() and "mcp-server-time" in " ".join(child.cmdline())
    ]
