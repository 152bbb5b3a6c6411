"""OfflineChat's text answers, structured answers from skills, usage, latency, determinism."""

from __future__ import annotations

import json
import time
from typing import Any

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


def with_results(question: str, *results: tuple[str, dict[str, Any], str]) -> ChatRequest:
    """A conversation where the assistant called each tool with its arguments and got its
    result."""
    calls = [
        ToolCall(id=f"c{i}", name=name, arguments=arguments)
        for i, (name, arguments, _) in enumerate(results)
    ]
    return ChatRequest(
        messages=[
            ChatMessage(role="system", content="You are the support agent."),
            ChatMessage(role="user", content=question),
            ChatMessage(role="assistant", tool_calls=calls),
            *(
                ChatMessage(role="tool", tool_call_id=f"c{i}", content=content)
                for i, (_, _, content) in enumerate(results)
            ),
        ],
        tools=[ToolSpec(name=name) for name, _, _ in results],
    )


SEGMENTS = [
    {
        "segment_id": "SEG-1",
        "road": "Meiji-dori",
        "district": "Shibuya",
        "congestion": "heavy",
        "average_speed_kmh": 12.5,
    },
    {
        "segment_id": "SEG-2",
        "road": "Yasukuni-dori",
        "district": "Shinjuku",
        "congestion": "free",
        "average_speed_kmh": 41.0,
    },
    {
        "segment_id": "SEG-3",
        "road": "Inokashira-dori",
        "district": "Shibuya",
        "congestion": "moderate",
        "average_speed_kmh": 24.0,
    },
]


async def test_a_record_reads_as_its_id_name_and_telling_fields() -> None:
    ticket = {
        "ticket_id": "TKT-1234",
        "subject": "Printer jams",
        "status": "open",
        "priority": "high",
        "refund_jpy": 12800,
        "assignee": None,
    }
    request = with_results(
        "What is the state of TKT-1234?",
        ("get_ticket", {"ticket_id": "TKT-1234"}, json.dumps(ticket)),
    )

    result = await OfflineChat().complete(request)

    assert result.tool_calls == []
    assert result.finish_reason == "stop"
    assert result.content.splitlines() == [
        NOTICE,
        "get_ticket for ticket id TKT-1234 returned TKT-1234 Printer jams: status open, "
        "priority high, refund ¥12,800.",
    ]


