"""AzureOpenAIChat runs the real `openai` SDK against a local OpenAI-compatible server."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from azure.core.credentials import AccessToken
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
    ChatModel,
    ChatRequest,
    ModelRateLimitedError,
    ModelRequestError,
    ModelResponseError,
    ModelTimeoutError,
    ModelUnavailableError,
    ToolCall,
    ToolSpec,
)

DEPLOYMENT = "chat-test"
MakeChat = Callable[..., AzureOpenAIChat]
API_VERSION = "2025-04-01-preview"


class Plan(BaseModel):
    agents: list[str]
    reason: str


class FakeCredential:
    """An async Entra ID credential that hands out a fixed token and counts requests."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)

    async def close(self) -> None:
        pass

    async def __aenter__(self) -> FakeCredential:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        pass


@pytest.fixture
async def server() -> AsyncIterator[OpenAICompatibleServer]:
    async with serving() as running:
        yield running


@pytest.fixture
async def make_chat(server: OpenAICompatibleServer) -> AsyncIterator[MakeChat]:
    made: list[AzureOpenAIChat] = []

    def make(**overrides: Any) -> AzureOpenAIChat:
        options: dict[str, Any] = {
            "endpoint": server.endpoint,
            "deployment": DEPLOYMENT,
            "api_version": API_VERSION,
            "api_key": "test-key",
            "timeout_seconds": 5.0,
            "max_retries": 2,
        }
        options.update(overrides)
        chat = AzureOpenAIChat(**options)
        made.append(chat)
        return chat

    yield make
    for chat in made:
        await chat.aclose()


def ask(text: str, **fields: Any) -> ChatRequest:
    return ChatRequest(
        messages=[
            ChatMessage(role="system", content="You coordinate agents."),
            ChatMessage(role="user", content=text),
        ],
        **fields,
    )


async def test_plain_completion_returns_text_usage_and_model(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(Reply(body=completion("Hello from Azure", usage=(20, 5))))
    chat = make_chat()

    result = await chat.complete(ask("hi", max_tokens=50, temperature=0.2, purpose="test"))

    assert isinstance(chat, ChatModel)
    assert result.content == "Hello from Azure"
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (20, 5)
    assert result.usage.total_tokens == 25
    assert result.model == "gpt-4o-2024-11-20"
    assert result.offline is False
    assert result.finish_reason == "stop"
    assert result.parsed is None
    sent = server.requests[0]
    assert sent.deployment == DEPLOYMENT
    assert sent.query == {"api-version": API_VERSION}
    assert sent.body["model"] == DEPLOYMENT
    assert sent.body["messages"] == [
        {"role": "system", "content": "You coordinate agents."},
        {"role": "user", "content": "hi"},
    ]
    assert sent.body["max_completion_tokens"] == 50
    assert "max_tokens" not in sent.body
    assert sent.body["temperature"] == 0.2
    assert "tools" not in sent.body
    assert "response_format" not in sent.body


async def test_tool_calls_come_back_with_their_arguments(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    ticket_tool = ToolSpec(
        name="get_ticket",
        description="Read a support ticket",
        parameters={
            "type": "object",
            "properties": {"ticket_id": {"type": "string"}},
            "required": ["ticket_id"],
        },
    )
    server.script(
        Reply(
            body=completion(
                None,
                tool_calls=[function_call("call_1", "get_ticket", '{"ticket_id": "TKT-1001"}')],
                finish_reason="tool_calls",
            )
        )
    )

    result = await make_chat().complete(ask("TKT-1001 の状況は?", tools=[ticket_tool]))

    assert result.tool_calls == [
        ToolCall(id="call_1", name="get_ticket", arguments={"ticket_id": "TKT-1001"})
    ]
    assert result.finish_reason == "tool_calls"
    assert result.content == ""
    assert server.requests[0].body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_ticket",
                "description": "Read a support ticket",
                "parameters": ticket_tool.parameters,
            },
        }
    ]


