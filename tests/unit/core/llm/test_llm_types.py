"""The chat-model value types validate on construction and survive a JSON checkpoint."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from core.llm import ChatMessage, ChatRequest, ChatResult, TokenUsage, ToolCall, ToolSpec
from core.llm.errors import ModelRateLimitedError, ModelResponseError


class Plan(BaseModel):
    agents: list[str]


def test_a_tool_message_needs_the_call_id_it_answers() -> None:
    with pytest.raises(ValidationError, match="tool_call_id is required"):
        ChatMessage(role="tool", content="{}")


def test_only_assistant_messages_carry_tool_calls() -> None:
    with pytest.raises(ValidationError, match="tool_calls are allowed only"):
        ChatMessage(role="user", tool_calls=[ToolCall(id="c1", name="t")])


def test_only_tool_messages_carry_a_tool_call_id() -> None:
    with pytest.raises(ValidationError, match="tool_call_id is allowed only"):
        ChatMessage(role="user", content="hi", tool_call_id="c1")


def test_tool_names_follow_the_chat_completions_rule() -> None:
    with pytest.raises(ValidationError, match="name must be 1-64"):
        ToolSpec(name="get ticket")


def test_a_request_needs_a_message_and_sane_limits() -> None:
    with pytest.raises(ValidationError, match="messages"):
        ChatRequest(messages=[])
    with pytest.raises(ValidationError, match="max_tokens"):
        ChatRequest(messages=[ChatMessage(role="user", content="hi")], max_tokens=0)


def test_a_request_dumps_its_response_format_as_a_dotted_name() -> None:
    request = ChatRequest(messages=[ChatMessage(role="user", content="hi")], response_format=Plan)

    assert request.model_dump(mode="json")["response_format"] == f"{__name__}.Plan"


def test_a_result_survives_a_json_checkpoint() -> None:
    result = ChatResult(
        content='{"agents": ["enterprise"]}',
        parsed=Plan(agents=["enterprise"]),
        tool_calls=[ToolCall(id="c1", name="get_ticket", arguments={"id": "TKT-1"})],
        usage=TokenUsage(prompt_tokens=3, completion_tokens=4, total_tokens=7),
        model="gpt-4o",
    )

    restored = ChatResult.model_validate_json(result.model_dump_json())

    assert restored.parsed == {"agents": ["enterprise"]}
    assert restored.parsed_as(Plan) == Plan(agents=["enterprise"])
    assert restored.model_dump() == result.model_dump()


def test_parsed_as_needs_a_parsed_answer() -> None:
    result = ChatResult(content="plain", usage=TokenUsage(), model="gpt-4o")

    with pytest.raises(ValueError, match="no parsed answer"):
        result.parsed_as(Plan)


def test_errors_carry_their_data_in_the_message() -> None:
    throttled = ModelRateLimitedError(12.5, request_id="req-1")
    unusable = ModelResponseError("bad json", schema="Plan", content="{")

    assert str(throttled) == "The model is rate limited; retry after 12.5s."
    assert throttled.request_id == "req-1"
    assert str(unusable) == "The model's answer for schema 'Plan' is unusable: bad json"
    assert unusable.content == "{"
