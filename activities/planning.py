"""`plan`: ask the model which agents to involve and what to ask each.

Offline, a rule-based planner routes by the query type and the agents' keywords, and asks for
approval when the request would change data.
"""

import json
from typing import Any

import azure.durable_functions as df

from activities.step_log import StepLog
from agents.registry import AGENTS
from core.agent_logs import Outcome
from core.llm import ChatMessage, ChatRequest, get_chat_model
from core.models import CoordinatorRequest, Plan, PlanInput, PlannedTask, PlanOutput, QueryType
from orchestrations import names

bp = df.Blueprint()

WRITE_WORDS = (
    "update",
    "change",
    "close",
    "reserve",
    "create",
    "cancel",
    "assign",
    "escalate",
    "更新",
    "変更",
    "予約",
    "作成",
    "取消",
    "キャンセル",
    "割り当て",
    "エスカレ",
)
TYPE_TO_AGENT = {
    QueryType.CUSTOMER_SUPPORT: "customer-support",
    QueryType.SMART_CITY: "smart-city",
    QueryType.ENTERPRISE: "enterprise",
}
PLANNER_PROMPT = """You are the coordinator of specialist agents. Decide which agents must work on
the request and write one focused sub-task for each (only agents whose domain the request
touches; at most one task per agent). Set needs_approval to true when carrying out the plan would
change data (update tickets, reserve stock, create service requests).
Agents:
{catalog}"""


def offline_plan(request: CoordinatorRequest) -> Plan:
    """The rule-based plan used when no model endpoint is configured."""
    text = request.query.casefold()
    chosen: list[str] = []
    if request.query_type in TYPE_TO_AGENT:
        chosen.append(TYPE_TO_AGENT[request.query_type])
    for agent in AGENTS.values():
        if agent.id not in chosen and any(k.casefold() in text for k in agent.keywords):
            chosen.append(agent.id)
    if not chosen:
        chosen = list(AGENTS)
    tasks = [
        PlannedTask(agent=agent_id, task=f"{AGENTS[agent_id].display_name}: {request.query}")
        for agent_id in chosen
    ]
    writes = any(word in text for word in WRITE_WORDS)
    rationale = f"Offline rules matched {', '.join(chosen)} by query type and keywords."
    return Plan(tasks=tasks, needs_approval=writes, rationale=rationale)


def _catalog() -> str:
    return "\n".join(f"- {a.id}: {a.description}" for a in AGENTS.values())


@bp.activity_trigger(input_name="payload", activity=names.PLAN)
async def plan(payload: dict[str, Any]) -> dict[str, Any]:
    """Plan the request; returns the plan with the model's token usage."""
    planning = PlanInput.model_validate(payload)
    request = planning.request
    model = get_chat_model(skills={Plan: lambda _: offline_plan(request)})
    user = json.dumps(request.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
    chat = ChatRequest(
        messages=[
            ChatMessage(role="system", content=PLANNER_PROMPT.format(catalog=_catalog())),
            ChatMessage(role="user", content=user),
        ],
        response_format=Plan,
        purpose="plan",
    )
    step_log = StepLog(
        f"{planning.workflow_id}:plan",
        planning.workflow_id,
        "coordinator",
        planning.request.query_type.value,
        "plan",
    )
    result = await model.complete(chat)
    produced = result.parsed_as(Plan)
    await step_log.write(Outcome.OK, usage=result.usage, model=result.model)
    return PlanOutput(
        plan=produced, usage=result.usage, model=result.model, offline=result.offline
    ).model_dump(mode="json")
