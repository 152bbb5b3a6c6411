"""A thread's turns as the next request sees them: the newest finished turns that fit a
token budget, each answer clipped, oldest first; and a finished workflow as a turn."""

from __future__ import annotations

from datetime import datetime

from core.agent_logs.models import ThreadTurn, TurnStatus
from core.conversations.items import clip, result_items
from core.llm.offline.text import estimate_tokens
from core.models import CoordinatorResult, EarlierTurn, ThreadContext, TurnRecord

MAX_TURNS = 10
MAX_ANSWER_CHARS = 1200
MAX_QUERY_CHARS = 400


def _earlier(turn: ThreadTurn) -> EarlierTurn:
    return EarlierTurn(
        workflow_id=turn.workflow_id,
        query=clip(turn.query, MAX_QUERY_CHARS),
        answer=clip(turn.answer, MAX_ANSWER_CHARS),
        agents=turn.agents,
        tools=turn.tools,
        items=turn.items,
    )


def _tokens(turn: EarlierTurn) -> int:
    return estimate_tokens(turn.model_dump_json())


def thread_context(thread_id: str, turns: list[ThreadTurn], budget_tokens: int) -> ThreadContext:
    """The summary of `turns` (oldest first, as the store lists them) a new request of the
    thread gets: finished turns only, newest first until MAX_TURNS or `budget_tokens`
    (estimated) is reached, then put back in order; `omitted` counts the finished turns
    left out."""
    finished = [t for t in turns if t.status != TurnStatus.RUNNING]
    kept: list[EarlierTurn] = []
    spent = 0
    for turn in reversed(finished[-MAX_TURNS:]):
        earlier = _earlier(turn)
        cost = _tokens(earlier)
        if spent + cost > budget_tokens:
            break
        kept.append(earlier)
        spent += cost
    kept.reverse()
    return ThreadContext(thread_id=thread_id, turns=kept, omitted=len(finished) - len(kept))


def finished_turn(result: CoordinatorResult, done: TurnRecord, started_at: datetime) -> ThreadTurn:
    """The turn a finished workflow leaves in its thread: its answer, the agents and tools
    it used and the items their results listed."""
    tools = (f"{a.agent}: {c.tool}" for a in result.agents for c in a.tool_calls)
    return ThreadTurn(
        thread_id=done.thread_id,
        workflow_id=result.workflow_id,
        owner=done.owner.oid,
        owner_name=done.owner.name,
        query=result.query,
        status=TurnStatus(result.status),
        answer=result.answer,
        agents=[a.agent for a in result.agents],
        tools=list(dict.fromkeys(tools)),
        items=result_items(result.agents),
        started_at=started_at,
        finished_at=done.finished_at,
    )
