"""The approval workflow step by step, with its activities and events given by the test: what
it shows while it waits, which decisions count, what it audits, and how its deadline denies."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from core.models import (
    ApprovalInput,
    ApprovalOutcome,
    AuditInput,
    CheckApprovalInput,
    CoveredCall,
    Plan,
    PlannedTask,
    ProposedCall,
)
from devhost.app_loader import FunctionIndex, load_app
from orchestrations import names
from orchestrations.approval import pending_view
from tests.unit.orchestrations.conftest import ROOT
from tests.unit.orchestrations.scripted import PENDING, START, Failure, Run, Task, run

APPROVAL_ID = "wf-1:customer-support:approval:1:0"
CALL = ProposedCall(
    agent="customer-support",
    tool="update_ticket",
    arguments={"ticket_id": "T-1", "api_key": "sk-live-123"},
)
REQUEST = ApprovalInput(
    workflow_id="wf-1",
    call=CALL,
    reason="The customer-support agent asks to run update_ticket, which changes data.",
    covers=[CoveredCall(digest=CALL.digest(), key="wf-1:customer-support:1:0")],
    timeout_seconds=600,
    expires_at="2026-12-02T12:10:00+00:00",
)


@pytest.fixture(scope="module")
def index() -> FunctionIndex:
    return load_app(ROOT)


class Script:
    """Answers: the seal check, the proof check, the deadline's timer, the audit and reseal."""

    def __init__(self, *, authentic: bool = True, deadline: bool = False) -> None:
        self.authentic = authentic
        self.deadline = deadline

    def __call__(self, task: Task) -> Any:
        if task.kind == "timer":
            # Retry timers fire; the deadline's fires only when the test says so.
            retry = task.fire_at is not None and task.fire_at < START + timedelta(minutes=1)
            return None if self.deadline or retry else PENDING
        if task.name == names.ADMIT_INPUT:
            return True
        if task.name == names.CHECK_APPROVAL:
            return self.authentic
        if task.name == names.RECORD_AUDIT:
            return None
        if task.name == names.SEAL_INPUTS:
            return [{**s["input"], "proof": "sealed"} for s in task.input["starts"]]
        raise AssertionError(f"unexpected task {task.name}")


def decision(approved: bool = True, **change: Any) -> dict[str, Any]:
    return {
        "approved": approved,
        "approver": "ada",
        "digest": REQUEST.digest(),
        "comment": "",
        "proof": "f" * 64,
        **change,
    }


def approve(
    index: FunctionIndex, script: Script, *sent: Any, request: ApprovalInput = REQUEST
) -> Run:
    events = [(names.APPROVAL_EVENT, d) for d in sent]
    return run(
        index,
        names.APPROVAL,
        request.model_dump(mode="json"),
        script,
        instance_id=APPROVAL_ID,
        events=events,
    )


def audits(done: Run) -> list[AuditInput]:
    return [AuditInput.model_validate(t.input) for t in done.named(names.RECORD_AUDIT)]


def test_while_it_waits_its_status_shows_what_waits_with_secrets_masked(index) -> None:
    done = approve(index, Script())
    assert not done.done
    shown = done.statuses[-1]
    assert shown["phase"] == "awaiting_approval"
    waiting = shown["approval"]
    assert (waiting["approval_id"], waiting["workflow_id"], waiting["kind"]) == (
        APPROVAL_ID,
        "wf-1",
        "tool_call",
    )
    assert (waiting["agent"], waiting["tool"]) == ("customer-support", "update_ticket")
    assert waiting["arguments"]["ticket_id"] == "T-1"
    assert "sk-live-123" not in json.dumps(shown)
    assert waiting["digest"] == CALL.digest()
    assert waiting["covers"] == [c.model_dump() for c in REQUEST.covers]
    assert waiting["expires_at"] == "2026-12-02T12:10:00+00:00"
    assert waiting["reason"] == REQUEST.reason
    (timer,) = [t for t in done.tasks if t.kind == "timer"]
    assert timer.fire_at is not None
    assert timer.fire_at.isoformat() == "2026-12-02T12:10:00+00:00"


