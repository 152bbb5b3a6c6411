"""Starting internal orchestrators on sealed inputs, and refusing any other start.

The coordinator has each child's input sealed by the `seal_inputs` activity before it starts
it; an internal orchestrator's first step is `admitted`, which has the `admit_input` activity
verify the seal (secrets never enter replayed code). A start through the Durable webhooks has
no seal: the orchestrator then ends with RejectedInputError before any model or tool call, and
the activity has recorded the refusal in the audit log.
"""

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df

from core.auth.input_proofs import PROOF_FIELD
from core.models import AdmissionInput, SealedStart, SealInput
from orchestrations import names


class RejectedInputError(Exception):
    """An internal orchestrator was started on an input the app did not seal for it."""

    def __init__(self, orchestration: str):
        self.orchestration = orchestration
        super().__init__(
            f"{orchestration} refused its input: it was not issued by the coordinator "
            "(nothing was run; the refusal is in the audit log)"
        )


def admitted(context: df.DurableOrchestrationContext, orchestration: str) -> Generator[Any, Any, Any]:
    """The orchestrator's input without its seal, once `admit_input` verified the seal;
    raises RejectedInputError otherwise."""
    payload = context.get_input()
    check = AdmissionInput(
        orchestration=orchestration, instance_id=context.instance_id, input=payload
    )
    # Names, an id and the input as it was read from JSON: the plain dump is already JSON.
    verdict = yield context.call_activity(names.ADMIT_INPUT, check.model_dump())
    if verdict is not True:
        raise RejectedInputError(orchestration)
    return {k: v for k, v in payload.items() if k != PROOF_FIELD}


def start_children(
    context: df.DurableOrchestrationContext, workflow_id: str, starts: list[SealedStart]
) -> Generator[Any, Any, list[Any]]:
    """The sub-orchestration tasks of `starts` (whose inputs are JSON: models dumped in json
    mode), each on its input sealed by `seal_inputs`. A seal answer without one input per start
    fails the orchestrator before any child starts."""
    request = SealInput(workflow_id=workflow_id, starts=starts)
    sealed = yield context.call_activity(names.SEAL_INPUTS, request.model_dump())
    return [
        context.call_sub_orchestrator(start.orchestration, payload, start.instance_id)
        for start, payload in zip(starts, sealed, strict=True)
    ]
