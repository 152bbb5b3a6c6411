"""Joining a thread before a run starts: the caller's own thread gives its earlier turns,
bounded by THREAD_HISTORY_TOKENS and by the request's budget; someone else's is refused; the
started turn is written once and never over the finished one."""

from datetime import UTC, datetime, timedelta

import pytest

from core.agent_logs import ThreadTurn, TurnStatus, get_agent_log_store
from core.auth import DEVELOPMENT_PRINCIPAL
from core.models import CoordinatorInput, CoordinatorRequest, RunOwner
from tests.unit.triggers.conftest import Configure
from triggers.shared.conversations import record_started_turn, with_thread
from triggers.shared.errors import ForbiddenError

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ME = DEVELOPMENT_PRINCIPAL.oid


def asked(query: str, budget: int | None = None) -> CoordinatorInput:
    request = CoordinatorRequest(query=query, thread_id="th-1", budget_tokens=budget)
    return CoordinatorInput(request=request, owner=RunOwner(oid=ME, name="me"))


async def put_finished(count: int, owner: str = ME) -> None:
    for n in range(count):
        await get_agent_log_store().put_turn(
            ThreadTurn(
                thread_id="th-1",
                workflow_id=f"wf-{n}",
                owner=owner,
                query=f"question {n}",
                status=TurnStatus.COMPLETED,
                answer="word " * 150,
                started_at=T0 + timedelta(minutes=n),
                finished_at=T0 + timedelta(minutes=n, seconds=5),
            )
        )


async def test_a_request_without_a_thread_is_unchanged(settings_env: Configure) -> None:
    plain = CoordinatorInput(request=CoordinatorRequest(query="hi"))
    assert await with_thread(plain, DEVELOPMENT_PRINCIPAL) is plain


async def test_the_summary_is_bounded_by_the_setting_and_by_the_requests_budget(
    settings_env: Configure,
) -> None:
    await put_finished(6)

    roomy = await with_thread(asked("and?"), DEVELOPMENT_PRINCIPAL)
    settings_env(THREAD_HISTORY_TOKENS="400")
    narrow = await with_thread(asked("and?"), DEVELOPMENT_PRINCIPAL)
    settings_env(THREAD_HISTORY_TOKENS="20000")
    small_budget = await with_thread(asked("and?", budget=2000), DEVELOPMENT_PRINCIPAL)

    assert roomy.thread is not None
    assert narrow.thread is not None
    assert small_budget.thread is not None
    assert [t.workflow_id for t in roomy.thread.turns] == [f"wf-{n}" for n in range(6)]
    assert 0 < len(narrow.thread.turns) < 6
    assert narrow.thread.turns[-1].workflow_id == "wf-5"
    assert len(small_budget.thread.turns) < 6
    assert small_budget.thread.omitted == 6 - len(small_budget.thread.turns)


async def test_someone_elses_thread_is_refused_naming_the_field(settings_env: Configure) -> None:
    await put_finished(1, owner="oid-someone-else")

    with pytest.raises(ForbiddenError) as refused:
        await with_thread(asked("and?"), DEVELOPMENT_PRINCIPAL)

    assert [d.field for d in refused.value.detail] == ["thread_id"]


async def test_the_started_turn_never_replaces_the_finished_one(settings_env: Configure) -> None:
    joined = await with_thread(asked("first"), DEVELOPMENT_PRINCIPAL)
    await record_started_turn(joined, "wf-0")
    [started] = await get_agent_log_store().list_turns("th-1")
    assert (started.status, started.owner, started.query) == (TurnStatus.RUNNING, ME, "first")

    done = started.model_copy(update={"status": TurnStatus.COMPLETED, "answer": "done"})
    await get_agent_log_store().put_turn(done)
    await record_started_turn(joined, "wf-0")

    assert await get_agent_log_store().list_turns("th-1") == [done]
