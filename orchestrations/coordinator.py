"""`coordinator`: plan, optionally wait for approval, fan out to the agents, synthesise, record.

An approved plan pre-approves exactly the data-changing calls it lists (`Plan.writes`); every
other such call waits at the agents' tool gate. The answer ends with the changes not made.
Custom status reports the phase, agents done/total and tokens used. A failing agent yields a
partial answer that names it; the token budget is split across the plan, the agents and the
synthesis, and every part stops asking the model once its share is spent.
"""

from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from core.auth import redact
from core.models import (
    AgentAnswer,
    AgentStatus,
    AgentTask,
    ApprovalInput,
    ApprovalOutcome,
    CoordinatorInput,
    CoordinatorResult,
    CoveredCall,
    Plan,
    PlanInput,
    PlanOutput,
    SealedStart,
    SynthesisInput,
    SynthesisOutput,
    TurnRecord,
    WorkflowRecord,
    is_self_test,
    with_changes_not_made,
)
from core.telemetry import workflow_finished, workflow_started
from orchestrations import names
from orchestrations.admission import start_children
from orchestrations.budget import split_budget
from orchestrations.policies import MODEL_RETRY, STORAGE_RETRY

bp = df.Blueprint()


def _status(
    phase: str, done: int, total: int, tokens: int, budget: int | None, **extra: Any
) -> dict[str, Any]:
    status: dict[str, Any] = {
        "phase": phase,
        "agents_done": done,
        "agents_total": total,
        "tokens_used": tokens,
    }
    if budget is not None:
        status["budget_tokens"] = budget
    # Custom status is readable by every status query: anything secret-like in what comes
    # from outside the code (the plan, errors) is masked. It runs on every replay.
    status.update(redact(extra))
    return status


def _agent_result(agent: str, task: Any) -> AgentAnswer:
    if isinstance(task.result, Exception):
        return AgentAnswer(
            agent=agent,
            status=AgentStatus.FAILED,
            error=str(task.result),
            answer=f"The {agent} agent failed: {task.result}",
        )
    return AgentAnswer.model_validate(task.result)


@bp.orchestration_trigger(context_name="context", orchestration=names.COORDINATOR)
def coordinator(context: df.DurableOrchestrationContext) -> Any:
    workflow_started(names.COORDINATOR, context=context)
    try:
        return (yield from _coordinate(context))
    except Exception:
        # Not `finally`: an abandoned generator is closed between episodes, which is no end.
        workflow_finished(names.COORDINATOR, context=context)
        raise


