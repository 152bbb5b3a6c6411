"""`AzureOpenAIChat`: the chat model backed by an Azure OpenAI deployment."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from azure.core.credentials_async import AsyncTokenCredential
from openai import AsyncAzureOpenAI

from core.llm.azure.auth import TokenProvider, default_credential, token_provider
from core.llm.completions import complete_chat
from core.llm.types import ChatRequest, ChatResult


@dataclass
class _Connection:
    client: AsyncAzureOpenAI
    owned_credential: AsyncTokenCredential | None


class AzureOpenAIChat:
    """Chat completions from one Azure OpenAI deployment through the `openai` SDK.

    Authenticates with Entra ID tokens from `credential` (by default the managed
    identity `client_id`, else DefaultAzureCredential), or with `api_key` when one is
    given. The SDK retries 408/409/429/5xx, timeouts and connection errors up to
    `max_retries` times, waiting as `retry-after-ms`/`Retry-After` ask (up to two
    minutes) or with exponential backoff; what still fails raises a `ChatModelError`.
    """

    def __init__(
        self,
        *,
        endpoint: str,
        deployment: str,
        api_version: str,
        api_key: str | None = None,
        credential: AsyncTokenCredential | None = None,
        client_id: str | None = None,
        timeout_seconds: float = 60.0,
        max_retries: int = 3,
    ) -> None:
        if not endpoint:
            raise ValueError("endpoint must not be empty")
        if not deployment:
            raise ValueError("deployment must not be empty")
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be > 0")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if api_key and credential is not None:
            raise ValueError("api_key and credential are mutually exclusive")
        self.endpoint = endpoint
        self.deployment = deployment
        self.api_version = api_version
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self._api_key = api_key
        self._credential = credential
        self._client_id = client_id
        # An async HTTP client and an async credential belong to the event loop that
        # first used them, so each loop gets its own pair.
        self._connections: WeakKeyDictionary[asyncio.AbstractEventLoop, _Connection] = (
            WeakKeyDictionary()
        )

    async def complete(self, request: ChatRequest) -> ChatResult:
        """Run one chat completion on the deployment (or the deployment the request names);
        raises a `ChatModelError` subclass when it fails."""
        client = self._connection().client
        return await complete_chat(client, self.deployment, request, self.timeout_seconds)

    async def aclose(self) -> None:
        """Close the current event loop's HTTP client and the credential made for it."""
        connection = self._connections.pop(asyncio.get_running_loop(), None)
        if connection is None:
            return
        await connection.client.close()
        if connection.owned_credential is not None:
            await connection.owned_credential.close()

    def _connection(self) -> _Connection:
        loop = asyncio.get_running_loop()
        connection = self._connections.get(loop)
        if connection is None:
            connection = self._connect()
            self._connections[loop] = connection
        return connection

    def _connect(self) -> _Connection:
        owned: AsyncTokenCredential | None = None
        provider: TokenProvider | None = None
        if not self._api_key:
            credential = self._credential
            if credential is None:
                credential = owned = default_credential(self._client_id)
            provider = token_provider(credential)
        client = AsyncAzureOpenAI(
            # No fixed deployment: each call's model names it, so an agent can use its own.
            azure_endpoint=self.endpoint,
            api_version=self.api_version,
            api_key=self._api_key or None,
            azure_ad_token_provider=provider,
            timeout=self.timeout_seconds,
            max_retries=self.max_retries,
        )
        return _Connection(client, owned)
