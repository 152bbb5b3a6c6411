"""An agent run's loop, step by step, with the model, the tools and the approvals answered by
the test: what the model is sent, which calls run under which key and approval, when the loop
stops, and what the answer says about changes that were not made."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.conversations.prompt import describe_thread
from core.models import (
    NOT_CARRIED_OUT,
    AgentAnswer,
    AgentStatus,
    AgentTask,
    ApprovalGrant,
    ApprovalInput,
    ApprovalOutcome,
    CoveredCall,
    EarlierTurn,
    LlmStepInput,
    ProposedCall,
    RemoteAgentCall,
    SealInput,
    ThreadContext,
    ToolCallInput,
    ToolResultSummary,
)
from core.remote_agents import SEND_MESSAGE, RemoteStart, RemoteTask, RemoteWork
from devhost.app_loader import FunctionIndex, load_app
from orchestrations import names
from orchestrations.admission import RejectedInputError
from orchestrations.tool_gate import approval_instance_id
from tests.unit.core.telemetry.conftest import recorded
from tests.unit.orchestrations.conftest import ROOT
from tests.unit.orchestrations.scripted import Failure, Run, Task, run

__all__ = ["recorded"]

RUN_ID = "wf-1:customer-support"
READ = {"id": "c1", "name": "get_ticket", "arguments": {"ticket_id": "T-1"}}
WRITE = {"id": "c2", "name": "update_ticket", "arguments": {"ticket_id": "T-1", "status": "closed"}}


@pytest.fixture(scope="module")
def index() -> FunctionIndex:
    return load_app(ROOT)


def agent_task(**change: Any) -> dict[str, Any]:
    task = AgentTask(
        workflow_id="wf-1",
        agent="customer-support",
        task="Close ticket T-1",
        query="Please close T-1",
        query_type="customer_support",
        budget_tokens=1000,
        max_steps=4,
        approval_timeout_seconds=600,
    )
    return task.model_copy(update=change).model_dump(mode="json")


def reply(
    content: str = "",
    calls: list[dict[str, Any]] | None = None,
    tokens: int = 100,
    writes: list[bool] | None = None,
) -> dict[str, Any]:
    return {
        "content": content,
        "tool_calls": calls or [],
        "usage": {"prompt_tokens": tokens - 10, "completion_tokens": 10, "total_tokens": tokens},
        "model": "gpt-test",
        "needs_approval": writes
        if writes is not None
        else [c["name"].startswith("update") for c in calls or []],
    }


def decided(approved: bool, reason: str = "Approved by ada.") -> dict[str, Any]:
    return ApprovalOutcome(
        approved=approved,
        approver="ada",
        digest="ab" * 32,
        reason=reason,
        decided_at="2026-12-02T12:00:05+00:00",
        expires_at="2026-12-02T12:10:00+00:00",
    ).model_dump(mode="json")


class Script:
    """The model's replies in order, each tool's result, and each approval's outcome."""

    def __init__(
        self,
        *replies: Any,
        admitted: Any = True,
        approval: Any = None,
        tools: dict[str, Any] | None = None,
    ) -> None:
        self.replies = list(replies)
        self.admitted = admitted
        self.approval = approval if approval is not None else decided(True)
        self.tools = tools or {}

    def __call__(self, task: Task) -> Any:
        if task.kind == "timer":
            return None
        if task.name == names.ADMIT_INPUT:
            return self.admitted
        if task.name == names.LLM_STEP:
            return self.replies.pop(0)
        if task.name == names.SEAL_INPUTS:
            return [s["input"] for s in task.input["starts"]]
        if task.name == names.APPROVAL:
            return self.approval
        if task.name == names.MCP_TOOL:
            call = ToolCallInput.model_validate(task.input)
            given = self.tools.get(call.tool, {"ok": call.tool})
            if isinstance(given, Failure | dict) and "error" not in given:
                return (
                    given
                    if isinstance(given, Failure)
                    else {"tool": call.tool, "arguments": call.arguments, "result": given}
                )
            return {"tool": call.tool, "arguments": call.arguments, **given}
        raise AssertionError(f"unexpected task {task.name}")


