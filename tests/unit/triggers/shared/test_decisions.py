"""Deciding approvals, as every surface does it, against devhost serving the coordinator app:
only Approvers and Admins decide, the decision names the verified caller and exactly what
waits, and a decision on anything else is refused (and audited)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import azure.durable_functions as df
import httpx
import pytest
import pytest_asyncio
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.agent_logs import get_agent_log_store
from core.auth import ADMIN, ALL_ROLES, APPROVER, AuthorizationError, Principal
from core.models import PendingApproval, Plan, PlannedTask
from devhost.host.durable_client import client_binding_json
from devhost.host.server import DevHost
from tests.browser.coordinator_host import (
    TWO_AGENT_QUERY,
    WEBHOOK,
    base_url,
    coordinator_host,
    start_coordinator,
    wait_until,
    waiting_workflow,
)
from triggers.shared.decisions import (
    decide_approval,
    no_such_approval,
    nothing_waits,
    subject_of,
)
from triggers.shared.endpoint import error_response
from triggers.shared.errors import ConflictError, NotFoundError, RequestValidationError

pytestmark = pytest.mark.asyncio(loop_scope="module")


def person(*roles: str, name: str | None = "Ada Approver", authenticated: bool = True) -> Principal:
    return Principal(
        oid="00000000-0000-0000-0000-0000000000a1",
        name=name,
        upn="ada@example.test",
        roles=frozenset(roles),
        tenant_id="t",
        app_id=None,
        authenticated=authenticated,
        source="bearer" if authenticated else "development",
    )


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def host(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevHost]:
    async with coordinator_host(tmp_path_factory.mktemp("decisions")) as devhost:
        yield devhost


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def http(host: DevHost) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url(host), timeout=30) as client:
        yield client


@pytest.fixture
def client(host: DevHost) -> df.DurableOrchestrationClient:
    return df.DurableOrchestrationClient(client_binding_json(host.webhooks))


def detail(error: Exception) -> tuple[str, str]:
    assert isinstance(error, ConflictError | NotFoundError | RequestValidationError)
    (problem,) = error.detail
    return problem.field, problem.message


@pytest.mark.parametrize(
    "roles", [set(r) for n in range(4) for r in itertools.combinations(sorted(ALL_ROLES), n)]
)
async def test_only_approvers_and_admins_may_decide(
    client: df.DurableOrchestrationClient, roles: set[str]
) -> None:
    """A caller below Approver is refused before anything is looked up; the others get as far
    as finding that no such run exists."""
    with pytest.raises((AuthorizationError, NotFoundError)) as refused:
        await decide_approval(client, person(*roles), "no-such-run", True)
    if roles & {APPROVER, ADMIN}:
        assert isinstance(refused.value, NotFoundError)
    else:
        assert isinstance(refused.value, AuthorizationError)
        assert refused.value.required_roles == tuple(sorted((APPROVER, ADMIN)))


async def test_a_decision_names_the_verified_caller_and_carries_out_the_plan(
    client: df.DurableOrchestrationClient, http: httpx.AsyncClient
) -> None:
    workflow = await waiting_workflow(http)
    sent = await decide_approval(
        client, person(APPROVER), workflow, True, approver="Mallory", comment="fine"
    )
    assert (sent.workflow_id, sent.approval_id, sent.kind) == (
        workflow,
        f"{workflow}:approval",
        "plan",
    )
    assert (sent.approved, sent.approver) == (True, "Ada Approver")
    assert sent.subject.startswith("the plan: ")
    done = await wait_until(http, workflow)
    assert done["runtimeStatus"] == "Completed"
    approval = done["output"]["approval"]
    assert (approval["approved"], approval["approver"], approval["digest"]) == (
        True,
        "Ada Approver",
        sent.digest,
    )
    assert approval["reason"] == "Approved by Ada Approver: fine"


async def test_without_authentication_the_named_approver_decides_and_a_denial_stops_the_plan(
    client: df.DurableOrchestrationClient, http: httpx.AsyncClient
) -> None:
    workflow = await waiting_workflow(http)
    local = person(*ALL_ROLES, authenticated=False)
    for blank in ("  ", None):
        with pytest.raises(RequestValidationError) as unnamed:
            await decide_approval(client, local, workflow, False, approver=blank)
        assert detail(unnamed.value) == ("approver", "name the approver")
    sent = await decide_approval(client, local, workflow, False, approver=" Bob ")
    assert (sent.approved, sent.approver) == (False, "Bob")
    done = await wait_until(http, workflow)
    assert done["output"]["status"] == "denied"
    assert done["output"]["approval"]["approver"] == "Bob"
    assert done["output"]["approval"]["reason"] == "Denied by Bob."


async def test_a_decision_on_another_digest_is_refused_audited_and_sends_nothing(
    client: df.DurableOrchestrationClient, http: httpx.AsyncClient
) -> None:
    workflow = await waiting_workflow(http)
    since = datetime.now(UTC) - timedelta(seconds=1)
    with pytest.raises(ConflictError) as mismatch:
        await decide_approval(client, person(ADMIN), workflow, True, digest="0" * 64)
    field, message = detail(mismatch.value)
    assert field == "digest"
    assert message.startswith("the digest does not match what awaits approval (")
    assert message.endswith("); read the workflow again and decide on what it shows")
    refused = [a for a in await get_agent_log_store().list_audit(since) if a.target == workflow]
    assert [(a.actor, a.action, a.detail["approval_id"]) for a in refused] == [
        ("Ada Approver", "refused", f"{workflow}:approval")
    ]
    assert (
        refused[0].detail["note"]
        == f"Digest mismatch: the decision named {'0' * 64}, not what waits."
    )
    assert refused[0].digest in message
    status = await wait_until(http, f"{workflow}:approval", status={"Running"})
    assert status["customStatus"]["phase"] == "awaiting_approval"
    sent = await decide_approval(client, person(ADMIN), workflow, True, digest=refused[0].digest)
    assert sent.digest == refused[0].digest


async def test_an_approval_id_that_does_not_wait_is_refused_naming_those_that_do(
    client: df.DurableOrchestrationClient, http: httpx.AsyncClient
) -> None:
    workflow = await waiting_workflow(http)
    with pytest.raises(ConflictError) as unknown:
        await decide_approval(client, person(APPROVER), workflow, True, approval_id="nope")
    assert detail(unknown.value) == (
        "approval_id",
        f"no approval 'nope' waits in workflow '{workflow}'; waiting: {workflow}:approval",
    )
    sent = await decide_approval(
        client, person(APPROVER), workflow, False, approval_id=f"{workflow}:approval"
    )
    assert sent.approval_id == f"{workflow}:approval"


async def test_an_unknown_approval_id_is_told_every_approval_that_waits() -> None:
    common = {"workflow_id": "wf-1", "digest": "d", "expires_at": "e"}
    waiting = [
        PendingApproval(approval_id="wf-1:approval", kind="plan", **common),
        PendingApproval(approval_id="wf-1:agent:0:call:2", kind="tool_call", **common),
    ]
    assert detail(no_such_approval("wf-1", "nope", waiting)) == (
        "approval_id",
        "no approval 'nope' waits in workflow 'wf-1'; waiting: wf-1:approval, wf-1:agent:0:call:2",
    )


async def test_a_run_that_awaits_nothing_is_refused_with_its_status_and_phase(
    client: df.DurableOrchestrationClient, http: httpx.AsyncClient
) -> None:
    workflow = await start_coordinator(http, query=TWO_AGENT_QUERY)
    await wait_until(http, workflow)
    with pytest.raises(ConflictError) as idle:
        await decide_approval(client, person(APPROVER), workflow, True)
    assert detail(idle.value) == (
        "id",
        f"workflow '{workflow}' is not awaiting approval (status Completed, phase completed)",
    )
    assert idle.value.headers == {}
    with pytest.raises(ConflictError) as none_named:
        await decide_approval(client, person(APPROVER), workflow, True, approval_id="x")
    assert detail(none_named.value)[1].endswith("waiting: none")


async def test_the_subject_names_the_plan_or_the_call() -> None:
    plan = Plan(
        tasks=[
            PlannedTask(agent="customer-support", task="check ORD-1"),
            PlannedTask(agent="smart-city", task="traffic in Shibuya"),
        ]
    )
    common = {"approval_id": "a", "workflow_id": "w", "digest": "d", "expires_at": "e"}
    on_plan = PendingApproval(kind="plan", plan=plan, **common)
    assert subject_of(on_plan) == (
        "the plan: customer-support: check ORD-1; smart-city: traffic in Shibuya"
    )
    on_call = PendingApproval(
        kind="tool_call",
        agent="enterprise",
        tool="update_ticket",
        arguments={"id": "T-1", "state": "closed"},
        **common,
    )
    assert subject_of(on_call) == "enterprise: update_ticket(id='T-1', state='closed')"
    assert (
        subject_of(on_call.model_copy(update={"arguments": None})) == "enterprise: update_ticket()"
    )


async def waiting_run(http: httpx.AsyncClient, instance_id: str) -> str:
    """`waiting_workflow`, with the run's id chosen."""
    answer = await http.post(
        f"{WEBHOOK}/orchestrators/coordinator/{instance_id}",
        json={"query": TWO_AGENT_QUERY, "require_approval": True},
    )
    assert answer.status_code == 202, answer.text
    await wait_until(http, instance_id, phase="awaiting_approval")
    await wait_until(http, f"{instance_id}:approval", status={"Running"})
    return instance_id


