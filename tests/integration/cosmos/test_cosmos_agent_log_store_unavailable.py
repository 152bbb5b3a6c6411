"""A Cosmos DB that is down, gone or silent surfaces as AgentLogStoreUnavailableError,
within a bounded time, never as a hang or a raw transport error."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from core.agent_logs import AgentLogRecord, AgentLogStoreUnavailableError
from tests.services import LOOPBACK, free_port, start_cosmosdb_server

RECORD = AgentLogRecord(id="s-1", workflow_id="wf-1", agent_id="smart_city", step="plan")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen()
        yield listener.getsockname()[1]


async def test_nothing_listening_is_unavailable_at_once(make_cosmos_store) -> None:
    store = make_cosmos_store(f"http://{LOOPBACK}:{free_port()}/")
    started = time.monotonic()

    with pytest.raises(AgentLogStoreUnavailableError) as raised:
        await store.append(RECORD)

    assert time.monotonic() - started < 5
    assert raised.value.operation == "append"


async def test_a_server_that_stops_makes_the_store_unavailable(make_cosmos_store) -> None:
    server = start_cosmosdb_server()
    try:
        store = make_cosmos_store(server.url, timeout_seconds=3.0)
        await store.append(RECORD)
    finally:
        server.stop()

    for call in (store.ping, lambda: store.list_for_workflow("wf-1")):
        started = time.monotonic()
        with pytest.raises(AgentLogStoreUnavailableError):
            await call()
        assert time.monotonic() - started < 3.0 + 1.0


async def test_a_silent_server_times_out_as_unavailable(
    silent_port: int, make_cosmos_store
) -> None:
    store = make_cosmos_store(f"http://{LOOPBACK}:{silent_port}/", timeout_seconds=1.0)
    started = time.monotonic()

    with pytest.raises(AgentLogStoreUnavailableError, match=r"no answer within 1s"):
        await store.ping()

    assert time.monotonic() - started < 5
