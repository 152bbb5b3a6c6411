"""`batch_sweep`: the scheduled sweep over open high-priority tickets and city anomalies.

It finds the targets through the agents' tools, then runs the coordinator for each, a bounded
number at a time. Each target's workflow id derives from the sweep's id, so a rerun of the same
schedule slot never starts a target twice.
"""

from typing import Any

import azure.durable_functions as df

from core.models import CoordinatorInput, CoordinatorRequest, SweepInput, SweepResult, SweepTargets
from orchestrations import names
from orchestrations.policies import TOOL_RETRY

bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context", orchestration=names.BATCH_SWEEP)
def batch_sweep(context: df.DurableOrchestrationContext) -> Any:
    return (yield from _sweep(context))


def _sweep(context: df.DurableOrchestrationContext) -> Any:
    sweep = SweepInput.model_validate(context.get_input())
    found = SweepTargets.model_validate(
        (
            yield context.call_activity_with_retry(
                names.FIND_SWEEP_TARGETS, TOOL_RETRY, sweep.model_dump()
            )
        )
    )
    context.set_custom_status({"phase": "sweeping", "targets": len(found.targets), "done": 0})
    workflows: dict[str, str] = {}
    for start in range(0, len(found.targets), sweep.max_parallel):
        batch = found.targets[start : start + sweep.max_parallel]
        runs = []
        for target in batch:
            workflow_id = f"{context.instance_id}:{target.key}"
            request = CoordinatorRequest(query=target.query, query_type=target.query_type)
            runs.append(
                context.call_sub_orchestrator(
                    names.COORDINATOR,
                    CoordinatorInput(
                        request=request, limits=sweep.limits, owner=sweep.owner
                    ).model_dump(),
                    workflow_id,
                )
            )
        results = yield context.task_all(runs)
        # task_all answers one result per task: the lengths always match.
        for target, result in zip(batch, results, strict=True):  # pragma: no mutate
            workflows[target.key] = str(result.get("status", "unknown"))
        context.set_custom_status(
            {"phase": "sweeping", "targets": len(found.targets), "done": len(workflows)}
        )
    context.set_custom_status(
        {"phase": "completed", "targets": len(found.targets), "done": len(workflows)}
    )
    return SweepResult(slot=sweep.slot, workflows=workflows).model_dump()