def agent(index: FunctionIndex, script: Script, **change: Any) -> tuple[Run, AgentAnswer]:
    done = run(
        index,
        names.AGENT_RUN,
        agent_task(**change),
        script,
        instance_id=RUN_ID,
        parent_instance_id="wf-1",
    )
    assert done.done, done.error
    return done, AgentAnswer.model_validate(done.output)


def steps(done: Run) -> list[LlmStepInput]:
    return [LlmStepInput.model_validate(t.input) for t in done.named(names.LLM_STEP)]


def tool_inputs(done: Run) -> list[ToolCallInput]:
    return [ToolCallInput.model_validate(t.input) for t in done.named(names.MCP_TOOL)]


def test_a_final_answer_ends_the_run_with_what_it_cost(index) -> None:
    done, answer = agent(index, Script(reply("T-1 is open.", tokens=120)))
    assert (answer.agent, answer.status, answer.answer) == (
        "customer-support",
        AgentStatus.OK,
        "T-1 is open.",
    )
    assert (answer.tokens, answer.steps, answer.tool_calls, answer.error) == (120, 1, [], None)
    (first,) = steps(done)
    assert (first.workflow_id, first.agent, first.query_type, first.step) == (
        "wf-1",
        "customer-support",
        "customer_support",
        0,
    )
    assert [(m.role, m.content) for m in first.messages] == [
        ("user", "Close ticket T-1\n\nOriginal request: Please close T-1")
    ]
    assert first.max_tokens == 1000


def test_the_request_context_is_shown_to_the_model(index) -> None:
    done, _ = agent(index, Script(reply("ok")), context={"ward": "Naka"})
    assert steps(done)[0].messages[0].content == (
        "Close ticket T-1\n\nOriginal request: Please close T-1\nContext: {'ward': 'Naka'}"
    )


def test_a_read_runs_under_its_own_key_and_its_result_goes_back_to_the_model(index) -> None:
    script = Script(
        reply("looking", [READ], tokens=300),
        reply("T-1 is open.", tokens=200),
        tools={"get_ticket": {"status": "開いている"}},
    )
    done, answer = agent(index, script)
    (call,) = tool_inputs(done)
    assert (call.workflow_id, call.agent, call.query_type, call.tool, call.arguments) == (
        "wf-1",
        "customer-support",
        "customer_support",
        "get_ticket",
        {"ticket_id": "T-1"},
    )
    assert call.idempotency_key == f"{RUN_ID}:1:0"
    assert call.approval is None
    assert done.named(names.APPROVAL) == []
    second = steps(done)[1]
    assert second.step == 1
    assert second.max_tokens == 1000 - 300
    assistant, tool = second.messages[1:]
    assert (assistant.role, assistant.content, [c.id for c in assistant.tool_calls]) == (
        "assistant",
        "looking",
        ["c1"],
    )
    assert (tool.role, tool.tool_call_id) == ("tool", "c1")
    assert tool.content == json.dumps({"status": "開いている"}, ensure_ascii=False)
    assert (answer.tokens, answer.steps, answer.status) == (500, 2, AgentStatus.OK)
    # The answer cites the call with the size of its result; the result is in the history.
    assert [(r.tool, r.result, r.summary) for r in answer.tool_calls] == [
        ("get_ticket", None, ToolResultSummary(chars=len(tool.content), items=0))
    ]


def test_the_answer_lists_the_records_its_tool_results_listed_each_once(index) -> None:
    search = {**READ, "name": "search_tickets", "arguments": {"status": "open"}}
    tickets = {
        "tickets": [
            {"ticket_id": "T-1", "subject": "Refund not received"},
            {"ticket_id": "T-2", "priority": "high"},
        ]
    }
    again = {**search, "id": "c3"}
    script = Script(
        reply("", [search, again]), reply("Two open tickets."), tools={"search_tickets": tickets}
    )
    _, answer = agent(index, script)
    assert answer.items == ["T-1 (Refund not received)", "T-2"]
    assert [r.summary for r in answer.tool_calls] == [
        ToolResultSummary(chars=len(json.dumps(tickets)), items=2)
    ] * 2


