"""A coordinator run in a thread, on the engine with the offline model and in-process tools:
the previous turn's items reach the plan and the agent, so "the second one" looks up the
second ticket the first answer listed, and the finished run becomes the turn the app wrote
when it started it (a run the app did not start in the thread adds no turn)."""

from core.agent_logs import ThreadTurn, TurnStatus, get_agent_log_store
from core.models import (
    CoordinatorInput,
    CoordinatorRequest,
    CoordinatorResult,
    EarlierTurn,
    RunOwner,
    ThreadContext,
)
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus

ALICE = RunOwner(oid="oid-alice", name="Alice")
URGENT = EarlierTurn(
    workflow_id="wf-1",
    query="Which open support tickets are urgent?",
    answer="Two urgent tickets are open.",
    agents=["customer-support"],
    tools=["customer-support: search_tickets"],
    items=["TCK-10011 (付属品が不足しています)", "TCK-10013 (Refund not received)"],
)


async def ask(
    engine: Engine, query: str, thread: ThreadContext | None, started: ThreadTurn | None = None
) -> CoordinatorResult:
    payload = CoordinatorInput(
        request=CoordinatorRequest(query=query, thread_id="th-1"),
        owner=ALICE,
        thread=thread,
    )
    if started is not None:
        await get_agent_log_store().put_turn(started)
    instance_id = started.workflow_id if started else None
    body = client_input(payload.model_dump(mode="json"))
    iid = await engine.start_new("coordinator", instance_id, body)
    state = await engine.wait_for_completion(iid, 30.0)
    assert state.runtime_status == RuntimeStatus.COMPLETED, state.output
    return CoordinatorResult.model_validate_json(state.output)


async def test_a_follow_up_looks_up_the_item_the_previous_answer_listed_second(engine: Engine):
    result = await ask(
        engine, "And the second one?", ThreadContext(thread_id="th-1", turns=[URGENT])
    )

    assert [t.agent for t in result.plan.tasks] == ["customer-support"]
    assert "TCK-10013" in result.plan.tasks[0].task
    looked_up = [c.arguments for a in result.agents for c in a.tool_calls if c.tool == "get_ticket"]
    assert looked_up == [{"ticket_id": "TCK-10013"}]
    assert "TCK-10013" in result.answer


async def test_the_same_follow_up_without_its_thread_asks_every_agent_about_no_ticket(
    engine: Engine,
):
    result = await ask(engine, "And the second one?", None)

    assert len(result.plan.tasks) > 1
    assert not [c for a in result.agents for c in a.tool_calls if c.tool == "get_ticket"]


async def test_a_finished_run_in_a_thread_is_written_over_its_started_turn(engine: Engine):
    query = "Which open support tickets are urgent?"
    started = ThreadTurn(
        thread_id="th-1",
        workflow_id="wf-started",
        owner=ALICE.oid,
        owner_name=ALICE.name,
        query=query,
    )
    result = await ask(engine, query, ThreadContext(thread_id="th-1"), started)

    [turn] = await get_agent_log_store().list_turns("th-1")
    assert turn.workflow_id == result.workflow_id == "wf-started"
    assert (turn.owner, turn.owner_name) == ("oid-alice", "Alice")
    assert turn.status == TurnStatus.COMPLETED
    assert turn.answer == result.answer
    assert turn.agents == ["customer-support"]
    assert "customer-support: search_tickets" in turn.tools
    assert turn.items[:2] == [
        "TCK-10011 (付属品が不足しています)",
        "TCK-10013 (Refund not received)",
    ]
    assert turn.started_at == started.started_at
    assert turn.finished_at is not None
    assert turn.started_at <= turn.finished_at


async def test_a_run_the_app_did_not_start_in_the_thread_adds_no_turn(engine: Engine):
    others = ThreadTurn(thread_id="th-1", workflow_id="wf-bob", owner="oid-bob", query="mine")
    await get_agent_log_store().put_turn(others)

    result = await ask(
        engine, "Which open support tickets are urgent?", ThreadContext(thread_id="th-1")
    )

    assert result.status == "completed"
    assert await get_agent_log_store().list_turns("th-1") == [others]
