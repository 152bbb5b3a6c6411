"""`OpenAICompatibleChat`: the chat model of OpenAI itself or any endpoint that speaks its
Chat Completions API (Azure AI Foundry, Ollama, vLLM, LM Studio...)."""

from __future__ import annotations

import asyncio
from weakref import WeakKeyDictionary

from openai import AsyncOpenAI

from core.llm.completions import complete_chat
from core.llm.types import ChatRequest, ChatResult


class OpenAICompatibleChat:
    """Chat completions from `model` at `base_url` (the SDK's default, OpenAI, when None)
    through the `openai` SDK's OpenAI client, authenticated with `api_key`. Retries,
    structured output, tool calls and token usage work as for `AzureOpenAIChat`."""

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_seconds: float = 60.0,
        max_retries: int = 3,
    ) -> None:
        if not model:
            raise ValueError("model must not be empty")
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be > 0")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.model = model
        self.base_url = base_url
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        # Local servers need no key, but the SDK refuses to start without one.
        self._api_key = api_key or "unused"
        # An async HTTP client belongs to the event loop that first used it.
        self._clients: WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncOpenAI] = (
            WeakKeyDictionary()
        )

    async def complete(self, request: ChatRequest) -> ChatResult:
        """Run one chat completion; raises a `ChatModelError` subclass when it fails."""
        return await complete_chat(self._client(), self.model, request, self.timeout_seconds)

    async def aclose(self) -> None:
        """Close the current event loop's HTTP client."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()

    def _client(self) -> AsyncOpenAI:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = AsyncOpenAI(
                base_url=self.base_url,
                api_key=self._api_key,
                timeout=self.timeout_seconds,
                max_retries=self.max_retries,
            )
            self._clients[loop] = client
        return client