def test_calls_of_one_step_get_keys_by_position_and_results_in_order(index) -> None:
    other = {**READ, "id": "c9", "name": "get_order", "arguments": {"order_id": "O-1"}}
    script = Script(
        reply("", [READ, other]), reply("done"), tools={"get_order": {"error": "not found"}}
    )
    done, answer = agent(index, script)
    assert [c.idempotency_key for c in tool_inputs(done)] == [f"{RUN_ID}:1:0", f"{RUN_ID}:1:1"]
    assert [(r.tool, r.error) for r in answer.tool_calls] == [
        ("get_ticket", None),
        ("get_order", "not found"),
    ]
    tool_messages = [m for m in steps(done)[1].messages if m.role == "tool"]
    assert [(m.tool_call_id, m.content) for m in tool_messages] == [
        ("c1", '{"ok": "get_ticket"}'),
        ("c9", '"not found"'),
    ]
    assert answer.not_done == []


def test_the_model_is_asked_for_at_least_a_few_tokens(index) -> None:
    done, _ = agent(index, Script(reply("", [READ], tokens=980), reply("done")))
    assert steps(done)[1].max_tokens == 64


def test_a_spent_budget_stops_the_loop_before_the_next_model_call(index) -> None:
    done, answer = agent(index, Script(reply("", [READ], tokens=1000), reply("never")))
    assert len(steps(done)) == 1
    assert answer.status == AgentStatus.BUDGET_EXHAUSTED
    assert answer.answer == "Stopped after 1 model calls: the token budget of 1000 is spent."
    assert (answer.tokens, answer.steps) == (1000, 1)


def test_the_step_limit_stops_the_loop(index) -> None:
    script = Script(*[reply("", [READ], tokens=10) for _ in range(2)])
    done, answer = agent(index, script, max_steps=2)
    assert len(steps(done)) == 2
    assert answer.status == AgentStatus.MAX_STEPS
    assert answer.answer == "Stopped after 2 model calls without a final answer (the step limit)."


def test_a_failing_model_call_ends_in_a_failed_answer(index) -> None:
    done, answer = agent(index, Script(*[Failure("model unreachable")] * 3))
    assert len(steps(done)) == 3, "the model call is tried three times"
    assert answer.status == AgentStatus.FAILED
    assert "model unreachable" in (answer.error or "")
    assert answer.answer == f"The customer-support agent failed: {answer.error}"


def test_an_input_the_app_did_not_seal_runs_nothing(index) -> None:
    done = run(
        index, names.AGENT_RUN, agent_task(), Script(reply("x"), admitted=False), instance_id=RUN_ID
    )
    assert not done.done
    assert "agent_run refused its input" in (done.error or "")
    (check,) = done.named(names.ADMIT_INPUT)
    assert check.input["orchestration"] == names.AGENT_RUN
    assert check.input["instance_id"] == RUN_ID
    assert check.input["input"]["task"] == "Close ticket T-1"
    assert done.named(names.LLM_STEP) == []


def test_a_write_waits_for_its_own_approval_and_runs_under_it(index) -> None:
    script = Script(reply("", [READ, WRITE]), reply("closed"))
    done, answer = agent(index, script)
    (approval,) = done.named(names.APPROVAL)
    assert approval.instance_id == approval_instance_id(RUN_ID, 1, 1) == f"{RUN_ID}:approval:1:1"
    asked = ApprovalInput.model_validate(approval.input)
    proposed = ProposedCall(
        agent="customer-support", tool="update_ticket", arguments=WRITE["arguments"]
    )
    assert (asked.workflow_id, asked.call, asked.timeout_seconds) == ("wf-1", proposed, 600)
    assert (
        asked.reason == "The customer-support agent asks to run update_ticket, which changes data."
    )
    assert asked.covers == [CoveredCall(digest=proposed.digest(), key=f"{RUN_ID}:1:1")]
    assert asked.expires_at == "2026-12-02T12:10:02+00:00"  # ten minutes after the step's episode
    sealing = SealInput.model_validate(done.named(names.SEAL_INPUTS)[0].input)
    assert sealing.workflow_id == "wf-1"
    read, write = tool_inputs(done)
    assert read.approval is None
    assert write.approval == ApprovalOutcome.model_validate(script.approval)
    assert write.idempotency_key == f"{RUN_ID}:1:1"
    waiting = next(s for s in done.statuses if s and s.get("phase") == "awaiting_approval")
    assert waiting == {"phase": "awaiting_approval", "waiting": [proposed.describe()]}
    assert done.statuses[-1] == {"phase": "running"}
    assert answer.not_done == []
    assert answer.answer == "closed"


