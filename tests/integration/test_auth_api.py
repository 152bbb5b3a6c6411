"""Roles on the HTTP API with authentication on, behind the platform's built-in authentication
(its verified principal header): 401 without a principal, 403 without the role, and approvals
recorded under the verified approver, whatever name the body claims."""

import time
from collections.abc import Iterator

import httpx
import pytest

from core.auth import ADMIN, APPROVER, OPERATOR
from tests.apphost import AppHost, running_app
from tests.platform_principal import AUTH_SETTINGS, as_user


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    with running_app(
        tmp_path_factory.mktemp("auth_api"), enforce_keys=False, settings=AUTH_SETTINGS
    ) as host:
        yield host


@pytest.fixture(scope="module")
def api(secured: AppHost) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=secured.url + "/api/", timeout=30) as client:
        yield client


def test_health_stays_open(api: httpx.Client):
    assert api.get("health/live").status_code == 200


def test_no_principal_is_401_with_a_bearer_challenge(api: httpx.Client):
    response = api.post("coordinator/orchestrate", json={"query": "Check order ORD-2025-00012"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]


def test_missing_role_is_403(api: httpx.Client):
    response = api.post(
        "coordinator/orchestrate", json={"query": "Check order ORD-2025-00012"}, headers=as_user("eve")
    )
    assert response.status_code == 403
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]


def test_reset_needs_the_admin_role(api: httpx.Client):
    assert api.post("manage/reset-system", json={}, headers=as_user("op", OPERATOR)).status_code == 403


@pytest.fixture(scope="module")
def decided(api: httpx.Client) -> dict:
    """One workflow that waited for approval, an operator's refused decision and an
    approver's accepted one (with a different name in the body), run to completion."""
    started = api.post(
        "coordinator/orchestrate",
        json={"query": "Update ticket TCK-10002 to resolved"},
        headers=as_user("olivia", OPERATOR),
    )
    assert started.status_code in (200, 202)
    workflow_id = started.json()["workflow_id"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = api.get(f"coordinator/workflows/{workflow_id}", headers=as_user("olivia", OPERATOR)).json()
        if (body.get("progress") or {}).get("phase") == "awaiting_approval":
            break
        time.sleep(0.1)
    decision = {"approved": True, "approver": "someone-else"}
    forbidden = api.post(f"coordinator/workflows/{workflow_id}/approval", json=decision, headers=as_user("olivia", OPERATOR))
    accepted = api.post(f"coordinator/workflows/{workflow_id}/approval", json=decision, headers=as_user("alice", APPROVER))
    while time.monotonic() < deadline:
        body = api.get(f"coordinator/workflows/{workflow_id}", headers=as_user("olivia", OPERATOR)).json()
        if body.get("runtime_status") == "Completed":
            break
        time.sleep(0.1)
    return {"workflow_id": workflow_id, "forbidden": forbidden, "accepted": accepted, "final": body}


def test_only_an_approver_can_approve_and_is_recorded_by_verified_name(decided: dict):
    assert decided["forbidden"].status_code == 403
    assert decided["accepted"].status_code == 202
    assert decided["accepted"].json()["approver"] == "alice"
    calls = [c for a in decided["final"]["result"]["agents"] for c in a["tool_calls"]]
    update = next(c for c in calls if c["tool"] == "update_ticket")
    assert update["error"] is None


def test_reset_by_an_admin_is_accepted(api: httpx.Client):
    assert api.post("manage/reset-system", json={}, headers=as_user("root", ADMIN)).status_code in (200, 409)


def test_audit_log_is_for_admins_and_binds_approver_and_digest(api: httpx.Client, decided: dict):
    assert api.get("manage/audit", headers=as_user("olivia", OPERATOR)).status_code == 403
    response = api.get("manage/audit", headers=as_user("root", ADMIN))
    assert response.status_code == 200
    approvals = [
        r
        for r in response.json()["records"]
        if r["kind"] == "approval" and r["action"] == "approved" and r["target"] == decided["workflow_id"]
    ]
    assert [r["actor"] for r in approvals] == ["alice"]
    assert len(approvals[0]["digest"]) == 64
    bad = api.get("manage/audit", params={"limit": "0"}, headers=as_user("root", ADMIN))
    assert bad.status_code == 400
    assert bad.json()["detail"][0]["field"] == "limit"