def _coordinate(context: df.DurableOrchestrationContext) -> Any:
    workflow_input = CoordinatorInput.from_payload(context.get_input())
    request = workflow_input.request
    workflow_id = context.instance_id
    started = context.current_utc_datetime
    # The budget is known here only when the request names one: a default comes from the
    # limits, which the plan step caps by the settings first.
    context.set_custom_status(_status("planning", 0, 0, 0, request.budget_tokens))

    if is_self_test(request.query_type):
        self_test = SealedStart(
            orchestration=names.SELF_TEST,
            instance_id=f"{workflow_id}:self-test",
            input=request.model_dump(mode="json"),
        )
        (run,) = yield from start_children(context, workflow_id, [self_test])
        raw = yield run
        result = CoordinatorResult.model_validate(raw)
        return (yield from _finish(context, workflow_input, result, started))

    planned = PlanOutput.model_validate(
        (
            yield context.call_activity_with_retry(
                names.PLAN,
                MODEL_RETRY,
                PlanInput(
                    workflow_id=workflow_id,
                    request=request,
                    thread=workflow_input.thread,
                    limits=workflow_input.limits,
                ).model_dump(mode="json"),
            )
        )
    )
    # The settings cap whatever limits the input names (it may come through the webhooks).
    limits = planned.limits
    budget = request.budget_tokens or limits.default_budget_tokens
    plan: Plan = planned.plan
    tokens = planned.usage.total_tokens
    offline = planned.offline
    total = len(plan.tasks)

    approval: ApprovalOutcome | None = None
    if plan.needs_approval or request.require_approval:
        expires = context.current_utc_datetime + timedelta(
            seconds=limits.approval_timeout_seconds
        )
        approval_input = ApprovalInput(
            workflow_id=workflow_id,
            plan=plan,
            reason="The plan asks for approval before it is carried out.",
            covers=[
                CoveredCall(digest=write.digest(), key=f"{workflow_id}:planned:{index}")
                for index, write in enumerate(plan.writes)
            ],
            timeout_seconds=limits.approval_timeout_seconds,
            expires_at=expires.isoformat(),
        )
        approval_start = SealedStart(
            orchestration=names.APPROVAL,
            instance_id=f"{workflow_id}:approval",
            input=approval_input.model_dump(mode="json"),
        )
        (waiting,) = yield from start_children(context, workflow_id, [approval_start])
        # Shown in the episode that starts the approval step, so a decision sent once the
        # status says so finds that step.
        context.set_custom_status(
            _status(
                "awaiting_approval",
                0,
                total,
                tokens,
                budget,
                plan=plan.model_dump(mode="json"),
                plan_digest=plan.digest(),
            )
        )
        try:
            approval = ApprovalOutcome.model_validate((yield waiting))
        except Exception as exc:
            approval = ApprovalOutcome(
                approved=False,
                digest=plan.digest(),
                reason=f"The approval workflow failed: {exc}",
                decided_at=context.current_utc_datetime.isoformat(),
                expires_at=context.current_utc_datetime.isoformat(),
            )
        if not approval.approved:
            denied = CoordinatorResult(
                workflow_id=workflow_id,
                query=request.query,
                query_type=request.query_type,
                status="denied",
                answer=f"The plan was not carried out. {approval.reason}",
                plan=plan,
                approval=approval,
                tokens_used=tokens,
                budget_tokens=budget,
                offline=offline,
            )
            return (yield from _finish(context, workflow_input, denied, started))

    per_agent = split_budget(budget, tokens, total).per_agent
    context.set_custom_status(_status("running_agents", 0, total, tokens, budget))
    agent_starts = [
        SealedStart(
            orchestration=names.AGENT_RUN,
            instance_id=f"{workflow_id}:{t.agent}",
            input=AgentTask(
                workflow_id=workflow_id,
                agent=t.agent,
                task=t.task,
                query=request.query,
                query_type=request.query_type,
                context=request.context,
                budget_tokens=per_agent,
                max_steps=planned.max_steps.get(t.agent, limits.max_steps),
                approval_timeout_seconds=limits.approval_timeout_seconds,
                plan_approval=approval,
                thread=workflow_input.thread,
                remote=planned.remote.get(t.agent),
            ).model_dump(mode="json"),
        )
        for t in plan.tasks
    ]
    runs = yield from start_children(context, workflow_id, agent_starts)
    # Each agent's answer is read from its result once (on every replay), as its run ends.
    done: dict[int, AgentAnswer] = {}
    pending = list(runs)
    while pending:
        finished = yield context.task_any(pending)
        pending.remove(finished)
        index = runs.index(finished)
        done[index] = _agent_result(plan.tasks[index].agent, finished)
        tokens += done[index].tokens
        context.set_custom_status(_status("running_agents", len(done), total, tokens, budget))
    answers = [done[index] for index in range(len(runs))]

    context.set_custom_status(_status("synthesizing", total, total, tokens, budget))
    remaining = budget - tokens
    synthesis_input = SynthesisInput(
        workflow_id=workflow_id,
        request=request,
        answers=answers,
        max_tokens=max(64, remaining),
        thread=workflow_input.thread,
    )
    synthesized = SynthesisOutput.model_validate(
        (
            yield context.call_activity_with_retry(
                names.SYNTHESIZE, MODEL_RETRY, synthesis_input.model_dump(mode="json")
            )
        )
    )
    tokens += synthesized.usage.total_tokens
    failed = [a.agent for a in answers if a.status == AgentStatus.FAILED]
    exhausted = any(a.status == AgentStatus.BUDGET_EXHAUSTED for a in answers) or tokens >= budget
    not_done = [change for a in answers for change in a.not_done]
    answer = with_changes_not_made(synthesized.synthesis.answer, not_done)
    if exhausted:
        answer += f"\n\nNote: the token budget of {budget} was reached; some agents stopped early."
    result = CoordinatorResult(
        workflow_id=workflow_id,
        query=request.query,
        query_type=request.query_type,
        status="partial" if failed else "completed",
        answer=answer,
        agents=answers,
        failed_agents=failed,
        plan=plan,
        approval=approval,
        tokens_used=tokens,
        budget_tokens=budget,
        budget_exhausted=exhausted,
        offline=offline and synthesized.offline,
    )
    return (yield from _finish(context, workflow_input, result, started))


def _finish(
    context: df.DurableOrchestrationContext,
    workflow_input: CoordinatorInput,
    result: CoordinatorResult,
    started: Any,
) -> Any:
    now = context.current_utc_datetime
    turn = None
    if workflow_input.thread is not None and workflow_input.owner is not None:
        turn = TurnRecord(
            thread_id=workflow_input.thread.thread_id, owner=workflow_input.owner, finished_at=now
        )
    duration_ms = (now - started).total_seconds() * 1000
    record = WorkflowRecord(
        workflow_id=result.workflow_id, result=result, duration_ms=duration_ms, turn=turn
    )
    extra: dict[str, Any] = {"outcome": result.status}
    try:
        yield context.call_activity_with_retry(
            names.RECORD_WORKFLOW, STORAGE_RETRY, record.model_dump(mode="json")
        )
    except Exception as exc:
        # The answer is checkpointed in the workflow's own history; an unreachable log store
        # must not throw it away. The status says what was not recorded (the log entry, and
        # for a run of a thread its turn).
        extra["record_error"] = str(exc).splitlines()[0]
    workflow_finished(names.COORDINATOR, context=context)
    total = len(result.agents)
    context.set_custom_status(
        _status(
            "completed",
            total,
            total,
            result.tokens_used,
            result.budget_tokens,
            **extra,
        )
    )
    return result.model_dump(mode="json")
