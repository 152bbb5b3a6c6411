"""`GET` and `DELETE /api/coordinator/threads/{id}`: read a conversation thread (its turns,
oldest first) or delete it. A thread belongs to the caller who started it: Operators reach
their own, Approvers read any, Admins read and delete any; any other thread is 404, the same
as one that does not exist."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from core.agent_logs import ThreadTurn, TurnStatus, get_agent_log_store
from core.auth import ADMIN, APPROVER, OPERATOR, Principal
from core.thread_ids import is_thread_id
from triggers.shared import routes
from triggers.shared.api_models import ThreadDeleted, ThreadView
from triggers.shared.endpoint import api_endpoint, json_response
from triggers.shared.errors import NotFoundError
from triggers.shared.identity import authorize
from triggers.shared.instances import Status, find_instance, is_finished
from triggers.shared.run_access import RunAction, may_access_run

bp = df.Blueprint()


def may_access_thread(principal: Principal, turns: list[ThreadTurn], action: RunAction) -> bool:
    """Whether `principal` may do `action` (READ, or CANCEL to delete) on the thread of
    `turns`: the rule of runs (`may_access_run`), its owner the asker of the first turn."""
    if not turns:
        return False
    owner = {"oid": turns[0].owner, "name": turns[0].owner_name}
    return may_access_run(principal, {"owner": owner}, action)


async def accessible_thread(
    principal: Principal, thread_id: str, action: RunAction
) -> list[ThreadTurn]:
    """The turns of `thread_id` if it exists and `principal` may do `action` on it;
    NotFoundError otherwise, the same either way."""
    missing = NotFoundError.about("id", f"no thread '{thread_id[:128]}'")
    if not is_thread_id(thread_id):
        raise missing  # no thread can have this id; the store is not asked
    turns = await get_agent_log_store().list_turns(thread_id)
    if not may_access_thread(principal, turns, action):
        raise missing
    return turns


async def with_run_outcomes(
    client: df.DurableOrchestrationClient, turns: list[ThreadTurn]
) -> list[ThreadTurn]:
    """`turns`, each still `running` whose run ended without completing (failed, terminated,
    purged) shown as ENDED_WITHOUT_ANSWER."""
    shown = []
    for turn in turns:
        if turn.status == TurnStatus.RUNNING:
            run = await find_instance(client, turn.workflow_id)
            if run is None or (is_finished(run) and run.runtime_status != Status.Completed):
                turn = turn.model_copy(update={"status": TurnStatus.ENDED_WITHOUT_ANSWER})
        shown.append(turn)
    return shown


@bp.route(route=routes.THREAD, methods=["GET"])
@bp.durable_client_input(client_name="client")
@api_endpoint
async def get_thread(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """200 with the thread's turns; 404 for an unknown thread or one that is not the
    caller's."""
    principal = await authorize(req, OPERATOR, APPROVER, ADMIN)
    thread_id = req.route_params.get("id", "")
    turns = await with_run_outcomes(
        client, await accessible_thread(principal, thread_id, RunAction.READ)
    )
    first = turns[0]
    view = ThreadView(
        thread_id=thread_id, owner=first.owner, owner_name=first.owner_name, turns=turns
    )
    return json_response(view)


@bp.route(route=routes.THREAD, methods=["DELETE"])
@api_endpoint
async def delete_thread(req: func.HttpRequest) -> func.HttpResponse:
    """200 with how many turns went; 404 for an unknown thread or one the caller may not
    delete. The workflows of its turns are kept (retention purges them)."""
    principal = await authorize(req, OPERATOR, ADMIN)
    thread_id = req.route_params.get("id", "")
    await accessible_thread(principal, thread_id, RunAction.CANCEL)
    deleted = await get_agent_log_store().delete_thread(thread_id)
    return json_response(ThreadDeleted(thread_id=thread_id, deleted_turns=deleted))