def test_a_plan_approval_shows_the_plan() -> None:
    plan = Plan(tasks=[PlannedTask(agent="enterprise", task="close T-1")])
    request = ApprovalInput(workflow_id="wf-1", plan=plan, timeout_seconds=60)
    shown = pending_view("wf-1:approval", request, "2026-12-02T12:01:00+00:00")["approval"]
    assert (shown["kind"], shown["agent"], shown["tool"], shown["arguments"]) == (
        "plan",
        None,
        None,
        None,
    )
    assert shown["plan"]["tasks"] == [{"agent": "enterprise", "task": "close T-1"}]
    assert shown["digest"] == plan.digest()


def test_without_a_deadline_in_the_input_the_timeout_sets_it(index) -> None:
    request = REQUEST.model_copy(update={"expires_at": None})
    done = approve(index, Script(), request=request)
    # Ten minutes after the episode that admitted the input and started the wait.
    assert done.statuses[-1]["approval"]["expires_at"] == "2026-12-02T12:10:01+00:00"


def test_an_authentic_decision_on_what_waits_counts_and_is_audited(index) -> None:
    done = approve(index, Script(), decision(True, comment="go ahead"))
    assert done.done
    outcome = ApprovalOutcome.model_validate(done.output)
    assert (outcome.approved, outcome.approver, outcome.digest) == (True, "ada", CALL.digest())
    assert outcome.reason == "Approved by ada: go ahead"
    assert (outcome.approval_id, outcome.expires_at) == (APPROVAL_ID, REQUEST.expires_at)
    assert outcome.decided_at == "2026-12-02T12:00:01+00:00"
    assert outcome.proof == "f" * 64
    grant = outcome.grant
    assert grant is not None
    assert (grant.workflow_id, grant.approval_id, grant.digest) == (
        "wf-1",
        APPROVAL_ID,
        CALL.digest(),
    )
    assert (grant.covers, grant.approver, grant.approved, grant.expires_at) == (
        REQUEST.covers,
        "ada",
        True,
        REQUEST.expires_at,
    )
    (check,) = done.named(names.CHECK_APPROVAL)
    assert CheckApprovalInput.model_validate(check.input) == CheckApprovalInput(
        grant=grant, proof="f" * 64
    )
    (entry,) = audits(done)
    assert (entry.entry_id, entry.kind, entry.actor, entry.action) == (
        f"{APPROVAL_ID}:1",
        "approval",
        "ada",
        "approved",
    )
    assert (entry.target, entry.digest, entry.detail) == ("wf-1", CALL.digest(), "go ahead")
    assert done.statuses[-1] == {"phase": "approved"}


def test_a_denial_counts_and_says_who_denied(index) -> None:
    done = approve(index, Script(), decision(False))
    outcome = ApprovalOutcome.model_validate(done.output)
    assert not outcome.approved
    assert outcome.reason == "Denied by ada."
    assert audits(done)[0].action == "denied"
    assert done.statuses[-1] == {"phase": "denied"}


def test_a_decision_sent_as_json_text_counts_too(index) -> None:
    done = approve(index, Script(), json.dumps(decision(True)))
    assert ApprovalOutcome.model_validate(done.output).approved


def test_the_deadline_denies_automatically(index) -> None:
    done = approve(index, Script(deadline=True))
    assert done.done
    outcome = ApprovalOutcome.model_validate(done.output)
    assert (outcome.approved, outcome.approver, outcome.grant) == (False, None, None)
    assert outcome.reason == "The approval timed out and was denied automatically."
    assert (outcome.digest, outcome.approval_id, outcome.expires_at) == (
        CALL.digest(),
        APPROVAL_ID,
        REQUEST.expires_at,
    )
    (entry,) = audits(done)
    assert (entry.actor, entry.action, entry.detail) == (
        "system",
        "auto_denied",
        "No decision before the deadline.",
    )
    assert entry.entry_id == f"{APPROVAL_ID}:1"
    assert done.statuses[-1] == {"phase": "expired"}


