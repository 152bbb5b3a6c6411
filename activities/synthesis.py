"""`synthesize`: combine the agents' answers into one reply that cites them.

Offline, the synthesis gives each agent's answer under its name and says which agents
failed and why.
"""

import json
from typing import Any

import azure.durable_functions as df

from activities.step_log import StepLog
from core.agent_logs import Outcome
from core.conversations.prompt import describe_thread
from core.llm import ChatMessage, ChatRequest, get_chat_model
from core.llm.offline import language_of, notice_for, without_notice
from core.models import AgentStatus, Synthesis, SynthesisInput, SynthesisOutput
from orchestrations import names

bp = df.Blueprint()

SYNTHESIS_PROMPT = """You are the coordinator. Combine the specialist agents' answers into one
reply to the user's request, in the request's language. Cite which agent each fact came from,
say plainly which agents failed or stopped early and why, and invent nothing."""
_FROM = "From {agent}:"
_FROM_JA = "{agent} より:"
_FAILED = "{agent} could not answer: {error}."
_FAILED_JA = "{agent} は回答できませんでした: {error}。"


def offline_synthesis(work: SynthesisInput) -> Synthesis:
    """The rule-based synthesis used when no model endpoint is configured: each agent's
    answer under its name and each failed agent with its error, in the request's language."""
    japanese = language_of(work.request.query) == "ja"
    lines = [notice_for(work.request.query)]
    cited: list[str] = []
    for answer in work.answers:
        if answer.status == AgentStatus.FAILED:
            error = answer.error or "unknown error"
            failed = _FAILED_JA if japanese else _FAILED
            lines.append(failed.format(agent=answer.agent, error=error))
            continue
        lines.append((_FROM_JA if japanese else _FROM).format(agent=answer.agent))
        lines.append(without_notice(answer.answer).strip() or "-")
        cited.append(answer.agent)
    return Synthesis(answer="\n".join(lines), cited_agents=cited)


@bp.activity_trigger(input_name="payload", activity=names.SYNTHESIZE)
async def synthesize(payload: dict[str, Any]) -> dict[str, Any]:
    """Synthesise the final answer; returns it with the model's token usage."""
    work = SynthesisInput.model_validate(payload)
    model = get_chat_model(skills={Synthesis: lambda _: offline_synthesis(work)})
    answers = json.dumps([a.model_dump(mode="json") for a in work.answers], ensure_ascii=False)
    system = SYNTHESIS_PROMPT
    if work.thread is not None and work.thread.turns:
        system += "\n\n" + describe_thread(work.thread)
    chat = ChatRequest(
        messages=[
            ChatMessage(role="system", content=system),
            ChatMessage(
                role="user",
                content=f"Request: {work.request.query}\n\nAgent answers (JSON): {answers}",
            ),
        ],
        response_format=Synthesis,
        max_tokens=work.max_tokens,
        purpose="synthesize",
    )
    step_log = StepLog(
        f"{work.workflow_id}:synthesize",
        work.workflow_id,
        "coordinator",
        work.request.query_type,
        "synthesize",
    )
    result = await model.complete(chat)
    await step_log.write(Outcome.OK, usage=result.usage, model=result.model)
    return SynthesisOutput(
        synthesis=result.parsed_as(Synthesis),
        usage=result.usage,
        model=result.model,
        offline=result.offline,
    ).model_dump(mode="json")