async def test_a_decision_goes_to_the_named_workflow_when_others_wait_too(
    client: df.DurableOrchestrationClient, http: httpx.AsyncClient
) -> None:
    """The other run's approval is older and its id sorts first: it would be chosen if the
    decision looked beyond the named run."""
    run = uuid.uuid4().hex
    first = await waiting_run(http, f"a-{run}")
    second = await waiting_run(http, f"b-{run}")
    sent = await decide_approval(client, person(APPROVER), second, False)
    assert sent.approval_id == f"{second}:approval"
    sent = await decide_approval(client, person(APPROVER), first, False)
    assert sent.approval_id == f"{first}:approval"


async def test_a_decision_sent_before_the_approval_step_runs_is_asked_to_retry_shortly(
    client: df.DurableOrchestrationClient, http: httpx.AsyncClient
) -> None:
    """The coordinator shows `awaiting_approval` in the step that starts its approval
    workflow, which lists the approval once it runs. A decision that reads the coordinator
    in between gets 409 naming the run's id, with Retry-After; the retry then decides."""
    workflow = await waiting_workflow(http)
    # The coordinator's own status: it is the same before and after its approval step runs.
    shown = await client.get_status(workflow)
    answer = error_response(nothing_waits(workflow, shown))
    assert answer.status_code == 409
    assert answer.headers["Retry-After"] == "1"
    assert json.loads(answer.get_body()) == {
        "error": "conflict",
        "detail": [
            {
                "field": "id",
                "message": f"the approval step of workflow '{workflow}' has not started yet; "
                "retry shortly",
            }
        ],
    }
    sent = await decide_approval(client, person(APPROVER), workflow, False)
    assert sent.approval_id == f"{workflow}:approval"


