"""`self_test_run`: the health/system_test workflow. It calls every catalogue agent's
self-test tool in parallel, without the model, and reports each agent's result. It runs only
on an input the coordinator sealed (`admission`)."""

from typing import Any

import azure.durable_functions as df

from core.models import (
    AgentAnswer,
    AgentStatus,
    CoordinatorRequest,
    CoordinatorResult,
    SelfTestAgents,
    SelfTestInput,
)
from orchestrations import names
from orchestrations.admission import admitted
from orchestrations.policies import TOOL_RETRY

bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context", orchestration=names.SELF_TEST)
def self_test_run(context: df.DurableOrchestrationContext) -> Any:
    return (yield from _self_test(context))


def _self_test(context: df.DurableOrchestrationContext) -> Any:
    request = CoordinatorRequest.model_validate((yield from admitted(context, names.SELF_TEST)))
    workflow_id = context.parent_instance_id or context.instance_id
    # The catalogue is read in an activity: a redeployed catalogue must not change a replay.
    catalogue = SelfTestAgents.model_validate(
        (yield context.call_activity_with_retry(names.SELF_TEST_AGENTS, TOOL_RETRY, {}))
    )
    tasks = [
        context.call_activity_with_retry(
            names.SELF_TEST_AGENT,
            TOOL_RETRY,
            SelfTestInput(workflow_id=workflow_id, agent=agent).model_dump(),
        )
        for agent in catalogue.agents
    ]
    # The self_test activity reports a failing tool server as a failed answer, never raises.
    answers = [AgentAnswer.model_validate(raw) for raw in (yield context.task_all(tasks))]
    failed = [a.agent for a in answers if a.status != AgentStatus.OK]
    summary = (
        "All agents' tools answered."
        if not failed
        else f"Self-test failed for: {', '.join(failed)}."
    )
    result = CoordinatorResult(
        workflow_id=workflow_id,
        query=request.query,
        query_type=request.query_type,
        status="self_test",
        answer=summary,
        agents=answers,
        failed_agents=failed,
    )
    # The SDK writes the string enums (each agent's status) as their values in either mode.
    return result.model_dump(mode="json")  # pragma: no mutate
