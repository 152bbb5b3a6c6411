"""OfflineChat's text answers, structured answers from skills, usage, latency, determinism."""

from __future__ import annotations

import json
import time

import pytest
from pydantic import BaseModel

from core.llm import (
    ChatMessage,
    ChatModel,
    ChatRequest,
    ModelResponseError,
    OfflineChat,
    ToolCall,
    ToolSpec,
)

NOTICE = "Offline answer (rule-based; no language model was used)."


class Plan(BaseModel):
    agents: list[str]
    reason: str


def plan_skill(request: ChatRequest) -> Plan:
    text = request.messages[-1].content
    agents = ["customer_support"] if "ticket" in text else ["smart_city"]
    return Plan(agents=agents, reason=f"offline plan for: {text}")


def with_results(question: str, *results: tuple[str, str]) -> ChatRequest:
    """A conversation where the assistant called each named tool and got its result."""
    calls = [ToolCall(id=f"c{i}", name=name) for i, (name, _) in enumerate(results)]
    return ChatRequest(
        messages=[
            ChatMessage(role="system", content="You are the support agent."),
            ChatMessage(role="user", content=question),
            ChatMessage(role="assistant", tool_calls=calls),
            *(
                ChatMessage(role="tool", tool_call_id=f"c{i}", content=content)
                for i, (_, content) in enumerate(results)
            ),
        ],
        tools=[ToolSpec(name=name) for name, _ in results],
    )


async def test_answer_cites_each_tool_and_its_key_fields() -> None:
    request = with_results(
        "What is the state of TKT-1234 and sensor SN-042?",
        ("get_ticket", json.dumps({"id": "TKT-1234", "status": "open", "priority": "high"})),
        ("get_sensor_reading", json.dumps({"sensor_id": "SN-042", "noise_db": 71.5})),
    )

    result = await OfflineChat().complete(request)

    assert result.tool_calls == []
    assert result.finish_reason == "stop"
    assert result.content.splitlines() == [
        NOTICE,
        "Request: What is the state of TKT-1234 and sensor SN-042?",
        "Tool results:",
        "- get_ticket: id=TKT-1234, status=open, priority=high",
        "- get_sensor_reading: sensor_id=SN-042, noise_db=71.5",
    ]


