"""Turn Cosmos DB transport failures and slow calls into AgentLogStoreUnavailableError."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from azure.core.exceptions import ServiceRequestError, ServiceResponseError
from azure.cosmos.exceptions import CosmosHttpResponseError

from core.agent_logs.errors import AgentLogStoreUnavailableError

# Request timeout, throttling that outlasted the SDK's own retries, and server failures.
TRANSIENT_STATUS = frozenset({408, 429, 449, 500, 502, 503, 504})


@asynccontextmanager
async def unavailable_on_failure(
    endpoint: str, operation: str, timeout_seconds: float
) -> AsyncIterator[None]:
    """Bound the block to `timeout_seconds`; raise AgentLogStoreUnavailableError when it
    runs out, the connection fails, or Cosmos DB answers a transient status. Other HTTP
    errors (bad request, forbidden) are re-raised as they are."""
    try:
        async with asyncio.timeout(timeout_seconds):
            yield
    except TimeoutError as exc:
        reason = f"no answer within {timeout_seconds:g}s"
        raise AgentLogStoreUnavailableError(endpoint, operation, reason) from exc
    except (ServiceRequestError, ServiceResponseError) as exc:
        raise AgentLogStoreUnavailableError(endpoint, operation, str(exc)) from exc
    except CosmosHttpResponseError as exc:
        if exc.status_code not in TRANSIENT_STATUS:
            raise
        reason = f"HTTP {exc.status_code}: {exc.message}"
        raise AgentLogStoreUnavailableError(endpoint, operation, reason) from exc
