"""A finished workflow of a thread becomes that thread's turn (its answer, the agents and
tools used, the items its results listed), replacing the turn the trigger wrote before it
started the workflow; `record_workflow` writes it. Only such a turn is replaced: a run started
around the app's triggers (through the Durable webhook, with a `thread` of its own making)
adds nothing to anyone's thread."""

import logging

from core.agent_logs import get_agent_log_store
from core.conversations.summary import finished_turn
from core.models import CoordinatorResult, TurnRecord

log = logging.getLogger(__name__)


async def record_turn(result: CoordinatorResult, done: TurnRecord) -> bool:
    """Write the finished turn over the started one of the same owner (idempotent by thread
    and workflow id); returns whether it was written."""
    store = get_agent_log_store()
    started = [
        t
        for t in await store.list_turns(done.thread_id)
        if t.workflow_id == result.workflow_id and t.owner == done.owner.oid
    ]
    if not started:
        log.warning(
            "Workflow %s names thread %s, which the app did not start it in: no turn written",
            result.workflow_id,
            done.thread_id,
        )
        return False
    await store.put_turn(finished_turn(result, done, started[0].started_at))
    return True