@pytest.mark.parametrize(
    ("sent", "actor", "detail"),
    [
        (decision(True, digest="0" * 64), "ada", "Digest mismatch: got " + "0" * 64 + "."),
        ({"approved": "perhaps"}, "unknown", "Malformed decision: "),
        (
            decision(True, approver=""),
            "unknown",
            "Malformed decision: String should have at least 1 character",
        ),
    ],
)
def test_a_decision_on_something_else_is_rejected_and_the_wait_goes_on(
    index, sent, actor, detail
) -> None:
    done = approve(index, Script(), sent)
    assert not done.done
    (entry,) = audits(done)
    assert (entry.actor, entry.action, entry.entry_id) == (actor, "rejected", f"{APPROVAL_ID}:1")
    assert entry.detail.startswith(detail)
    assert done.named(names.CHECK_APPROVAL) == []
    again = ApprovalInput.model_validate(done.continued_with)
    assert again.decisions_seen == 1
    assert again.expires_at == REQUEST.expires_at
    assert (again.call, again.covers, again.workflow_id) == (CALL, REQUEST.covers, "wf-1")
    assert done.continued_with["proof"] == "sealed"
    (sealing,) = done.named(names.SEAL_INPUTS)
    assert sealing.input["workflow_id"] == "wf-1"
    assert [(s["orchestration"], s["instance_id"]) for s in sealing.input["starts"]] == [
        (names.APPROVAL, APPROVAL_ID)
    ]


def test_a_decision_without_the_apps_proof_is_ignored_and_audited(index) -> None:
    done = approve(index, Script(authentic=False), decision(True))
    assert not done.done
    (entry,) = audits(done)
    assert (entry.actor, entry.action, entry.entry_id) == ("ada", "ignored", f"{APPROVAL_ID}:1")
    assert entry.detail == (
        "Ignored: the decision carries no valid proof of the app's approval "
        "endpoints (an event raised around them); the named approver is unverified."
    )
    assert ApprovalInput.model_validate(done.continued_with).decisions_seen == 1


def test_a_later_generation_numbers_its_audit_entries_after_the_earlier_ones(index) -> None:
    request = REQUEST.model_copy(update={"decisions_seen": 2})
    done = approve(index, Script(), decision(True), request=request)
    assert audits(done)[0].entry_id == f"{APPROVAL_ID}:3"


class Flaky(Script):
    """A script whose `step` fails once before it answers."""

    def __init__(self, step: str) -> None:
        super().__init__()
        self.step, self.failed = step, False

    def __call__(self, task: Task) -> Any:
        if task.name == self.step and not self.failed:
            self.failed = True
            return Failure(f"{self.step} briefly down")
        return super().__call__(task)


@pytest.mark.parametrize("step", [names.CHECK_APPROVAL, names.RECORD_AUDIT])
def test_the_proof_check_and_the_audit_are_retried(index, step: str) -> None:
    script = Flaky(step)
    done = approve(index, script, decision(True))
    assert done.done, done.error
    assert len(done.named(step)) == 2
    assert ApprovalOutcome.model_validate(done.output).approved


def test_a_rejected_decision_does_not_move_the_deadline(index) -> None:
    request = REQUEST.model_copy(update={"expires_at": None})
    done = approve(index, Script(), decision(True, digest="0" * 64), request=request)
    again = ApprovalInput.model_validate(done.continued_with)
    assert again.expires_at == done.statuses[0]["approval"]["expires_at"]
    assert again.expires_at == "2026-12-02T12:10:01+00:00"