def test_a_denied_write_does_not_run_and_the_answer_lists_it(index) -> None:
    script = Script(
        reply("", [READ, WRITE]),
        reply("I could not close it."),
        approval=decided(False, "Denied by ada."),
    )
    done, answer = agent(index, script)
    assert [c.tool for c in tool_inputs(done)] == ["get_ticket"]
    error = f"{NOT_CARRIED_OUT}: Denied by ada."
    assert [(r.tool, r.error) for r in answer.tool_calls] == [
        ("get_ticket", None),
        ("update_ticket", error),
    ]
    described = "customer-support: update_ticket(ticket_id='T-1', status='closed')"
    assert answer.not_done == [f"{described}: {error}"]
    assert answer.answer == f"I could not close it.\n\nChanges not made:\n- {described}: {error}"
    tool_messages = [m for m in steps(done)[1].messages if m.role == "tool"]
    assert tool_messages[1].content == json.dumps(error)


def test_a_write_the_tool_refused_for_want_of_approval_is_listed_too(index) -> None:
    refused = {"error": f"{NOT_CARRIED_OUT}: the approval does not cover this call"}
    script = Script(
        reply("", [WRITE], writes=[False]), reply("no"), tools={"update_ticket": refused}
    )
    done, answer = agent(index, script)
    assert done.named(names.APPROVAL) == []
    assert len(answer.not_done) == 1
    assert answer.not_done[0].endswith(refused["error"])


def test_a_write_listed_in_the_approved_plan_runs_under_the_plans_key(index) -> None:
    proposed = ProposedCall(
        agent="customer-support", tool="update_ticket", arguments=WRITE["arguments"]
    )
    grant = ApprovalGrant(
        workflow_id="wf-1",
        approval_id="wf-1:approval",
        digest="cd" * 32,
        covers=[
            CoveredCall(digest="ef" * 32, key="wf-1:planned:0"),
            CoveredCall(digest=proposed.digest(), key="wf-1:planned:1"),
        ],
        approver="ada",
        approved=True,
        expires_at="2026-12-02T13:00:00+00:00",
    )
    plan_approval = ApprovalOutcome.model_validate(
        {**decided(True), "grant": grant.model_dump(mode="json"), "proof": "p"}
    )
    script = Script(reply("", [WRITE]), reply("closed"))
    done, _ = agent(index, script, plan_approval=plan_approval.model_dump(mode="json"))
    assert done.named(names.APPROVAL) == []
    (write,) = tool_inputs(done)
    assert write.idempotency_key == "wf-1:planned:1"
    assert write.approval == plan_approval


@pytest.mark.parametrize("change", [{"approved": False}, {"grant": None}])
def test_a_plan_approval_that_grants_nothing_leaves_the_write_to_its_own_approval(
    index, change
) -> None:
    proposed = ProposedCall(
        agent="customer-support", tool="update_ticket", arguments=WRITE["arguments"]
    )
    grant = ApprovalGrant(
        workflow_id="wf-1",
        approval_id="a",
        digest="cd" * 32,
        covers=[CoveredCall(digest=proposed.digest(), key="wf-1:planned:0")],
        approver="ada",
        approved=True,
        expires_at="e",
    )
    plan_approval = {**decided(True), "grant": grant.model_dump(mode="json"), **change}
    done, _ = agent(index, Script(reply("", [WRITE]), reply("ok")), plan_approval=plan_approval)
    assert len(done.named(names.APPROVAL)) == 1
    assert tool_inputs(done)[0].idempotency_key == f"{RUN_ID}:1:0"


