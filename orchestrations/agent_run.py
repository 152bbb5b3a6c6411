"""`agent_run`: one specialist agent's tool-using loop, durable step by step.

Each model call is one `llm_step` activity and each tool call one `mcp_tool` activity with an
idempotency key, so a crash resumes the loop where it stopped without repeating work. A call of
a tool that changes data first passes the approval gate (`tool_gate`); a denied or expired call
becomes a tool result saying so, and the answer lists the changes not made. The loop
is bounded by the agent's step limit and token budget; any failure ends in an answer that says
what went wrong instead of failing the coordinator. The answer cites each tool call with a
summary of its result (its size, how many records it listed) and the records listed; the
results themselves stay in this orchestration's history. It runs only on an input the
coordinator sealed (`admission`). A remote A2A agent's part is one message and its task
instead (`remote_run`).
"""

from typing import Any

import azure.durable_functions as df

from core.conversations.items import first_items, item_lines
from core.conversations.prompt import describe_thread
from core.llm.types import ChatMessage
from core.models import (
    AgentAnswer,
    AgentStatus,
    AgentTask,
    LlmStepInput,
    LlmStepOutput,
    ToolCallInput,
    ToolCallRecord,
    change_not_made,
    with_changes_not_made,
)
from core.telemetry import record_agent_request, record_tokens
from core.tool_results import result_text, summarized
from orchestrations import names
from orchestrations.admission import admitted
from orchestrations.policies import MODEL_RETRY, TOOL_RETRY
from orchestrations.remote_run import remote_part
from orchestrations.tool_gate import gate

bp = df.Blueprint()


def _opening(task: AgentTask) -> list[ChatMessage]:
    context = f"\nContext: {task.context}" if task.context else ""
    request = ChatMessage(
        role="user", content=f"{task.task}\n\nOriginal request: {task.query}{context}"
    )
    if task.thread is None or not task.thread.turns:
        return [request]
    return [ChatMessage(role="system", content=describe_thread(task.thread)), request]


@bp.orchestration_trigger(context_name="context", orchestration=names.AGENT_RUN)
def agent_run(context: df.DurableOrchestrationContext) -> Any:
    return (yield from _run(context))


def _run(context: df.DurableOrchestrationContext) -> Any:
    task = AgentTask.model_validate((yield from admitted(context, names.AGENT_RUN)))
    started = context.current_utc_datetime
    if task.remote is not None:
        # The remote agent gets one message: the thread's earlier turns (if any) and the task.
        text = "\n\n".join(m.content for m in _opening(task))
        answer: AgentAnswer = yield from remote_part(context, task, text)
    else:
        answer = yield from _loop(context, task)
    latency_ms = (context.current_utc_datetime - started).total_seconds() * 1000
    failed = answer.status == AgentStatus.FAILED
    # Metrics from the orchestrator with its context count once, never again on replay.
    record_agent_request(
        task.agent,
        task.query_type,
        latency_ms,
        not failed,
        "agent_failed" if failed else None,
        context=context,
    )
    return answer.model_dump(mode="json")


def _loop(context: df.DurableOrchestrationContext, task: AgentTask) -> Any:
    messages = _opening(task)
    records: list[ToolCallRecord] = []
    # Each record's result as the JSON text its tool message carries (None after an error).
    result_texts: list[str | None] = []
    not_done: list[str] = []
    tokens = 0
    step = 0

    def ended(status: AgentStatus, answer: str, error: str | None = None) -> AgentAnswer:
        # Each result is written as JSON and read for the records it lists once.
        listed = [item_lines(r.result) if r.result is not None else [] for r in records]
        return AgentAnswer(
            agent=task.agent,
            status=status,
            answer=with_changes_not_made(answer, not_done),
            tool_calls=[
                summarized(r, text, lines)
                for r, text, lines in zip(records, result_texts, listed, strict=True)
            ],
            items=first_items(
                lines for r, lines in zip(records, listed, strict=True) if r.error is None
            ),
            tokens=tokens,
            steps=step,
            error=error,
            not_done=not_done,
        )

    try:
        while step < task.max_steps:
            if tokens >= task.budget_tokens:
                return ended(
                    AgentStatus.BUDGET_EXHAUSTED,
                    f"Stopped after {step} model calls: the token budget of {task.budget_tokens} is spent.",
                )
            step_input = LlmStepInput(
                workflow_id=task.workflow_id,
                agent=task.agent,
                query_type=task.query_type,
                step=step,
                messages=messages,
                max_tokens=max(64, task.budget_tokens - tokens),
            )
            reply = LlmStepOutput.model_validate(
                (
                    yield context.call_activity_with_retry(
                        names.LLM_STEP, MODEL_RETRY, step_input.model_dump(mode="json")
                    )
                )
            )
            step += 1
            tokens += reply.usage.total_tokens
            record_tokens(
                task.agent,
                reply.model or "unknown",
                reply.usage.prompt_tokens,
                reply.usage.completion_tokens,
                context=context,
            )
            if not reply.tool_calls:
                return ended(AgentStatus.OK, reply.content)
            calls = [
                ToolCallInput(
                    workflow_id=task.workflow_id,
                    agent=task.agent,
                    query_type=task.query_type,
                    tool=call.name,
                    arguments=call.arguments,
                    idempotency_key=f"{context.instance_id}:{step}:{index}",
                )
                for index, call in enumerate(reply.tool_calls)
            ]
            gated = yield from gate(context, task, step, calls, reply.needs_approval)
            runnable = [c for c in gated if isinstance(c, ToolCallInput)]
            ran = iter(
                (
                    yield context.task_all(
                        [
                            context.call_activity_with_retry(
                                names.MCP_TOOL, TOOL_RETRY, c.model_dump(mode="json")
                            )
                            for c in runnable
                        ]
                    )
                )
                if runnable
                else []
            )
            messages.append(
                ChatMessage(role="assistant", content=reply.content, tool_calls=reply.tool_calls)
            )
            for call, item in zip(reply.tool_calls, gated, strict=True):
                if isinstance(item, str):
                    record = ToolCallRecord(tool=call.name, arguments=call.arguments, error=item)
                else:
                    record = ToolCallRecord.model_validate(next(ran))
                line = change_not_made(task.agent, call.name, call.arguments, record.error)
                if line is not None:
                    not_done.append(line)
                content = result_text(record.error if record.error is not None else record.result)
                records.append(record)
                result_texts.append(content if record.error is None else None)
                messages.append(ChatMessage(role="tool", tool_call_id=call.id, content=content))
        return ended(
            AgentStatus.MAX_STEPS,
            f"Stopped after {step} model calls without a final answer (the step limit).",
        )
    except Exception as exc:
        return ended(AgentStatus.FAILED, f"The {task.agent} agent failed: {exc}", str(exc))
