"""The coordinator's decisions, step by step, with its activities and children answered by the
test: what each agent is asked with which share of the budget, what the synthesis may spend,
how approvals, failures and an unreachable log store end the run, and what the status shows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import (
    AgentAnswer,
    AgentStatus,
    AgentTask,
    ApprovalInput,
    ApprovalOutcome,
    CoordinatorResult,
    EarlierTurn,
    Plan,
    PlannedTask,
    ProposedCall,
    RemoteAgentCall,
    SealInput,
    SynthesisInput,
    ThreadContext,
    WorkflowLimits,
    WorkflowRecord,
)
from devhost.app_loader import FunctionIndex, load_app
from orchestrations import names
from orchestrations.budget import split_budget
from tests.unit.core.telemetry.conftest import recorded
from tests.unit.orchestrations.conftest import ROOT
from tests.unit.orchestrations.scripted import PENDING, START, Failure, Later, Run, Task, run

__all__ = ["recorded"]

WRITE = ProposedCall(agent="customer-support", tool="update_ticket", arguments={"id": "T-1"})
TWO = Plan(
    tasks=[
        PlannedTask(agent="customer-support", task="check order ORD-1"),
        PlannedTask(agent="smart-city", task="traffic in Shibuya"),
    ],
    rationale="both",
)


@pytest.fixture(scope="module")
def index() -> FunctionIndex:
    return load_app(ROOT)


class Script:
    """Answers for one coordinator run; each field is what that step returns."""

    def __init__(self, plan: Plan = TWO, **change: Any) -> None:
        self.limits = WorkflowLimits(default_budget_tokens=6000, max_steps=4)
        self.plan = plan
        self.plan_tokens = 600
        self.max_steps: dict[str, int] = {}
        self.remote: dict[str, RemoteAgentCall] = {}
        self.offline = False
        self.answers: dict[str, Any] = {}
        self.approval: Any = None
        self.synthesis_tokens = 300
        self.synthesis_offline = False
        self.record: Any = None
        self.self_test: Any = None
        for name, value in change.items():
            setattr(self, name, value)

    def answer(
        self, agent: str, tokens: int = 100, status: AgentStatus = AgentStatus.OK, **fields: Any
    ) -> dict[str, Any]:
        return AgentAnswer(
            agent=agent, status=status, answer=f"{agent} says hi", tokens=tokens, **fields
        ).model_dump(mode="json")

    def __call__(self, task: Task) -> Any:
        if task.kind == "timer":
            return None
        if task.name == names.SEAL_INPUTS:
            return [
                start["input"]
                for start in SealInput.model_validate(task.input).model_dump()["starts"]
            ]
        if task.name == names.PLAN:
            return {
                "plan": self.plan.model_dump(mode="json"),
                "usage": {"total_tokens": self.plan_tokens},
                "model": "m",
                "offline": self.offline,
                "limits": self.limits.model_dump(mode="json"),
                "max_steps": self.max_steps,
                "remote": {a: r.model_dump(mode="json") for a, r in self.remote.items()},
            }
        if task.name == names.AGENT_RUN:
            agent = task.input["agent"]
            given = self.answers.get(agent)
            return self.answer(agent) if given is None else given
        if task.name == names.APPROVAL:
            return self.approval
        if task.name == names.SYNTHESIZE:
            return {
                "synthesis": {"answer": "Both agents answered."},
                "usage": {"total_tokens": self.synthesis_tokens},
                "model": "m",
                "offline": self.synthesis_offline,
            }
        if task.name == names.RECORD_WORKFLOW:
            return self.record
        if task.name == names.SELF_TEST:
            return self.self_test
        raise AssertionError(f"unexpected task {task.name}")


def coordinate(
    index: FunctionIndex, script: Script, **request: Any
) -> tuple[Run, CoordinatorResult]:
    payload = {"request": {"query": "Order ORD-1 is late; traffic?", **request}, "limits": {}}
    done = run(index, names.COORDINATOR, payload, script, instance_id="wf-1")
    assert done.done, done.error
    return done, CoordinatorResult.model_validate(done.output)


def agent_tasks(done: Run) -> list[AgentTask]:
    return [AgentTask.model_validate(t.input) for t in done.named(names.AGENT_RUN)]


def outcome(approved: bool, digest: str, reason: str = "Approved by ada.") -> dict[str, Any]:
    return ApprovalOutcome(
        approved=approved,
        approver="ada",
        digest=digest,
        reason=reason,
        decided_at="2026-12-02T12:00:05+00:00",
        expires_at="2026-12-02T13:00:00+00:00",
    ).model_dump(mode="json")


def test_each_agent_gets_its_task_and_an_equal_share_of_what_the_plan_left(index) -> None:
    script = Script(max_steps={"smart-city": 2})
    script.limits = script.limits.model_copy(update={"approval_timeout_seconds": 120})
    done, result = coordinate(index, script, context={"ward": "Naka"}, query_type="logistics")
    tasks = agent_tasks(done)
    share = split_budget(6000, 600, 2).per_agent
    assert [(t.agent, t.task, t.budget_tokens, t.max_steps) for t in tasks] == [
        ("customer-support", "check order ORD-1", share, 4),
        ("smart-city", "traffic in Shibuya", share, 2),
    ]
    for t in tasks:
        assert (t.workflow_id, t.query, t.query_type) == (
            "wf-1",
            "Order ORD-1 is late; traffic?",
            "logistics",
        )
        assert t.context == {"ward": "Naka"}
        assert t.approval_timeout_seconds == 120
        assert t.plan_approval is None
    assert [t.instance_id for t in done.named(names.AGENT_RUN)] == [
        "wf-1:customer-support",
        "wf-1:smart-city",
    ]
    assert result.status == "completed"
    assert result.tokens_used == 600 + 100 + 100 + 300
    assert (result.budget_tokens, result.budget_exhausted) == (6000, False)
    assert result.answer == "Both agents answered."
    assert [a.agent for a in result.agents] == ["customer-support", "smart-city"]
    assert result.failed_agents == []
    assert result.plan == TWO


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    budget=st.integers(100, 200_000),
    plan_tokens=st.integers(0, 5000),
    agents=st.integers(1, 4),
)
def test_plan_agent_shares_and_synthesis_share_never_exceed_the_budget(
    index, budget: int, plan_tokens: int, agents: int
) -> None:
    plan = Plan(tasks=[PlannedTask(agent=f"agent-{i}", task="t") for i in range(agents)])
    script = Script(plan=plan, plan_tokens=plan_tokens)
    done, _ = coordinate(index, script, budget_tokens=budget)
    shares = [t.budget_tokens for t in agent_tasks(done)]
    synthesis = split_budget(budget, plan_tokens, agents).synthesis
    assert len(shares) == agents
    assert min(shares) >= 0
    if plan_tokens + synthesis <= budget:
        assert plan_tokens + sum(shares) + synthesis <= budget
    else:
        assert shares == [0] * agents


def test_the_synthesis_may_spend_what_the_plan_and_agents_left(index) -> None:
    script = Script(answers={"smart-city": Script().answer("smart-city", tokens=2000)})
    done, _ = coordinate(index, script)
    (synthesis,) = done.named(names.SYNTHESIZE)
    given = SynthesisInput.model_validate(synthesis.input)
    assert given.max_tokens == 6000 - 600 - 100 - 2000
    assert [a.agent for a in given.answers] == ["customer-support", "smart-city"]
    assert given.workflow_id == "wf-1"


def test_the_synthesis_always_gets_a_few_tokens_even_when_the_budget_is_spent(index) -> None:
    script = Script(answers={"smart-city": Script().answer("smart-city", tokens=6000)})
    done, result = coordinate(index, script)
    (synthesis,) = done.named(names.SYNTHESIZE)
    assert SynthesisInput.model_validate(synthesis.input).max_tokens == 64
    assert result.budget_exhausted
    assert result.answer.endswith(
        "\n\nNote: the token budget of 6000 was reached; some agents stopped early."
    )


def test_spending_exactly_the_budget_counts_as_reaching_it(index) -> None:
    script = Script(answers={"smart-city": Script().answer("smart-city", tokens=5000)})
    _, result = coordinate(index, script)
    assert result.tokens_used == 6000
    assert result.budget_exhausted


def test_an_agent_that_stopped_on_its_budget_marks_the_run_exhausted(index) -> None:
    stopped = Script().answer("smart-city", status=AgentStatus.BUDGET_EXHAUSTED)
    _, result = coordinate(index, Script(answers={"smart-city": stopped}))
    assert result.budget_exhausted
    assert result.status == "completed"


def test_a_request_budget_overrides_the_default(index) -> None:
    done, result = coordinate(index, Script(), budget_tokens=1200)
    assert result.budget_tokens == 1200
    assert done.statuses[0] == {
        "phase": "planning",
        "agents_done": 0,
        "agents_total": 0,
        "tokens_used": 0,
        "budget_tokens": 1200,
    }


def test_a_failing_agent_gives_a_partial_answer_that_names_it(index) -> None:
    script = Script(answers={"smart-city": Failure("tool server down")})
    _done, result = coordinate(index, script)
    assert result.status == "partial"
    assert result.failed_agents == ["smart-city"]
    failed = result.agents[1]
    assert (failed.agent, failed.status) == ("smart-city", AgentStatus.FAILED)
    assert "tool server down" in (failed.error or "")
    assert failed.answer.startswith("The smart-city agent failed: ")
    assert result.agents[0].status == AgentStatus.OK
    assert result.tokens_used == 600 + 100 + 300


def test_changes_not_made_are_listed_after_the_answer(index) -> None:
    refused = Script().answer("customer-support", not_done=["update_ticket(id='T-1'): denied"])
    _, result = coordinate(index, Script(answers={"customer-support": refused}))
    assert result.answer == (
        "Both agents answered.\n\nChanges not made:\n- update_ticket(id='T-1'): denied"
    )


def test_every_change_not_made_is_listed_on_its_own_line_across_agents(index) -> None:
    support = Script().answer("customer-support", not_done=["update_ticket(id='T-1'): denied"])
    city = Script().answer("smart-city", not_done=["close_road(id='R-9'): expired"])
    _, result = coordinate(index, Script(answers={"customer-support": support, "smart-city": city}))
    assert result.answer.splitlines()[-3:] == [
        "Changes not made:",
        "- update_ticket(id='T-1'): denied",
        "- close_road(id='R-9'): expired",
    ]


def test_a_spent_budget_adds_its_note_after_the_answer(index) -> None:
    script = Script(answers={"smart-city": Script().answer("smart-city", tokens=5000)})
    _, result = coordinate(index, script)
    assert result.answer == (
        "Both agents answered.\n\nNote: the token budget of 6000 was reached; "
        "some agents stopped early."
    )


def test_a_remote_agent_is_started_with_how_it_is_asked(index) -> None:
    remote = {"smart-city": RemoteAgentCall(needs_approval=True)}
    done, _ = coordinate(index, Script(remote=remote))
    support, city = agent_tasks(done)
    assert (support.agent, support.remote) == ("customer-support", None)
    assert (city.agent, city.remote) == ("smart-city", RemoteAgentCall(needs_approval=True))


def test_the_status_follows_the_run_phase_by_phase(index) -> None:
    slow = Later(Script().answer("smart-city", tokens=250), episodes=2)
    done, result = coordinate(index, Script(answers={"smart-city": slow}))
    phases = [
        (s["phase"], s["agents_done"], s["agents_total"], s["tokens_used"]) for s in done.statuses
    ]
    assert phases[0] == ("planning", 0, 0, 0)
    # The default budget is known once the plan step has capped the limits by the settings.
    assert "budget_tokens" not in done.statuses[0]
    assert ("running_agents", 0, 2, 600) in phases
    assert all(s["budget_tokens"] == 6000 for s in done.statuses[1:])
    assert ("running_agents", 1, 2, 700) in phases
    assert ("synthesizing", 2, 2, 950) in phases
    assert done.statuses[-1] == {
        "phase": "completed",
        "agents_done": 2,
        "agents_total": 2,
        "tokens_used": result.tokens_used,
        "budget_tokens": 6000,
        "outcome": "completed",
    }


def test_the_finished_run_is_recorded_with_its_duration(index) -> None:
    done, result = coordinate(index, Script())
    (recorded,) = done.named(names.RECORD_WORKFLOW)
    record = WorkflowRecord.model_validate(recorded.input)
    assert record.workflow_id == "wf-1"
    assert record.result == result
    # The run started in the first episode; the driver's clock moves a second per episode.
    assert record.duration_ms == 1000.0 * recorded.episode


def test_the_input_limits_go_to_the_plan_step_which_caps_them(index) -> None:
    limits = {"default_budget_tokens": 900, "max_steps": 2, "approval_timeout_seconds": 30}
    payload = {"request": {"query": "q"}, "limits": limits}
    done = run(index, names.COORDINATOR, payload, Script())
    (planned,) = done.named(names.PLAN)
    assert planned.input["limits"] == limits
    # What the plan step returns is what the run works under (the script's 6000 and 4).
    given = {(t.budget_tokens, t.max_steps) for t in agent_tasks(done)}
    assert given == {(split_budget(6000, 600, 2).per_agent, 4)}


class Flaky(Script):
    """A script whose `step` fails `times` times before it answers."""

    def __init__(self, step: str, times: int, **change: Any) -> None:
        super().__init__(**change)
        self.step, self.left = step, times

    def __call__(self, task: Task) -> Any:
        if task.name == self.step and self.left:
            self.left -= 1
            return Failure(f"{self.step} briefly down")
        return super().__call__(task)


@pytest.mark.parametrize("step", [names.PLAN, names.SYNTHESIZE, names.RECORD_WORKFLOW])
def test_model_and_storage_steps_are_retried(index, step: str) -> None:
    done = run(index, names.COORDINATOR, {"query": "q"}, Flaky(step, 2), max_episodes=80)
    assert done.done, done.error
    assert len(done.named(step)) == 3
    assert "record_error" not in done.statuses[-1]


def test_a_plan_that_keeps_failing_fails_the_run(index) -> None:
    done = run(index, names.COORDINATOR, {"query": "q"}, Flaky(names.PLAN, 3), max_episodes=80)
    assert not done.done
    assert "plan briefly down" in (done.error or "")


def test_a_finished_run_is_no_longer_counted_active(index, recorded) -> None:
    coordinate(index, Script())
    assert recorded.values("active_workflows") == {(("workflow", "coordinator"),): 0}


def test_an_unreachable_log_store_keeps_the_answer_and_says_so(index) -> None:
    script = Script(record=Failure("store offline\nsecond line"))
    done = run(index, names.COORDINATOR, {"query": "q"}, script, max_episodes=80)
    assert done.done
    assert CoordinatorResult.model_validate(done.output).status == "completed"
    assert done.statuses[-1]["record_error"].endswith("store offline")
    assert "second line" not in done.statuses[-1]["record_error"]


def test_offline_means_both_the_plan_and_the_synthesis_ran_offline(index) -> None:
    for plan_offline, synthesis_offline in [(True, True), (True, False), (False, True)]:
        script = Script(offline=plan_offline, synthesis_offline=synthesis_offline)
        _, result = coordinate(index, script)
        assert result.offline == (plan_offline and synthesis_offline)


def test_a_plan_needing_approval_waits_and_pre_approves_exactly_its_writes(index) -> None:
    plan = TWO.model_copy(
        update={
            "needs_approval": True,
            "writes": [WRITE, WRITE.model_copy(update={"arguments": {"id": "T-2"}})],
        }
    )
    script = Script(plan=plan, approval=outcome(True, plan.digest()))
    done, result = coordinate(index, script)
    (approval,) = done.named(names.APPROVAL)
    assert approval.instance_id == "wf-1:approval"
    asked = ApprovalInput.model_validate(approval.input)
    assert asked.plan == plan
    assert asked.workflow_id == "wf-1"
    assert [(c.digest, c.key) for c in asked.covers] == [
        (w.digest(), f"wf-1:planned:{i}") for i, w in enumerate(plan.writes)
    ]
    assert asked.timeout_seconds == 3600
    assert asked.expires_at == "2026-12-02T13:00:01+00:00"  # created in the second episode
    assert asked.reason == "The plan asks for approval before it is carried out."
    waiting = next(s for s in done.statuses if s["phase"] == "awaiting_approval")
    assert waiting == {
        "phase": "awaiting_approval",
        "agents_done": 0,
        "agents_total": 2,
        "tokens_used": 600,
        "budget_tokens": 6000,
        "plan": plan.model_dump(mode="json"),
        "plan_digest": plan.digest(),
    }
    assert all(
        t.plan_approval == ApprovalOutcome.model_validate(script.approval)
        for t in agent_tasks(done)
    )
    assert result.status == "completed"
    assert result.approval is not None
    assert result.approval.approved


def test_a_request_can_require_approval_of_any_plan(index) -> None:
    script = Script(approval=outcome(True, TWO.digest()))
    done, _ = coordinate(index, script, require_approval=True)
    assert len(done.named(names.APPROVAL)) == 1
    done, _ = coordinate(index, Script())
    assert done.named(names.APPROVAL) == []


def test_a_denied_plan_is_not_carried_out(index) -> None:
    script = Script(approval=outcome(False, TWO.digest(), reason="Denied by ada: no."))
    done, result = coordinate(index, script, require_approval=True, budget_tokens=900)
    assert not result.offline, "the plan came from the model"
    assert done.named(names.AGENT_RUN) == []
    assert done.named(names.SYNTHESIZE) == []
    assert result.status == "denied"
    assert result.answer == "The plan was not carried out. Denied by ada: no."
    assert (result.plan, result.tokens_used, result.budget_tokens) == (TWO, 600, 900)
    assert result.approval is not None
    assert not result.approval.approved
    assert len(done.named(names.RECORD_WORKFLOW)) == 1
    assert done.statuses[-1]["outcome"] == "denied"


def test_a_failed_approval_workflow_denies_the_plan(index) -> None:
    script = Script(approval=Failure("approval crashed"))
    done, result = coordinate(index, script, require_approval=True)
    assert result.status == "denied"
    assert result.approval is not None
    assert result.approval.digest == TWO.digest()
    assert result.approval.reason.startswith("The approval workflow failed: ")
    assert "approval crashed" in result.approval.reason
    assert result.approval.decided_at == result.approval.expires_at == "2026-12-02T12:00:03+00:00"
    assert done.named(names.AGENT_RUN) == []


def test_a_health_query_runs_the_self_test_instead_of_the_plan(index) -> None:
    answered = CoordinatorResult(
        workflow_id="wf-1",
        query="q",
        query_type="health",
        status="self_test",
        answer="All agents' tools answered.",
        offline=True,
    ).model_dump(mode="json")
    done, result = coordinate(index, Script(self_test=answered), query_type="health")
    (child,) = done.named(names.SELF_TEST)
    assert child.instance_id == "wf-1:self-test"
    assert child.input["query_type"] == "health"
    assert done.named(names.PLAN) == []
    assert result.status == "self_test"
    assert len(done.named(names.RECORD_WORKFLOW)) == 1


def test_secrets_in_the_request_are_masked_in_every_status(index) -> None:
    plan = TWO.model_copy(
        update={"tasks": [PlannedTask(agent="enterprise", task="use password: hunter2")]}
    )
    done, _ = coordinate(
        index, Script(plan=plan, approval=outcome(True, plan.digest())), require_approval=True
    )
    assert all("hunter2" not in str(s) for s in done.statuses)


def test_an_input_that_is_no_request_fails_the_run(index) -> None:
    done = run(index, names.COORDINATOR, {"not_a_query": True}, Script())
    assert done.error is not None
    assert not done.done


def test_children_are_started_only_on_sealed_inputs(index) -> None:
    done, _ = coordinate(index, Script())
    sealing = done.named(names.SEAL_INPUTS)
    assert len(sealing) == 1
    request = SealInput.model_validate(sealing[0].input)
    assert request.workflow_id == "wf-1"
    assert [(s.orchestration, s.instance_id) for s in request.starts] == [
        (names.AGENT_RUN, "wf-1:customer-support"),
        (names.AGENT_RUN, "wf-1:smart-city"),
    ]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(agents=st.integers(1, 4), missing=st.integers(-2, 2).filter(bool))
def test_a_seal_answer_without_one_input_per_agent_starts_no_agent(
    index, agents: int, missing: int
) -> None:
    plan = Plan(tasks=[PlannedTask(agent=f"agent-{i}", task="t") for i in range(agents)])
    script = Script(plan=plan)

    def answer(task: Task) -> Any:
        sealed = script(task)
        if task.name != names.SEAL_INPUTS:
            return sealed
        return sealed[:-missing] if missing > 0 else sealed + sealed[:1] * -missing

    done = run(index, names.COORDINATOR, {"query": "q"}, answer)
    assert not done.done
    assert done.error is not None
    assert done.named(names.AGENT_RUN) == []


def test_a_pending_agent_keeps_the_run_waiting(index) -> None:
    done = run(index, names.COORDINATOR, {"query": "q"}, Script(answers={"smart-city": PENDING}))
    assert not done.done
    assert done.statuses[-1]["phase"] == "running_agents"
    assert done.statuses[-1]["agents_done"] == 1


def test_the_status_counts_each_agent_as_it_finishes(index) -> None:
    plan = Plan(tasks=[PlannedTask(agent=f"agent-{i}", task="t") for i in range(3)])
    answers = {f"agent-{i}": Later(Script().answer(f"agent-{i}"), episodes=i) for i in range(3)}
    done, _ = coordinate(index, Script(plan=plan, answers=answers))
    running = [s["agents_done"] for s in done.statuses if s["phase"] == "running_agents"]
    assert sorted(set(running)) == [0, 1, 2]


THREAD = ThreadContext(
    thread_id="t-1",
    turns=[EarlierTurn(workflow_id="wf-0", query="Which orders are late?", answer="ORD-1.")],
)
OWNER = {"oid": "op-1", "name": "Operator"}


def in_thread(index: FunctionIndex, script: Script, owner: Any = OWNER) -> Run:
    payload = {
        "request": {"query": "And the second one?"},
        "thread": THREAD.model_dump(mode="json"),
        "owner": owner,
    }
    done = run(index, names.COORDINATOR, payload, script, max_episodes=80)
    assert done.done, done.error
    return done


def test_a_turn_of_a_thread_shows_its_earlier_turns_to_the_plan_the_agents_and_the_synthesis(
    index,
) -> None:
    done = in_thread(index, Script())
    (planning,) = done.named(names.PLAN)
    assert ThreadContext.model_validate(planning.input["thread"]) == THREAD
    assert all(t.thread == THREAD for t in agent_tasks(done))
    (synthesis,) = done.named(names.SYNTHESIZE)
    assert SynthesisInput.model_validate(synthesis.input).thread == THREAD


def test_a_finished_turn_is_recorded_in_its_thread_with_the_workflow(index) -> None:
    done = in_thread(index, Script())
    (recorded,) = done.named(names.RECORD_WORKFLOW)
    record = WorkflowRecord.model_validate(recorded.input)
    assert record.result == CoordinatorResult.model_validate(done.output)
    assert record.turn is not None
    assert (record.turn.thread_id, record.turn.owner.oid) == ("t-1", "op-1")
    assert record.turn.finished_at == START + timedelta(seconds=recorded.episode)
    assert "record_error" not in done.statuses[-1]


def test_a_turn_that_cannot_be_recorded_keeps_the_answer_and_says_so(index) -> None:
    done = in_thread(index, Script(record=Failure("thread store offline\ndetail")))
    assert len(done.named(names.RECORD_WORKFLOW)) == 5
    assert done.statuses[-1]["record_error"].endswith("thread store offline")
    assert "detail" not in done.statuses[-1]["record_error"]
    assert CoordinatorResult.model_validate(done.output).status == "completed"


def test_a_run_without_an_owner_records_no_turn(index) -> None:
    done = in_thread(index, Script(), owner=None)
    (recorded,) = done.named(names.RECORD_WORKFLOW)
    assert WorkflowRecord.model_validate(recorded.input).turn is None