def test_a_call_without_a_flag_runs_without_approval(index) -> None:
    done, _ = agent(index, Script(reply("", [READ, WRITE], writes=[False]), reply("ok")))
    assert done.named(names.APPROVAL) == []
    assert [c.tool for c in tool_inputs(done)] == ["get_ticket", "update_ticket"]


def test_each_run_counts_one_request_its_tokens_and_a_failure_once(index, recorded) -> None:
    """Replays of the same steps (every episode replays the earlier ones) count nothing."""
    agent(index, Script(reply("", [READ], tokens=100), reply("ok", tokens=50)))
    agent(index, Script(*[Failure("down")] * 3))
    who = (("agent", "customer-support"), ("query_type", "customer_support"))
    assert recorded.values("agent_requests_total") == {who: 2}
    assert recorded.values("agent_errors_total") == {
        (("agent", "customer-support"), ("error_type", "agent_failed")): 1
    }
    (latency,) = recorded.values("agent_response_time").values()
    assert latency[0] == 2
    assert latency[1] > 0
    tokens = recorded.values("agent_tokens_total")
    assert (
        tokens[(("agent", "customer-support"), ("model", "gpt-test"), ("token_type", "input"))]
        == 90 + 40
    )
    assert (
        tokens[(("agent", "customer-support"), ("model", "gpt-test"), ("token_type", "output"))]
        == 20
    )


def test_every_change_not_made_is_listed_on_its_own_line(index) -> None:
    other = {**WRITE, "id": "c3", "arguments": {"ticket_id": "T-2", "status": "closed"}}
    script = Script(
        reply("", [WRITE, other]), reply("Neither closed."), approval=decided(False, "Denied.")
    )
    _, answer = agent(index, script)
    assert len(answer.not_done) == 2
    assert answer.answer == "Neither closed.\n\nChanges not made:\n" + "\n".join(
        f"- {n}" for n in answer.not_done
    )


class FlakyTool(Script):
    """A script whose tool calls fail once before they answer."""

    failed = False

    def __call__(self, task: Task) -> Any:
        if task.name == names.MCP_TOOL and not self.failed:
            self.failed = True
            return Failure("tool server restarting")
        return super().__call__(task)


def test_a_tool_call_is_retried(index) -> None:
    done, answer = agent(index, FlakyTool(reply("", [READ]), reply("done")))
    assert len(done.named(names.MCP_TOOL)) == 2
    assert answer.status == AgentStatus.OK
    assert answer.tool_calls[0].summary == ToolResultSummary(chars=len('{"ok": "get_ticket"}'))


def test_tokens_of_a_reply_without_a_model_name_are_counted_as_unknown(index, recorded) -> None:
    agent(index, Script({**reply("ok", tokens=30), "model": ""}))
    tokens = recorded.values("agent_tokens_total")
    assert (
        tokens[(("agent", "customer-support"), ("model", "unknown"), ("token_type", "output"))]
        == 10
    )


def test_a_turn_of_a_thread_shows_the_model_its_earlier_turns_first(index) -> None:
    thread = ThreadContext(
        thread_id="t-1",
        turns=[EarlierTurn(workflow_id="wf-0", query="Which tickets are open?", items=["T-1"])],
    )
    done, _ = agent(index, Script(reply("ok")), thread=thread.model_dump(mode="json"))
    system, user = steps(done)[0].messages
    assert (system.role, system.content) == ("system", describe_thread(thread))
    assert (user.role, user.content) == (
        "user",
        "Close ticket T-1\n\nOriginal request: Please close T-1",
    )


def test_a_thread_without_earlier_turns_adds_nothing(index) -> None:
    done, _ = agent(index, Script(reply("ok")), thread={"thread_id": "t-1", "turns": []})
    assert [m.role for m in steps(done)[0].messages] == ["user"]


