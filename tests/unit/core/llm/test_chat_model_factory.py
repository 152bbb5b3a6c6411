"""get_chat_model picks Azure OpenAI when an endpoint is configured, else an OpenAI-compatible
endpoint when its URL or key is, else the offline model."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from openai_compatible_server import (
    OpenAICompatibleServer,
    Reply,
    completion,
    error_body,
    function_call,
    serving,
)
from pydantic import BaseModel

from core.llm import (
    AzureOpenAIChat,
    ChatMessage,
    ChatModelError,
    ChatRequest,
    OfflineChat,
    get_chat_model,
)
from core.llm.openai_compatible import OpenAICompatibleChat
from core.llm.types import ToolSpec
from core.settings import get_settings


class Plan(BaseModel):
    agents: list[str]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The environment, with the settings re-read after each change the test makes."""
    for name in (
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_OPENAI_API_KEY",
        "AZURE_CLIENT_ID",
        "OPENAI_BASE_URL",
        "OPENAI_API_KEY",
        "OPENAI_MODEL",
    ):
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


async def test_with_a_base_url_the_openai_compatible_endpoint_answers(
    environment: pytest.MonkeyPatch, server: OpenAICompatibleServer
) -> None:
    environment.setenv("OPENAI_BASE_URL", server.endpoint + "/v1")
    environment.setenv("OPENAI_MODEL", "llama3.2")
    environment.setenv("OPENAI_API_KEY", "local-key")
    server.script(
        Reply(body=completion('{"agents": ["time"]}', usage=(40, 9))),
        Reply(body=completion(None, tool_calls=[function_call("c1", "echo", '{"x": "1"}')])),
    )
    model = get_chat_model()
    assert isinstance(model, OpenAICompatibleChat)
    ask = [ChatMessage(role="user", content="plan")]

    try:
        planned = await model.complete(ChatRequest(messages=ask, response_format=Plan))
        tooled = await model.complete(
            ChatRequest(
                messages=ask,
                tools=[ToolSpec(name="echo", description="Echo.", parameters={})],
                model="qwen2.5",
            )
        )
    finally:
        await model.aclose()

    assert planned.parsed_as(Plan) == Plan(agents=["time"])
    assert (planned.usage.prompt_tokens, planned.usage.completion_tokens) == (40, 9)
    assert planned.offline is False
    assert tooled.tool_calls[0].name == "echo"
    assert tooled.tool_calls[0].arguments == {"x": "1"}
    assert [r.deployment for r in server.requests] == ["llama3.2", "qwen2.5"]
    assert server.requests[0].headers["authorization"] == "Bearer local-key"
    assert server.requests[0].body["response_format"]["type"] == "json_schema"


async def test_the_openai_compatible_client_retries_then_names_the_failure(
    environment: pytest.MonkeyPatch, server: OpenAICompatibleServer
) -> None:
    environment.setenv("OPENAI_BASE_URL", server.endpoint + "/v1")
    environment.setenv("AZURE_OPENAI_MAX_RETRIES", "1")
    busy = Reply(status=503, body=error_body("overloaded", "busy"), headers={"retry-after-ms": "1"})
    server.script(busy, busy)
    model = get_chat_model()

    try:
        with pytest.raises(ChatModelError, match="overloaded"):
            await model.complete(ChatRequest(messages=[ChatMessage(role="user", content="hi")]))
    finally:
        assert isinstance(model, OpenAICompatibleChat)
        await model.aclose()

    assert len(server.requests) == 2
    assert server.requests[0].deployment == "gpt-4o-mini"