async def test_tool_results_are_sent_back_in_wire_format(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    call = ToolCall(id="call_1", name="get_ticket", arguments={"ticket_id": "TKT-1001"})
    request = ChatRequest(
        messages=[
            ChatMessage(role="user", content="status of TKT-1001?"),
            ChatMessage(role="assistant", tool_calls=[call]),
            ChatMessage(role="tool", tool_call_id="call_1", content='{"status": "open"}'),
        ]
    )

    await make_chat().complete(request)

    assert server.requests[0].body["messages"][1:] == [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_ticket", "arguments": '{"ticket_id": "TKT-1001"}'},
                }
            ],
        },
        {"role": "tool", "content": '{"status": "open"}', "tool_call_id": "call_1"},
    ]


async def test_structured_output_is_parsed_into_the_model(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(Reply(body=completion('{"agents": ["customer_support"], "reason": "ticket"}')))

    result = await make_chat().complete(ask("plan this", response_format=Plan))

    assert result.parsed == Plan(agents=["customer_support"], reason="ticket")
    assert result.parsed_as(Plan).agents == ["customer_support"]
    response_format = server.requests[0].body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "Plan"
    assert response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == ["agents", "reason"]
    assert result.model_dump(mode="json")["parsed"] == {
        "agents": ["customer_support"],
        "reason": "ticket",
    }


async def test_invalid_structured_output_raises_model_response_error(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(Reply(body=completion('{"agents": "everyone"}')))

    with pytest.raises(ModelResponseError) as caught:
        await make_chat().complete(ask("plan this", response_format=Plan))

    assert caught.value.schema == "Plan"
    assert caught.value.content == '{"agents": "everyone"}'
    assert caught.value.transient is False


async def test_structured_output_cut_at_the_token_limit_raises(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(Reply(body=completion('{"agents": ["cust', finish_reason="length")))

    with pytest.raises(ModelResponseError, match="token limit"):
        await make_chat().complete(ask("plan this", response_format=Plan, max_tokens=5))


async def test_refusal_raises_model_response_error(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(Reply(body=completion(None, refusal="I can't help with that.")))

    with pytest.raises(ModelResponseError, match="refused"):
        await make_chat().complete(ask("plan this", response_format=Plan))


async def test_tool_arguments_that_are_not_json_raise(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(
        Reply(
            body=completion(
                None,
                tool_calls=[function_call("call_1", "get_ticket", "{not json")],
                finish_reason="tool_calls",
            )
        )
    )

    with pytest.raises(ModelResponseError, match="get_ticket") as caught:
        await make_chat().complete(ask("ticket?", tools=[ToolSpec(name="get_ticket")]))

    assert caught.value.content == "{not json"


async def test_rate_limit_waits_for_retry_after_then_succeeds(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(
        Reply(429, error_body("Rate limit", "429"), headers={"Retry-After": "1"}),
        Reply(body=completion("after the wait")),
    )

    result = await make_chat().complete(ask("hi"))

    assert result.content == "after the wait"
    first, second = server.requests
    # The SDK's own backoff would wait at most 0.5 s before its first retry.
    assert second.arrived_at - first.arrived_at >= 0.95
    assert second.headers["x-stainless-retry-count"] == "1"


async def test_retry_after_ms_is_preferred_to_retry_after(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(
        Reply(
            429,
            error_body("Rate limit", "429"),
            headers={"retry-after-ms": "1200", "Retry-After": "1"},
        ),
        Reply(body=completion("after the wait")),
    )

    await make_chat().complete(ask("hi"))

    first, second = server.requests
    assert second.arrived_at - first.arrived_at >= 1.15


async def test_rate_limit_longer_than_the_retry_window_raises_at_once(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(Reply(429, error_body("Rate limit", "429"), headers={"Retry-After": "300"}))

    with pytest.raises(ModelRateLimitedError) as caught:
        await make_chat().complete(ask("hi"))

    assert caught.value.retry_after_seconds == 300
    assert caught.value.transient is True
    assert len(server.requests) == 1


async def test_rate_limit_outlasting_the_retries_raises_model_rate_limited(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    throttled = Reply(429, error_body("Rate limit", "429"), headers={"retry-after-ms": "20"})
    server.script(throttled, throttled)

    with pytest.raises(ModelRateLimitedError) as caught:
        await make_chat(max_retries=1).complete(ask("hi"))

    assert caught.value.retry_after_seconds == pytest.approx(0.02)
    assert len(server.requests) == 2


async def test_repeated_server_errors_raise_model_unavailable(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    failing = Reply(500, error_body("Internal error", "InternalServerError"))
    server.script(failing, failing, failing)

    with pytest.raises(ModelUnavailableError) as caught:
        await make_chat(max_retries=2).complete(ask("hi"))

    assert caught.value.status_code == 500
    assert caught.value.transient is True
    assert len(server.requests) == 3


async def test_server_error_then_success_is_retried(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(Reply(503, error_body("Busy", "ServiceUnavailable")), Reply())

    result = await make_chat(max_retries=1).complete(ask("hi"))

    assert result.content == "ok"
    assert len(server.requests) == 2


async def test_slow_model_raises_model_timeout(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    slow = Reply(body=completion("too late"), delay_seconds=3.0)
    server.script(slow, slow)
    started = time.monotonic()

    with pytest.raises(ModelTimeoutError) as caught:
        await make_chat(timeout_seconds=0.3, max_retries=1).complete(ask("hi"))

    assert caught.value.timeout_seconds == 0.3
    assert len(server.requests) == 2
    assert time.monotonic() - started < 2.5


async def test_rejected_request_raises_model_request_error_without_retry(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    server.script(Reply(400, error_body("The prompt was filtered.", "content_filter")))

    with pytest.raises(ModelRequestError) as caught:
        await make_chat().complete(ask("hi"))

    assert caught.value.status_code == 400
    assert caught.value.transient is False
    assert len(server.requests) == 1


async def test_unreachable_endpoint_raises_model_unavailable(make_chat: MakeChat) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    with pytest.raises(ModelUnavailableError) as caught:
        await make_chat(endpoint=f"http://127.0.0.1:{closed_port}", max_retries=0).complete(
            ask("hi")
        )

    assert caught.value.status_code is None


async def test_api_key_is_sent_in_the_api_key_header(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    await make_chat(api_key="secret-key").complete(ask("hi"))

    headers = server.requests[0].headers
    assert headers["api-key"] == "secret-key"
    assert "authorization" not in headers


async def test_entra_token_is_sent_as_a_bearer_token(
    server: OpenAICompatibleServer, make_chat: MakeChat
) -> None:
    credential = FakeCredential("entra-token")
    chat = make_chat(api_key=None, credential=credential)

    await chat.complete(ask("hi"))
    await chat.complete(ask("again"))

    for sent in server.requests:
        assert sent.headers["authorization"] == "Bearer entra-token"
        assert "api-key" not in sent.headers
    # One token for both calls: the provider caches it until it nears expiry.
    assert credential.scopes == [("https://cognitiveservices.azure.com/.default",)]


def test_api_key_and_credential_are_mutually_exclusive() -> None:
    with pytest.raises(ValueError, match="mutually exclusive"):
        AzureOpenAIChat(
            endpoint="https://example.openai.azure.com",
            deployment=DEPLOYMENT,
            api_version=API_VERSION,
            api_key="key",
            credential=FakeCredential("token"),
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timeout_seconds", 0, "timeout_seconds must be > 0"),
        ("max_retries", -1, "max_retries must be >= 0"),
        ("endpoint", "", "endpoint must not be empty"),
    ],
)
def test_invalid_settings_are_rejected_by_name(field: str, value: object, message: str) -> None:
    options: dict[str, Any] = {
        "endpoint": "https://example.openai.azure.com",
        "deployment": DEPLOYMENT,
        "api_version": API_VERSION,
        field: value,
    }
    with pytest.raises(ValueError, match=message):
        AzureOpenAIChat(**options)