def test_a_successful_run_counts_no_error_and_its_latency(index, recorded) -> None:
    """Admitted in the second episode, answered in the third: one second on the run's clock."""
    agent(index, Script(reply("ok")))
    assert recorded.values("agent_errors_total") == {}
    assert recorded.values("agent_response_time") == {(("agent", "customer-support"),): (1, 1000.0)}


def test_only_the_writes_the_approved_plan_lists_skip_their_own_approval(index) -> None:
    listed = ProposedCall(
        agent="customer-support", tool="update_ticket", arguments=WRITE["arguments"]
    )
    other = {**WRITE, "id": "c3", "arguments": {"ticket_id": "T-9", "status": "closed"}}
    grant = ApprovalGrant(
        workflow_id="wf-1",
        approval_id="wf-1:approval",
        digest="cd" * 32,
        covers=[CoveredCall(digest=listed.digest(), key="wf-1:planned:0")],
        approver="ada",
        approved=True,
        expires_at="2026-12-02T13:00:00+00:00",
    )
    plan_approval = {**decided(True), "grant": grant.model_dump(mode="json")}
    script = Script(reply("", [WRITE, other]), reply("done"))
    done, _ = agent(index, script, plan_approval=plan_approval)
    (approval,) = done.named(names.APPROVAL)
    assert approval.instance_id == approval_instance_id(RUN_ID, 1, 1)
    assert [c.idempotency_key for c in tool_inputs(done)] == ["wf-1:planned:0", f"{RUN_ID}:1:1"]

    unlisted = Script(reply("", [other]), reply("done"))
    done, _ = agent(index, unlisted, plan_approval=plan_approval)
    assert len(done.named(names.APPROVAL)) == 1


def test_a_refused_input_names_the_orchestrator_and_where_the_refusal_is() -> None:
    refused = RejectedInputError(names.AGENT_RUN)
    assert refused.orchestration == names.AGENT_RUN
    assert str(refused) == (
        "agent_run refused its input: it was not issued by the coordinator "
        "(nothing was run; the refusal is in the audit log)"
    )


class RemoteScript(Script):
    """A remote A2A agent's run: `a2a_send` answers with `started`."""

    def __init__(self, started: dict[str, Any]) -> None:
        super().__init__()
        self.started = started

    def __call__(self, task: Task) -> Any:
        if task.name == names.A2A_SEND:
            return self.started
        return super().__call__(task)


def test_a_remote_agent_is_sent_its_thread_and_task_as_one_message_and_answers_with_its_text(
    index,
) -> None:
    thread = ThreadContext(
        thread_id="t-1",
        turns=[EarlierTurn(workflow_id="wf-0", query="Which tickets are open?", items=["T-1"])],
    )
    finished = RemoteTask(task_id="r-1", state="completed", text="T-1 is closed.")
    started = RemoteStart(
        task=finished,
        work=RemoteWork(poll_seconds=1, max_poll_seconds=4, timeout_seconds=60),
    )
    done, answer = agent(
        index,
        RemoteScript(started.model_dump(mode="json")),
        thread=thread.model_dump(mode="json"),
        remote=RemoteAgentCall(needs_approval=False),
    )
    (send,) = [ToolCallInput.model_validate(t.input) for t in done.named(names.A2A_SEND)]
    assert (send.tool, send.idempotency_key) == (SEND_MESSAGE, f"{RUN_ID}:{SEND_MESSAGE}")
    assert send.arguments == {
        "text": f"{describe_thread(thread)}\n\nClose ticket T-1\n\nOriginal request: Please close T-1"
    }
    assert done.named(names.LLM_STEP) == []
    assert (answer.agent, answer.status, answer.answer) == (
        "customer-support",
        AgentStatus.OK,
        "T-1 is closed.",
    )
    [record] = answer.tool_calls
    assert (record.tool, record.error, record.result) == (
        SEND_MESSAGE,
        None,
        finished.model_dump(mode="json"),
    )
