"""`plan`: ask the model which agents to involve and what to ask each.

Offline, a rule-based planner routes by the query type and the agents' keywords. A plan needs
no approval for the changes it leads to: every data-changing tool call waits at the agents'
approval gate for an approval of that exact call, unless the approved plan lists it in `writes`.
"""

import json
import re
from functools import lru_cache
from typing import Any

import azure.durable_functions as df

from activities.admission import capped_limits
from activities.step_log import StepLog
from core.agent_logs import Outcome
from core.catalogue import Catalogue, get_catalogue
from core.conversations.prompt import describe_thread
from core.llm import ChatMessage, ChatRequest, get_chat_model
from core.llm.offline.followup import referenced_item
from core.models import (
    MAX_PLANNED_TASKS,
    CoordinatorRequest,
    Plan,
    PlanInput,
    PlannedTask,
    PlanOutput,
    RemoteAgentCall,
    ThreadContext,
)
from core.tool_risk import remote_needs_approval
from orchestrations import names

bp = df.Blueprint()

PLANNER_PROMPT = """You are the coordinator of specialist agents. Decide which agents must work on
the request and write one focused sub-task for each (only agents whose domain the request
touches; at most one task per agent, only agents listed below). Every tool call that changes
data waits for a human approval of that exact call. If you know exact data-changing calls the
plan needs (agent, tool, arguments), list them in writes: approving the plan approves exactly
those. Set needs_approval to true to have a human approve the plan before any agent runs.
Agents:
{catalog}"""


def offline_plan(
    request: CoordinatorRequest, catalogue: Catalogue, thread: ThreadContext | None = None
) -> Plan:
    """The rule-based plan used when no model endpoint is configured: the agent the query
    type names, then every agent with a keyword in the query, else the agents of the
    thread's previous turn, else every agent. A follow-up that names an item by position ("the
    second one") gets that item of the latest turn whose results listed items in its tasks."""
    text = request.query.casefold()
    previous = thread.turns[-1] if thread and thread.turns else None
    chosen: list[str] = []
    named = catalogue.for_query_type(request.query_type)
    if named is not None:
        chosen.append(named.id)
    for agent in catalogue:
        if agent.id not in chosen and any(_names(keyword, text) for keyword in agent.keywords):
            chosen.append(agent.id)
    if not chosen and previous is not None:
        chosen = [agent for agent in previous.agents if agent in catalogue]
    if not chosen:
        chosen = catalogue.ids
    chosen = chosen[:MAX_PLANNED_TASKS]
    listed = next((t.items for t in reversed(thread.turns) if t.items), []) if thread else []
    item = referenced_item(request.query, listed)
    about = f" (that is: {item})" if item else ""
    tasks = [
        PlannedTask(
            agent=agent_id,
            task=f"{catalogue.get(agent_id).display_name}: {request.query}{about}",
        )
        for agent_id in chosen
    ]
    rationale = f"Offline rules matched {', '.join(chosen)} by query type and keywords."
    if previous is not None:
        rationale += " The request continues a conversation."
    if item:
        rationale += f" It refers to {item} of an earlier answer."
    return Plan(tasks=tasks, rationale=rationale)


def _names(keyword: str, text: str) -> bool:
    """True when the folded `text` has the keyword; a Latin keyword must start a word, so
    "order" is found in "orders" but not in "reorder"."""
    folded = keyword.casefold()
    if folded not in text:
        return False
    return not folded.isascii() or _word_start(folded).search(text) is not None


@lru_cache(maxsize=1024)
def _word_start(folded: str) -> re.Pattern[str]:
    """A regex of the folded Latin keyword at the start of a word."""
    return re.compile(rf"(?<![a-z0-9]){re.escape(folded)}")


def known_agents_only(plan: Plan, catalogue: Catalogue) -> Plan:
    """`plan` without tasks for agents the catalogue lacks (a model may invent one); a
    ValueError naming them when no task is left."""
    unknown = [t.agent for t in plan.tasks if t.agent not in catalogue]
    if not unknown:
        return plan
    kept = [t for t in plan.tasks if t.agent in catalogue]
    if not kept:
        raise ValueError(f"the plan names no catalogue agent (it named {', '.join(unknown)})")
    note = f" Dropped tasks for unknown agents: {', '.join(unknown)}."
    return plan.model_copy(update={"tasks": kept, "rationale": plan.rationale + note})


def _catalog(catalogue: Catalogue) -> str:
    return "\n".join(f"- {a.id}: {a.description}" for a in catalogue)


@bp.activity_trigger(input_name="payload", activity=names.PLAN)
async def plan(payload: dict[str, Any]) -> dict[str, Any]:
    """Plan the request; returns the plan with the model's token usage and the run's limits
    (the input's, capped by the settings)."""
    planning = PlanInput.model_validate(payload)
    request = planning.request
    catalogue = get_catalogue()
    thread = planning.thread
    model = get_chat_model(skills={Plan: lambda _: offline_plan(request, catalogue, thread)})
    user = json.dumps(request.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
    system = PLANNER_PROMPT.format(catalog=_catalog(catalogue))
    if thread is not None and thread.turns:
        system += "\n\n" + describe_thread(thread)
    chat = ChatRequest(
        messages=[
            ChatMessage(role="system", content=system),
            ChatMessage(role="user", content=user),
        ],
        response_format=Plan,
        purpose="plan",
    )
    step_log = StepLog(
        f"{planning.workflow_id}:plan",
        planning.workflow_id,
        "coordinator",
        planning.request.query_type,
        "plan",
    )
    result = await model.complete(chat)
    produced = known_agents_only(result.parsed_as(Plan), catalogue)
    await step_log.write(Outcome.OK, usage=result.usage, model=result.model)
    steps = {t.agent: limit for t in produced.tasks if (limit := catalogue.get(t.agent).max_steps)}
    remote = {
        t.agent: RemoteAgentCall(needs_approval=remote_needs_approval(t.agent))
        for t in produced.tasks
        if catalogue.get(t.agent).a2a is not None
    }
    return PlanOutput(
        plan=produced,
        usage=result.usage,
        model=result.model,
        offline=result.offline,
        limits=capped_limits(planning.limits),
        max_steps=steps,
        remote=remote,
    ).model_dump(mode="json")