def coordinator(runtime_status: str, custom_status: Any) -> DurableOrchestrationStatus:
    return DurableOrchestrationStatus.from_json(
        {
            "name": "coordinator",
            "instanceId": "wf-1",
            "runtimeStatus": runtime_status,
            "customStatus": custom_status,
            "createdTime": "2026-01-01T00:00:00Z",
            "lastUpdatedTime": "2026-01-01T00:00:01Z",
        }
    )


@pytest.mark.parametrize(
    ("runtime_status", "custom_status", "shown"),
    [
        ("Running", {"phase": "running_agents"}, "status Running, phase running_agents"),
        ("Suspended", {"phase": "awaiting_approval"}, "status Suspended, phase awaiting_approval"),
        ("Pending", None, "status Pending, phase none"),
        ("Running", {}, "status Running, phase none"),
    ],
)
async def test_a_run_not_about_to_list_an_approval_is_not_asked_to_retry(
    runtime_status: str, custom_status: Any, shown: str
) -> None:
    """Only a running coordinator in phase `awaiting_approval` is about to list an approval;
    any other is refused with its status and phase, and no Retry-After."""
    refused = nothing_waits("wf-1", coordinator(runtime_status, custom_status))
    assert detail(refused) == ("id", f"workflow 'wf-1' is not awaiting approval ({shown})")
    assert refused.headers == {}
