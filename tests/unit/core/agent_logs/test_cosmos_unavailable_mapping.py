"""Which Cosmos DB failures become AgentLogStoreUnavailableError and which pass through."""

from __future__ import annotations

import asyncio

import pytest
from azure.core.exceptions import ServiceResponseError
from azure.cosmos.exceptions import CosmosHttpResponseError

from core.agent_logs import AgentLogStoreUnavailableError
from core.agent_logs.cosmos_errors import unavailable_on_failure

ENDPOINT = "https://example.documents.azure.com/"


@pytest.mark.parametrize("status", [408, 429, 503])
async def test_transient_statuses_are_unavailable(status: int) -> None:
    with pytest.raises(AgentLogStoreUnavailableError, match=f"HTTP {status}") as raised:
        async with unavailable_on_failure(ENDPOINT, "append", 5):
            raise CosmosHttpResponseError(status_code=status, message="try later")

    assert (raised.value.store, raised.value.operation) == (ENDPOINT, "append")


@pytest.mark.parametrize("status", [400, 403])
async def test_request_and_auth_errors_pass_through(status: int) -> None:
    with pytest.raises(CosmosHttpResponseError):
        async with unavailable_on_failure(ENDPOINT, "append", 5):
            raise CosmosHttpResponseError(status_code=status, message="no")


async def test_broken_responses_are_unavailable() -> None:
    with pytest.raises(AgentLogStoreUnavailableError, match="connection reset"):
        async with unavailable_on_failure(ENDPOINT, "recent", 5):
            raise ServiceResponseError("connection reset")


async def test_a_slow_call_is_cut_off_as_unavailable() -> None:
    with pytest.raises(AgentLogStoreUnavailableError, match=r"no answer within 0\.05s"):
        async with unavailable_on_failure(ENDPOINT, "ping", 0.05):
            await asyncio.sleep(5)