async def test_lists_nested_values_and_plain_text_results_are_summarised() -> None:
    request = with_results(
        "Summarise",
        ("list_tickets", json.dumps([{"id": "TKT-1", "open": True}, {"id": "TKT-2"}])),
        ("get_customer", json.dumps({"name": "Sato", "orders": [1, 2, 3], "address": {}})),
        ("ping", "service   is\nhealthy"),
        ("lookup", json.dumps({"error": None})),
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines()[3:] == [
        "- list_tickets: 2 items; first: id=TKT-1, open=true",
        "- get_customer: name=Sato, orders: 3 items",
        "- ping: service is healthy",
        "- lookup: error=null",
    ]


async def test_a_japanese_request_gets_a_japanese_answer() -> None:
    request = with_results("TKT-1234 の状況は?", ("get_ticket", json.dumps([])))

    result = await OfflineChat().complete(request)

    assert result.content.splitlines() == [
        "オフライン応答です(ルールベース。言語モデルは使用していません)。",
        "依頼: TKT-1234 の状況は?",
        "ツールの結果:",
        "- get_ticket: 0 件",
    ]


async def test_without_tools_the_answer_restates_the_request() -> None:
    request = ChatRequest(
        messages=[
            ChatMessage(role="system", content="Synthesise the answers."),
            ChatMessage(
                role="user",
                content="Question: refund?\n\ncustomer_support: refund issued\nenterprise: ok",
            ),
        ]
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines() == [
        NOTICE,
        "Question: refund?",
        "customer_support: refund issued",
        "enterprise: ok",
    ]


async def test_max_tokens_clips_a_text_answer() -> None:
    request = ChatRequest(
        messages=[ChatMessage(role="user", content="a fairly long request " * 20)],
        max_tokens=10,
    )

    clipped = await OfflineChat().complete(request)
    full = await OfflineChat().complete(request.model_copy(update={"max_tokens": None}))

    assert clipped.finish_reason == "length"
    assert clipped.usage.completion_tokens <= 10
    assert full.content.startswith(clipped.content)
    assert full.finish_reason == "stop"


async def test_a_structured_request_runs_the_registered_skill() -> None:
    seen: list[ChatRequest] = []

    def skill(request: ChatRequest) -> Plan:
        seen.append(request)
        return plan_skill(request)

    request = ChatRequest(
        messages=[ChatMessage(role="user", content="ticket TKT-1 is stuck")],
        response_format=Plan,
        purpose="plan",
    )

    result = await OfflineChat(skills={Plan: skill}).complete(request)

    assert seen == [request]
    assert result.parsed == Plan(
        agents=["customer_support"], reason="offline plan for: ticket TKT-1 is stuck"
    )
    assert Plan.model_validate_json(result.content) == result.parsed
    assert result.offline is True
    assert result.model == "offline-rules"
    assert result.finish_reason == "stop"


async def test_a_schema_without_a_skill_raises_naming_the_schema() -> None:
    request = ChatRequest(messages=[ChatMessage(role="user", content="plan")], response_format=Plan)

    with pytest.raises(ModelResponseError, match="'Plan'") as caught:
        await OfflineChat().complete(request)

    assert caught.value.schema == "Plan"


async def test_a_skill_returning_another_type_raises() -> None:
    class Other(BaseModel):
        x: int = 1

    request = ChatRequest(messages=[ChatMessage(role="user", content="plan")], response_format=Plan)

    with pytest.raises(ModelResponseError, match="returned Other"):
        await OfflineChat(skills={Plan: lambda _: Other()}).complete(request)


async def test_a_skill_building_an_invalid_object_raises() -> None:
    request = ChatRequest(messages=[ChatMessage(role="user", content="plan")], response_format=Plan)

    def broken(_: ChatRequest) -> Plan:
        return Plan.model_validate({"agents": "all"})

    with pytest.raises(ModelResponseError, match="invalid object"):
        await OfflineChat(skills={Plan: broken}).complete(request)


async def test_answers_are_deterministic() -> None:
    request = ChatRequest(
        messages=[ChatMessage(role="user", content="TKT-1234 please")],
        tools=[
            ToolSpec(
                name="get_ticket",
                parameters={
                    "type": "object",
                    "properties": {"id": {"type": "string", "pattern": "TKT-\\d+"}},
                },
            )
        ],
    )

    results = [await OfflineChat().complete(request) for _ in range(3)]

    assert len({r.model_dump_json() for r in results}) == 1


async def test_latency_is_simulated() -> None:
    request = ChatRequest(messages=[ChatMessage(role="user", content="hi")])
    started = time.monotonic()

    await OfflineChat(latency_ms=150).complete(request)

    assert time.monotonic() - started >= 0.14


def test_negative_latency_is_rejected() -> None:
    with pytest.raises(ValueError, match="latency_ms must be >= 0"):
        OfflineChat(latency_ms=-1)


async def test_usage_is_estimated_from_the_text() -> None:
    japanese = ChatRequest(messages=[ChatMessage(role="user", content="あいうえお")])
    english = ChatRequest(messages=[ChatMessage(role="user", content="abcdefgh")])

    ja = await OfflineChat().complete(japanese)
    en = await OfflineChat().complete(english)

    # Three tokens of message framing, then one per kana or four Latin characters.
    assert ja.usage.prompt_tokens == 3 + 5
    assert en.usage.prompt_tokens == 3 + 2
    for usage in (ja.usage, en.usage):
        assert usage.completion_tokens > 0
        assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


async def test_usage_counts_tools_schemas_and_tool_calls() -> None:
    plain = ChatRequest(messages=[ChatMessage(role="user", content="ticket TKT-1")])
    with_tool = plain.model_copy(
        update={
            "tools": [
                ToolSpec(
                    name="get_ticket",
                    description="Get a ticket",
                    parameters={
                        "type": "object",
                        "properties": {"id": {"type": "string", "pattern": "TKT-\\d+"}},
                    },
                )
            ]
        }
    )
    with_schema = plain.model_copy(update={"response_format": Plan})
    chat = OfflineChat(skills={Plan: plan_skill})

    base = await chat.complete(plain)
    called = await chat.complete(with_tool)
    structured = await chat.complete(with_schema)

    assert called.usage.prompt_tokens > base.usage.prompt_tokens
    assert called.usage.completion_tokens > 0
    assert structured.usage.prompt_tokens > base.usage.prompt_tokens


def test_offline_chat_is_a_chat_model() -> None:
    assert isinstance(OfflineChat(), ChatModel)
