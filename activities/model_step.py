"""`llm_step`: one model call of an agent's loop, offered the agent's tools; says which of
the calls it asks for change data and so wait for an approval."""

from typing import Any

import azure.durable_functions as df

from activities.step_log import StepLog
from core.agent_logs import Outcome
from core.catalogue import get_catalogue
from core.llm import ChatMessage, ChatModelError, ChatRequest, ToolSpec, get_chat_model
from core.llm.factory import default_model_name, model_provider
from core.mcp_client import list_tools
from core.models import LlmStepInput, LlmStepOutput
from core.telemetry import activity_span, model_call_span
from core.tool_risk import needs_approval
from orchestrations import names

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload", activity=names.LLM_STEP)
async def llm_step(payload: dict[str, Any]) -> dict[str, Any]:
    """Run one model call for an agent; returns its text or tool calls and token usage."""
    step = LlmStepInput.model_validate(payload)
    agent = get_catalogue().get(step.agent)
    specs = {t.name: t for t in await list_tools(step.agent)}
    tools = [
        ToolSpec(
            name=t.name, description=t.description, parameters=t.input_schema, read_only=t.read_only
        )
        for t in specs.values()
    ]
    chat = ChatRequest(
        messages=[ChatMessage(role="system", content=agent.instructions), *step.messages],
        tools=tools,
        max_tokens=step.max_tokens,
        purpose=f"{step.agent}:step",
        model=agent.model,
    )
    step_log = StepLog(
        f"{step.workflow_id}:{step.agent}:llm_step:{step.step}",
        step.workflow_id,
        step.agent,
        step.query_type,
        "llm_step",
    )
    with (
        activity_span(names.LLM_STEP, step.workflow_id, step.agent, **{"llm.step": step.step}),
        model_call_span(
            step.workflow_id,
            step.agent,
            system=model_provider(),
            model=agent.model or default_model_name(),
        ) as call,
    ):
        try:
            result = await get_chat_model().complete(chat)
        except ChatModelError as exc:
            await step_log.write(Outcome.ERROR, error=str(exc))
            raise
        call.record_usage(result.usage.prompt_tokens, result.usage.completion_tokens, result.model)
    await step_log.write(Outcome.OK, usage=result.usage, model=result.model)
    return LlmStepOutput(
        content=result.content,
        tool_calls=result.tool_calls,
        usage=result.usage,
        model=result.model,
        offline=result.offline,
        # An unknown tool is not gated: the `mcp_tool` activity answers that it does not exist.
        needs_approval=[
            c.name in specs and needs_approval(step.agent, specs[c.name]) for c in result.tool_calls
        ],
    ).model_dump(mode="json")
