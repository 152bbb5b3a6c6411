"""The approval endpoint's checks: the workflow must await a decision, and the decision is
bound to the digest of the plan it shows."""

import pytest

from core.auth import DEVELOPMENT_PRINCIPAL
from core.models import Plan, PlannedTask
from tests.unit.triggers.fake_durable_client import FakeDurableClient, instance
from triggers.api_models import ApprovalRequest
from triggers.approval import decision_of, pending_plan_digest
from triggers.errors import ConflictError, NotFoundError, RequestValidationError

PLAN = Plan(tasks=[PlannedTask(agent="customer-support", task="Update ticket TCK-10002")])
DIGEST = PLAN.digest()
AWAITING = {"phase": "awaiting_approval", "plan": PLAN.model_dump(), "plan_digest": DIGEST}


def client_with(coordinator: dict | None, approval: dict | None = None) -> FakeDurableClient:
    instances = {}
    if coordinator:
        instances["wf"] = coordinator
    if approval:
        instances["wf:approval"] = approval
    return FakeDurableClient(instances)


async def test_awaiting_workflow_yields_the_plan_digest():
    client = client_with(
        instance("coordinator", "Running", AWAITING), instance("approval", "Running")
    )
    assert await pending_plan_digest(client, "wf", DEVELOPMENT_PRINCIPAL) == DIGEST


async def test_unknown_or_non_coordinator_instance_is_not_found():
    for client in (client_with(None), client_with(instance("agent_run", "Running", AWAITING))):
        with pytest.raises(NotFoundError):
            await pending_plan_digest(client, "wf", DEVELOPMENT_PRINCIPAL)


@pytest.mark.parametrize(
    ("coordinator", "approval", "says"),
    [
        (instance("coordinator", "Running", {"phase": "running_agents"}), None, "not awaiting"),
        (instance("coordinator", "Completed", AWAITING), None, "not awaiting"),
        (instance("coordinator", "Running", AWAITING), None, "not started yet"),
        (
            instance("coordinator", "Running", AWAITING),
            instance("approval", "Completed"),
            "already decided",
        ),
    ],
    ids=["other-phase", "finished", "approval-not-started", "already-decided"],
)
async def test_workflow_not_awaiting_a_decision_is_a_conflict(coordinator, approval, says):
    with pytest.raises(ConflictError) as caught:
        await pending_plan_digest(client_with(coordinator, approval), "wf", DEVELOPMENT_PRINCIPAL)
    assert says in caught.value.detail[0].message


def test_decision_without_digest_approves_the_plan_on_show(settings_env):
    body = ApprovalRequest(approved=True, approver="alice", comment="ok")
    decision = decision_of(DEVELOPMENT_PRINCIPAL, body, DIGEST)
    assert decision.model_dump() == {
        "approved": True,
        "approver": "alice",
        "digest": DIGEST,
        "comment": "ok",
    }


def test_decision_on_another_digest_is_a_conflict(settings_env):
    body = ApprovalRequest(approved=True, approver="alice", digest="0" * 64)
    with pytest.raises(ConflictError) as caught:
        decision_of(DEVELOPMENT_PRINCIPAL, body, DIGEST)
    assert caught.value.detail[0].field == "digest"


def test_decision_needs_an_approver(settings_env):
    with pytest.raises(RequestValidationError) as caught:
        decision_of(DEVELOPMENT_PRINCIPAL, ApprovalRequest(approved=False), DIGEST)
    assert caught.value.detail[0].field == "approver"
