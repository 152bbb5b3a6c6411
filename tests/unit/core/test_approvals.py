"""Approval proofs: a call runs only under the app's signed approval of exactly that call, in
that workflow, under that idempotency key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import approvals
from core.auth import signing
from core.models import (
    ApprovalGrant,
    ApprovalOutcome,
    CoveredCall,
    PendingApproval,
    Plan,
    PlannedTask,
    ProposedCall,
)
from core.settings import get_settings

CALL = ProposedCall(agent="enterprise", tool="update_ticket", arguments={"id": "T-1", "state": "x"})
KEY = "wf-1:agent:1:0"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
ARGUMENTS = st.dictionaries(st.text(min_size=1, max_size=8), JSON, max_size=4)


@pytest.fixture(autouse=True, scope="module")
def signing_setting() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKFLOW_SIGNING_KEY", "k" * signing.MIN_KEY_BYTES)
        get_settings.cache_clear()
        signing.signing_key.cache_clear()
        yield
    get_settings.cache_clear()
    signing.signing_key.cache_clear()


def pending_call(call: ProposedCall = CALL, key: str = KEY) -> PendingApproval:
    return PendingApproval(
        approval_id="wf-1:agent:approval:1:0",
        workflow_id="wf-1",
        kind="tool_call",
        digest=call.digest(),
        expires_at="2026-12-02T12:00:00+00:00",
        agent=call.agent,
        tool=call.tool,
        arguments=call.arguments,
        covers=[CoveredCall(digest=call.digest(), key=key)],
    )


def outcome_of(
    pending: PendingApproval, approver: str, approved: bool, change: dict[str, Any] | None = None
) -> ApprovalOutcome:
    """The approval workflow's outcome for a decision the app signed on `pending`; `change`
    alters the grant after signing, as a forger would."""
    decision = approvals.signed_decision(pending, approver, approved, "ok")
    grant = ApprovalGrant(
        workflow_id=pending.workflow_id,
        approval_id=pending.approval_id,
        digest=pending.digest,
        covers=pending.covers,
        approver=approver,
        approved=approved,
        expires_at=pending.expires_at,
    ).model_copy(update=change or {})
    return ApprovalOutcome(
        approved=approved,
        approver=approver,
        digest=pending.digest,
        reason="",
        decided_at=pending.expires_at,
        expires_at=pending.expires_at,
        grant=grant,
        proof=decision.proof,
    )


def test_a_signed_approval_lets_exactly_its_call_run() -> None:
    outcome = outcome_of(pending_call(), "alice", True)
    assert approvals.refusal(outcome, "wf-1", CALL.digest(), KEY) is None


def test_the_signed_decision_carries_what_was_decided() -> None:
    pending = pending_call()
    decision = approvals.signed_decision(pending, "alice", False, "not now")
    assert (decision.approved, decision.approver, decision.digest, decision.comment) == (
        False,
        "alice",
        pending.digest,
        "not now",
    )
    assert approvals.signed_decision(pending, "alice", True).comment == ""
    grant = outcome_of(pending, "alice", False).grant
    assert grant is not None
    assert approvals.is_authentic(grant, decision.proof)


@settings(deadline=None)
@given(arguments=ARGUMENTS)
def test_an_approval_proof_for_other_arguments_is_refused(arguments: dict[str, Any]) -> None:
    other = CALL.model_copy(update={"arguments": arguments})
    outcome = outcome_of(pending_call(), "alice", True)
    refused = approvals.refusal(outcome, "wf-1", other.digest(), KEY)
    if arguments == CALL.arguments:
        assert refused is None
    else:
        assert refused == (
            "the approval does not cover this call (its tool, arguments or key differ)"
        )


@settings(deadline=None)
@given(key=st.text(min_size=1, max_size=20))
def test_an_approval_covers_its_call_under_its_own_idempotency_key_only(key: str) -> None:
    refused = approvals.refusal(
        outcome_of(pending_call(), "alice", True), "wf-1", CALL.digest(), key
    )
    assert (refused is None) == (key == KEY)


def test_an_approval_from_another_workflow_is_refused() -> None:
    outcome = outcome_of(pending_call(), "alice", True)
    assert approvals.refusal(outcome, "wf-2", CALL.digest(), KEY) == (
        "the approval belongs to workflow 'wf-1'"
    )


def test_a_denial_is_refused_and_names_the_approver() -> None:
    outcome = outcome_of(pending_call(), "bob", False)
    assert approvals.refusal(outcome, "wf-1", CALL.digest(), KEY) == "the call was denied by bob"


def test_no_approval_is_refused() -> None:
    reason = "no approval was given for this call"
    assert approvals.refusal(None, "wf-1", CALL.digest(), KEY) == reason
    unsigned = outcome_of(pending_call(), "alice", True).model_copy(update={"grant": None})
    assert approvals.refusal(unsigned, "wf-1", CALL.digest(), KEY) == reason


@pytest.mark.parametrize(
    "change",
    [
        {"approved": True},
        {"approver": "mallory"},
        {"workflow_id": "wf-2"},
        {"approval_id": "other"},
        {"digest": "0" * 64},
        {"expires_at": "2027-01-01T00:00:00+00:00"},
        {"covers": [CoveredCall(digest="0" * 64, key=KEY)]},
    ],
)
def test_a_grant_altered_after_signing_is_refused(change: dict[str, Any]) -> None:
    forged = outcome_of(pending_call(), "alice", False, change)
    assert forged.grant is not None
    assert not approvals.is_authentic(forged.grant, forged.proof)
    assert approvals.refusal(forged, "wf-1", CALL.digest(), KEY) == (
        "the approval's proof is not valid"
    )


def test_a_proof_made_for_another_purpose_is_refused() -> None:
    pending = pending_call()
    grant = outcome_of(pending, "alice", True).grant
    assert grant is not None
    other_purpose = signing.sign("orchestration-input", grant.model_dump(mode="json"))
    assert not approvals.is_authentic(grant, other_purpose)
    assert approvals.is_authentic(grant, approvals.sign_grant(grant))


def test_a_plan_decision_binds_to_the_plan_digest() -> None:
    plan = Plan(tasks=[PlannedTask(agent="enterprise", task="close T-1")], writes=[CALL])
    pending = PendingApproval(
        approval_id="wf-1:approval",
        workflow_id="wf-1",
        kind="plan",
        digest=plan.digest(),
        expires_at="2026-12-02T12:00:00+00:00",
        plan=plan,
        covers=[CoveredCall(digest=CALL.digest(), key="wf-1:planned:0")],
    )
    decision = approvals.signed_decision(pending, "alice", True)
    assert decision.digest == plan.digest()
    outcome = outcome_of(pending, "alice", True)
    assert approvals.refusal(outcome, "wf-1", CALL.digest(), "wf-1:planned:0") is None