async def test_a_list_says_how_many_were_found_and_lists_the_first() -> None:
    many = [{"sku": f"SKU-{n}", "name": f"Part {n}", "stock": n} for n in range(1, 9)]
    request = with_results(
        "Which parts are low?",
        ("check_inventory", {"limit": 8}, json.dumps({"total": 8, "items": many})),
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines()[1:] == [
        "check_inventory found 8 items; the first 5:",
        "- SKU-1 Part 1: stock 1",
        "- SKU-2 Part 2: stock 2",
        "- SKU-3 Part 3: stock 3",
        "- SKU-4 Part 4: stock 4",
        "- SKU-5 Part 5: stock 5",
    ]


async def test_only_the_records_the_request_names_are_listed() -> None:
    request = with_results(
        "How congested are the roads in Shibuya?",
        ("get_traffic", {}, json.dumps({"total": 3, "segments": SEGMENTS})),
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines()[1:] == [
        "get_traffic found 3 segments; the 2 naming Shibuya:",
        "- SEG-1: road Meiji-dori, congestion heavy, average speed 12.5 km/h",
        "- SEG-3: road Inokashira-dori, congestion moderate, average speed 24.0 km/h",
    ]


async def test_arguments_from_the_request_are_named_and_shared_values_said_once() -> None:
    shibuya = [s for s in SEGMENTS if s["district"] == "Shibuya"]
    request = with_results(
        "Traffic in Shibuya",
        ("get_traffic", {"district": "Shibuya", "limit": 20}, json.dumps({"segments": shibuya})),
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines()[1] == "get_traffic for district Shibuya found 2 segments:"
    assert all("district" not in line for line in result.content.splitlines()[2:])


async def test_nested_records_plain_text_errors_and_empty_lists_read_as_sentences() -> None:
    request = with_results(
        "Summarise CUST-0001",
        (
            "lookup_customer",
            {"customer_id": "CUST-0001"},
            json.dumps(
                {
                    "customer": {"customer_id": "CUST-0001", "name": "Sato", "tier": "gold"},
                    "orders": [
                        {"order_id": "ORD-1", "customer_id": "CUST-0001", "status": "shipped"},
                        {"order_id": "ORD-2", "customer_id": "CUST-0001", "status": "delivered"},
                    ],
                    "open_tickets": [],
                }
            ),
        ),
        ("echo", {}, json.dumps({"text": "Echo: service   is healthy"})),
        (
            "get_order",
            {},
            json.dumps("Error executing tool get_order: order 'ORD-9' was not found"),
        ),
        ("search_tickets", {}, json.dumps({"total": 0, "tickets": []})),
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines()[1:] == [
        "lookup_customer for customer id CUST-0001 returned:",
        "- customer (CUST-0001 Sato: tier gold)",
        "- orders (2): ORD-1: status shipped; ORD-2: status delivered",
        "- open tickets: none",
        "echo answered: Echo: service   is healthy",
        "get_order reported: order 'ORD-9' was not found",
        "search_tickets found no tickets.",
    ]


async def test_a_japanese_request_gets_a_japanese_answer() -> None:
    request = with_results(
        "渋谷の渋滞状況は?",
        ("get_traffic", {"district": "Shibuya"}, json.dumps({"total": 0, "segments": []})),
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines() == [
        "オフライン応答です(ルールベース。言語モデルは使用していません)。",
        "get_trafficの結果: segments 0件。",
    ]


async def test_an_english_request_naming_a_japanese_place_is_answered_in_english() -> None:
    request = with_results(
        "Is traffic in 中区 congested?",
        ("get_traffic", {"district": "中区"}, json.dumps({"segments": []})),
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines() == [
        NOTICE,
        "get_traffic for district 中区 found no segments.",
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


async def test_list_arguments_from_the_request_are_named_and_the_whole_request_is_not() -> None:
    question = "Show open and urgent tickets"
    request = with_results(
        question,
        (
            "search_tickets",
            {"status": ["open"], "priority": "urgent", "text": question, "limit": 20},
            json.dumps({"tickets": []}),
        ),
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines()[1] == (
        "search_tickets for status open, priority urgent found no tickets."
    )


async def test_a_flat_record_without_an_id_reads_as_one_sentence() -> None:
    now = {"timezone": "Asia/Tokyo", "datetime": "2026-12-02T21:07:00+09:00", "is_dst": False}
    request = with_results(
        "What time is it in Asia/Tokyo?",
        ("get_current_time", {"timezone": "Asia/Tokyo"}, json.dumps(now)),
    )

    result = await OfflineChat().complete(request)

    assert result.content.splitlines()[1] == (
        "get_current_time for timezone Asia/Tokyo returned timezone Asia/Tokyo, "
        "datetime 2026-12-02T21:07:00+09:00, is dst: no."
    )


async def test_a_flag_is_named_only_when_the_request_asks_for_it() -> None:
    empty = json.dumps({"items": []})
    asked = with_results(
        "Which parts are below their reorder point?",
        ("check_inventory", {"below_reorder_point": True}, empty),
    )
    defaulted = with_results(
        "Which parts are low?", ("check_inventory", {"below_reorder_point": True}, empty)
    )

    assert (await OfflineChat().complete(asked)).content.splitlines()[1] == (
        "check_inventory for below reorder point found no items."
    )
    assert (await OfflineChat().complete(defaulted)).content.splitlines()[1] == (
        "check_inventory found no items."
    )


async def test_prose_comes_after_the_short_fields_unless_the_request_names_it() -> None:
    incident = {
        "incident_id": "INC-1",
        "description": "Water on the road",
        "severity": "high",
        "status": "open",
        "location": "Bridge",
        "crew": "Team 4",
        "reported_by": "Patrol",
    }
    result = json.dumps({"incidents": [incident]})
    plain = with_results("Incidents?", ("list_incidents", {}, result))
    named = with_results("Describe the incidents", ("list_incidents", {}, result))

    assert (await OfflineChat().complete(plain)).content.splitlines()[2] == (
        "- INC-1: severity high, status open, location Bridge, crew Team 4, reported by Patrol"
    )
    assert (await OfflineChat().complete(named)).content.splitlines()[2] == (
        "- INC-1: description Water on the road, severity high, status open, location Bridge, "
        "crew Team 4"
    )
