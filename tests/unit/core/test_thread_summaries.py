"""What a thread keeps of a finished turn and what a new request of the thread sees: the
items results listed, in order; the newest turns within the token bound; the prompt text."""

import json
from datetime import UTC, datetime, timedelta

from core.agent_logs import ThreadTurn, TurnStatus
from core.conversations.items import MAX_ITEMS, listed_items, result_items
from core.conversations.prompt import describe_thread
from core.conversations.summary import MAX_ANSWER_CHARS, thread_context
from core.models import (
    AgentAnswer,
    AgentStatus,
    EarlierTurn,
    ThreadContext,
    ToolCallRecord,
    ToolResultSummary,
)
from core.tool_results import summarized

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def answer(*results: dict | None, error: str | None = None) -> AgentAnswer:
    calls = [ToolCallRecord(tool="t", arguments={}, result=r, error=error) for r in results]
    return AgentAnswer(agent="customer-support", status=AgentStatus.OK, tool_calls=calls)


def turn(number: int, status: TurnStatus = TurnStatus.COMPLETED, answer: str = "") -> ThreadTurn:
    return ThreadTurn(
        thread_id="th-1",
        workflow_id=f"wf-{number}",
        owner="oid-alice",
        query=f"question {number}",
        status=status,
        answer=answer or f"answer {number}",
        started_at=T0 + timedelta(minutes=number),
    )


def test_items_are_the_listed_records_ids_with_a_label_in_order_without_repeats():
    tickets = {
        "total": 3,
        "tickets": [
            {"ticket_id": "TCK-1", "subject": "Broken screen", "priority": "urgent"},
            {"ticket_id": "TCK-2", "subject": "x" * 200},
            {"ticket_id": "TCK-1", "subject": "Broken screen"},
        ],
    }
    sensors = [{"sensor_id": "S-9", "readings": [{"value": 3}]}]

    items = result_items([answer(tickets), answer({"anomalies": sensors})])

    assert items[0] == "TCK-1 (Broken screen)"
    assert items[1].startswith("TCK-2 (xxx")
    assert items[1].endswith("…)")
    assert len(items[1]) < 100
    assert items[2:] == ["S-9"]


def test_items_skip_failed_calls_single_records_and_stop_at_the_limit():
    many = {"orders": [{"order_id": f"ORD-{n}"} for n in range(MAX_ITEMS + 5)]}

    assert result_items([answer({"order_id": "ORD-1", "status": "late"})]) == []
    assert result_items([answer(many, error="timed out")]) == []
    assert result_items([answer(many)]) == [f"ORD-{n}" for n in range(MAX_ITEMS)]


def test_answers_citing_results_in_summary_give_the_turn_the_same_items():
    orders = {"orders": [{"order_id": f"ORD-{n}", "status": "late"} for n in range(15)]}
    tickets = {"tickets": [{"ticket_id": f"TCK-{n}"} for n in range(15)] + orders["orders"][:3]}
    full = [answer(orders, tickets), answer(tickets, orders)]
    cited = [
        a.model_copy(
            update={
                "items": listed_items(a.tool_calls),
                "tool_calls": [summarized(c) for c in a.tool_calls],
            }
        )
        for a in full
    ]

    assert result_items(cited) == result_items(full)
    assert [c.result for a in cited for c in a.tool_calls] == [None] * 4
    assert cited[0].tool_calls[1].summary == ToolResultSummary(
        chars=len(json.dumps(tickets)), items=18
    )


def test_the_summary_keeps_the_newest_finished_turns_within_the_bound_oldest_first():
    turns = [turn(n, answer="word " * 200) for n in range(1, 6)]
    turns.append(turn(6, status=TurnStatus.RUNNING))

    context = thread_context("th-1", turns, budget_tokens=700)

    kept = [t.workflow_id for t in context.turns]
    assert kept
    assert kept == [f"wf-{n}" for n in range(6 - len(kept), 6)]
    assert len(kept) < 5
    assert context.omitted == 5 - len(kept)
    roomy = thread_context("th-1", turns, budget_tokens=20_000)
    assert [t.workflow_id for t in roomy.turns] == [f"wf-{n}" for n in range(1, 6)]


def test_the_summary_clips_long_answers():
    context = thread_context("th-1", [turn(1, answer="a" * 5000)], budget_tokens=20_000)

    assert len(context.turns[0].answer) == MAX_ANSWER_CHARS


def test_the_prompt_numbers_each_turns_items_and_names_its_agents_and_tools():
    earlier = EarlierTurn(
        workflow_id="wf-1",
        query="Which tickets are urgent?",
        answer="Two.\nBoth open.",
        agents=["customer-support"],
        tools=["customer-support: search_tickets"],
        items=["TCK-1 (Broken screen)", "TCK-2 (Late refund)"],
    )

    text = describe_thread(ThreadContext(thread_id="th-1", turns=[earlier], omitted=2))

    assert "(2 older turns left out)" in text
    assert "Turn 1 (workflow wf-1): Which tickets are urgent?" in text
    assert "Agents: customer-support" in text
    assert "Tools: customer-support: search_tickets" in text
    assert "1. TCK-1 (Broken screen)" in text
    assert "2. TCK-2 (Late refund)" in text
    assert "Answer: Two.\n  Both open." in text
