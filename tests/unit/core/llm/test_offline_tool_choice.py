"""OfflineChat picks tools by keywords and fills their arguments from the JSON schema."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from core.llm import ChatMessage, ChatRequest, ChatResult, OfflineChat, ToolCall, ToolSpec


def tool(name: str, description: str, properties: dict[str, Any], *required: str) -> ToolSpec:
    return ToolSpec(
        name=name,
        description=description,
        parameters={"type": "object", "properties": properties, "required": list(required)},
    )


GET_TICKET = tool(
    "get_ticket",
    "Get a support ticket (サポートチケット) by its id",
    {"ticket_id": {"type": "string", "pattern": "^TKT-[0-9]{4}$"}},
    "ticket_id",
)
SEARCH_TICKETS = tool(
    "search_tickets",
    "Search support tickets by keywords and status",
    {
        "query": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "in_progress", "closed"], "default": "open"},
    },
    "query",
)
SENSOR_READING = tool(
    "get_sensor_reading",
    "Latest reading of a smart city sensor (センサーの測定値)",
    {
        "sensor_id": {"type": "string", "pattern": "^SN-[0-9]{3}$"},
        "metric": {"type": "string", "enum": ["traffic", "air_quality", "noise"]},
        "window_minutes": {"type": "integer", "default": 15},
    },
    "sensor_id",
)
LIST_EMPLOYEES = tool(
    "list_employees",
    "部署の社員一覧を返す (list employees of a department)",
    {"department": {"type": "string", "enum": ["営業", "開発", "人事"]}},
    "department",
)
TOOLS = [GET_TICKET, SEARCH_TICKETS, SENSOR_READING, LIST_EMPLOYEES]


async def choose(text: str, tools: list[ToolSpec] = TOOLS) -> ChatResult:
    request = ChatRequest(messages=[ChatMessage(role="user", content=text)], tools=tools)
    return await OfflineChat().complete(request)


async def test_an_id_matching_a_parameter_pattern_selects_its_tool() -> None:
    result = await choose("TKT-1234 の状況を教えて")

    assert result.tool_calls == [
        ToolCall(id="call_1_0", name="get_ticket", arguments={"ticket_id": "TKT-1234"})
    ]
    assert result.finish_reason == "tool_calls"
    assert result.content == ""
    assert result.offline is True
    assert result.model == "offline-rules"


async def test_english_keywords_and_enum_mentions_fill_the_arguments() -> None:
    result = await choose("Show the latest noise reading of sensor SN-042")

    assert [(c.name, c.arguments) for c in result.tool_calls] == [
        (
            "get_sensor_reading",
            {"sensor_id": "SN-042", "metric": "noise", "window_minutes": 15},
        )
    ]


async def test_japanese_keywords_and_enum_values_select_the_tool() -> None:
    result = await choose("開発の部署の社員一覧を見せて")

    assert [(c.name, c.arguments) for c in result.tool_calls] == [
        ("list_employees", {"department": "開発"})
    ]


async def test_tools_whose_required_arguments_cannot_be_filled_are_skipped() -> None:
    result = await choose("What is the status of my support ticket?")

    assert [c.name for c in result.tool_calls] == ["search_tickets"]


async def test_free_text_parameters_take_the_request_and_defaults_fill_the_rest() -> None:
    mentioned = await choose("find in progress tickets about login")
    unmentioned = await choose("find tickets about login")

    assert mentioned.tool_calls[0].arguments == {
        "query": "find in progress tickets about login",
        "status": "in_progress",
    }
    assert unmentioned.tool_calls[0].arguments["status"] == "open"


async def test_an_array_parameter_collects_every_pattern_match() -> None:
    compare = tool(
        "compare_sensors",
        "Compare sensors",
        {"sensor_ids": {"type": "array", "items": {"type": "string", "pattern": "^SN-\\d{3}$"}}},
        "sensor_ids",
    )

    result = await choose("compare SN-001 with SN-002 and SN-001 again", [compare])

    assert result.tool_calls[0].arguments == {"sensor_ids": ["SN-001", "SN-002"]}


async def test_an_integer_pattern_match_becomes_an_integer() -> None:
    order = tool(
        "get_order",
        "Get an order",
        {"order_number": {"type": "integer", "pattern": "^[0-9]{6}$"}},
        "order_number",
    )

    result = await choose("where is order 123456?", [order])

    assert result.tool_calls[0].arguments == {"order_number": 123456}


async def test_pattern_matches_do_not_cut_longer_ids() -> None:
    result = await choose("TKT-12345 please", [GET_TICKET])

    assert result.tool_calls == []


class Priority(StrEnum):
    LOW = "low"
    HIGH = "high"


class EscalateArgs(BaseModel):
    ticket_id: str = Field(pattern=r"^TKT-\d{4}$")
    priority: Priority | None = None
    notify: bool = False


async def test_pydantic_schemas_with_refs_and_optional_values_are_understood() -> None:
    escalate = ToolSpec(
        name="escalate_ticket",
        description="Escalate a ticket",
        parameters=EscalateArgs.model_json_schema(),
    )

    result = await choose("Escalate TKT-0001 to HIGH priority", [escalate])

    assert result.tool_calls[0].arguments == {
        "ticket_id": "TKT-0001",
        "priority": "high",
        "notify": False,
    }


async def test_at_most_three_tools_are_called_best_first() -> None:
    reports = [
        tool(f"{area}_report", f"Daily {area} report", {}) for area in ("sales", "hr", "it", "ops")
    ]
    best = tool("sales_summary_report", "Daily sales summary report", {})

    result = await choose("daily sales report", [*reports, best])

    # Both sales reports score 5, the others 3 (over half the best); ties go by name.
    assert [c.name for c in result.tool_calls] == [
        "sales_report",
        "sales_summary_report",
        "hr_report",
    ]
    assert [c.id for c in result.tool_calls] == ["call_1_0", "call_1_1", "call_1_2"]


async def test_no_matching_tool_gives_an_offline_text_answer() -> None:
    result = await choose("How is the weather today?")

    assert result.tool_calls == []
    assert result.finish_reason == "stop"
    assert result.content.splitlines() == [
        "Offline answer (rule-based; no language model was used).",
        "No available tool matched the request.",
        "How is the weather today?",
    ]


async def test_tool_results_from_an_earlier_turn_do_not_stop_new_tool_calls() -> None:
    earlier = ToolCall(id="c1", name="get_ticket", arguments={"ticket_id": "TKT-1111"})
    request = ChatRequest(
        messages=[
            ChatMessage(role="user", content="TKT-1111?"),
            ChatMessage(role="assistant", tool_calls=[earlier]),
            ChatMessage(role="tool", tool_call_id="c1", content='{"status": "closed"}'),
            ChatMessage(role="assistant", content="It is closed."),
            ChatMessage(role="user", content="And TKT-2222?"),
        ],
        tools=TOOLS,
    )

    result = await OfflineChat().complete(request)

    assert [(c.name, c.arguments) for c in result.tool_calls] == [
        ("get_ticket", {"ticket_id": "TKT-2222"})
    ]


async def test_tools_scoring_under_half_the_best_are_left_out() -> None:
    reports = [tool(f"{area}_report", f"Daily {area} report", {}) for area in ("sales", "hr")]
    best = tool("sales_summary_report", "Daily sales summary report", {})

    result = await choose("daily sales summary report", [*reports, best])

    # Scores: sales_summary_report 7, sales_report 5, hr_report 3 (< 7 / 2).
    assert [c.name for c in result.tool_calls] == ["sales_summary_report", "sales_report"]


class LookupArgs(BaseModel):
    customer_id: str | None = Field(None, pattern=r"^CUST-\d{4}$")
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+$")


async def test_a_lookup_is_called_only_when_one_of_its_identifiers_is_in_the_text() -> None:
    lookup = ToolSpec(
        name="lookup_customer",
        description="Find a customer by customer id or email",
        parameters=LookupArgs.model_json_schema(),
    )

    without = await choose("Look up the customer who complained about a late order", [lookup])
    with_id = await choose("Look up customer CUST-0028", [lookup])

    assert without.tool_calls == []
    assert with_id.tool_calls[0].arguments == {"customer_id": "CUST-0028"}
