"""get_chat_model picks Azure OpenAI when an endpoint is configured, else the offline model."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from openai_compatible_server import OpenAICompatibleServer, Reply, completion, serving
from pydantic import BaseModel

from core.llm import (
    AzureOpenAIChat,
    ChatMessage,
    ChatRequest,
    OfflineChat,
    get_chat_model,
)
from core.settings import get_settings


class Plan(BaseModel):
    agents: list[str]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The environment, with the settings re-read after each change the test makes."""
    for name in ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "AZURE_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.fixture
async def server() -> AsyncIterator[OpenAICompatibleServer]:
    async with serving() as running:
        yield running


async def test_without_an_endpoint_the_offline_model_answers(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.setenv("OFFLINE_MODEL_LATENCY_MS", "0")
    model = get_chat_model(skills={Plan: lambda _: Plan(agents=["smart_city"])})
    request = ChatRequest(messages=[ChatMessage(role="user", content="plan")], response_format=Plan)

    result = await model.complete(request)

    assert isinstance(model, OfflineChat)
    assert result.offline is True
    assert result.parsed == Plan(agents=["smart_city"])


async def test_with_an_endpoint_azure_openai_answers_from_the_settings(
    environment: pytest.MonkeyPatch, server: OpenAICompatibleServer
) -> None:
    environment.setenv("AZURE_OPENAI_ENDPOINT", server.endpoint)
    environment.setenv("AZURE_OPENAI_CHAT_DEPLOYMENT", "from-settings")
    environment.setenv("AZURE_OPENAI_API_KEY", "settings-key")
    environment.setenv("AZURE_OPENAI_MAX_RETRIES", "0")
    server.script(Reply(body=completion("hello")))
    model = get_chat_model()

    try:
        result = await model.complete(
            ChatRequest(messages=[ChatMessage(role="user", content="hi")])
        )
    finally:
        assert isinstance(model, AzureOpenAIChat)
        await model.aclose()

    assert result.content == "hello"
    assert result.offline is False
    assert model.max_retries == 0
    assert server.requests[0].deployment == "from-settings"
    assert server.requests[0].headers["api-key"] == "settings-key"


def test_the_azure_client_is_shared_while_the_settings_stay_the_same(
    environment: pytest.MonkeyPatch,
) -> None:
    environment.setenv("AZURE_OPENAI_ENDPOINT", "https://one.openai.azure.com")
    first = get_chat_model()
    again = get_chat_model(skills={Plan: lambda _: Plan(agents=[])})

    environment.setenv("AZURE_OPENAI_ENDPOINT", "https://two.openai.azure.com")
    get_settings.cache_clear()
    other = get_chat_model()

    assert first is again
    assert isinstance(other, AzureOpenAIChat)
    assert other is not first
    assert other.endpoint == "https://two.openai.azure.com"
