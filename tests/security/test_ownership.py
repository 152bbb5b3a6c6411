"""Attack: an Operator reads, follows, cancels or lists another Operator's run. Runs record
their starter; on the HTTP API, the monitor's JSON API and the MCP tools an Operator reaches
only their own runs and gets 404 (as for an id that does not exist) for anyone else's.
Approvers read and decide any run; Admins do everything."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.apphost import AppHost
from tests.security.conftest import (
    ADA,
    BOB,
    CAROL,
    DAN,
    WEBHOOK,
    Ledger,
    decoded,
    start_run,
    wait_for_status,
)
from tests.security.mcp import call_tool

MONITOR = "/api/monitor/api/instances"


@pytest.fixture(scope="module")
def adas_run(as_person, attacker: httpx.Client) -> Iterator[str]:
    """Ada's run, waiting for a decision on its plan (so it can still be cancelled)."""
    workflow_id = start_run(as_person(ADA), query="Update ticket TCK-10001 to pending", require_approval=True)
    wait_for_status(
        attacker,
        workflow_id,
        lambda s: (decoded(s.get("customStatus")) or {}).get("phase") == "awaiting_approval",
    )
    yield workflow_id
    attacker.post(f"{WEBHOOK}/instances/{workflow_id}/terminate", params={"reason": "test over"})


def test_the_run_records_its_starter_out_of_reach_of_the_body(
    attacker: httpx.Client, adas_run: str
):
    run_input = decoded(attacker.get(f"{WEBHOOK}/instances/{adas_run}", params={"showInput": "true"}).json()["input"])
    assert run_input["owner"] == {"oid": ADA.oid, "name": ADA.name}


def test_another_operator_cannot_read_follow_or_cancel_a_run_over_http(
    as_person, attacker: httpx.Client, adas_run: str, ledger: Ledger
):
    bob = as_person(BOB)
    attempts = {
        "read another's workflow": bob.get(f"/api/coordinator/workflows/{adas_run}"),
        "follow another's instance": bob.get(f"/api/instances/{adas_run}"),
        "follow another's events": bob.get(f"/api/coordinator/workflows/{adas_run}/events"),
        "cancel another's run": bob.post(f"/api/instances/{adas_run}/terminate"),
    }
    unknown = bob.get("/api/coordinator/workflows/no-such-run")
    for name, answer in attempts.items():
        assert ledger.attack(name, answer.status_code != 404), answer.text
        assert answer.json()["error"] == unknown.json()["error"] == "not_found"
    decide = bob.post(
        f"/api/coordinator/workflows/{adas_run}/approval", json={"approved": True}
    )
    assert ledger.attack("decide an approval as an Operator", decide.status_code != 403)
    still = attacker.get(f"{WEBHOOK}/instances/{adas_run}").json()
    assert still["runtimeStatus"] == "Running"


def test_the_owner_approvers_and_admins_reach_the_run(as_person, adas_run: str):
    for person in (ADA, CAROL, DAN):
        answer = as_person(person).get(f"/api/coordinator/workflows/{adas_run}")
        assert answer.status_code == 200, (person.name, answer.text)
    assert as_person(ADA).get(f"/api/instances/{adas_run}").status_code == 202
    events = as_person(ADA).get(f"/api/coordinator/workflows/{adas_run}/events")
    assert events.status_code == 200, events.text
    assert "event: approval_requested" in events.text


def test_another_operator_cannot_see_or_cancel_a_run_in_the_monitor(
    as_person, attacker: httpx.Client, adas_run: str, ledger: Ledger
):
    # The monitor demands the master key; even with it, the token's roles and the run's
    # owner decide.
    bob, ada = as_person(BOB, "master"), as_person(ADA, "master")
    listed = bob.get(MONITOR, params={"children": "true", "top": "200"})
    assert listed.status_code == 200, listed.text
    bobs_view = [row["instanceId"] for row in listed.json()["instances"]]
    assert ledger.attack(
        "list another's run in the monitor", any(i.startswith(adas_run) for i in bobs_view)
    )
    adas_view = [row["instanceId"] for row in ada.get(MONITOR, params={"top": "200"}).json()["instances"]]
    assert adas_run in adas_view
    children = attacker.get(f"{WEBHOOK}/instances", params={"instanceIdPrefix": f"{adas_run}:"})
    child = children.json()[0]["instanceId"]
    for name, answer in {
        "read another's run in the monitor": bob.get(f"{MONITOR}/{adas_run}"),
        "read another's child run in the monitor": bob.get(f"{MONITOR}/{child}"),
        "terminate another's run in the monitor": bob.post(f"{MONITOR}/{adas_run}/terminate", json={}),
    }.items():
        assert ledger.attack(name, answer.status_code != 404), answer.text
    for name, answer in {
        "suspend a run in the monitor as an Operator": ada.post(f"{MONITOR}/{adas_run}/suspend", json={}),
        "raise an event in the monitor as an Operator": ada.post(
            f"{MONITOR}/{adas_run}/events/approval", json={"data": {"approved": True}}
        ),
        "purge in the monitor as an Operator": ada.delete(f"{MONITOR}/{adas_run}"),
    }.items():
        assert ledger.attack(name, answer.status_code != 403), answer.text
    assert ada.get(f"{MONITOR}/{adas_run}").status_code == 200
    assert attacker.get(f"{WEBHOOK}/instances/{adas_run}").json()["runtimeStatus"] == "Running"


def test_another_operator_cannot_read_or_decide_a_run_over_mcp(
    app_host: AppHost, adas_run: str, ledger: Ledger
):
    read = call_tool(app_host, BOB, "get_workflow", {"workflow_id": adas_run})
    assert ledger.attack("read another's run over MCP", not read["isError"])
    assert read["structuredContent"]["error"] == "not_found"
    decide = call_tool(app_host, BOB, "approve_workflow", {"workflow_id": adas_run})
    assert ledger.attack("approve over MCP as an Operator", not decide["isError"])
    mine = call_tool(app_host, ADA, "get_workflow", {"workflow_id": adas_run})
    assert not mine["isError"], mine
    assert mine["structuredContent"]["workflow_id"] == adas_run
