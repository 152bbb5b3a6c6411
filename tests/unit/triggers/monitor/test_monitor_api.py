"""The monitor's JSON API and page, served by devhost running the coordinator app: every
endpoint and action, bad and unknown ids, wrong states, and access without the Admin role."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from core.agent_logs import get_agent_log_store
from core.settings import get_settings
from devhost.host.server import DevHost
from tests.browser.coordinator_host import (
    TWO_AGENT_QUERY,
    base_url,
    coordinator_host,
    start_coordinator,
    start_orchestration,
    status_of,
    wait_until,
    waiting_workflow,
)
from tests.platform_principal import AUTH_SETTINGS, as_user

pytestmark = pytest.mark.asyncio(loop_scope="module")

API = "/api/monitor/api/instances"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def host(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevHost]:
    async with coordinator_host(tmp_path_factory.mktemp("monitor-api")) as devhost:
        yield devhost


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def http(host: DevHost) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url(host), timeout=30) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def finished(http: httpx.AsyncClient) -> str:
    instance_id = await start_coordinator(http, query=TWO_AGENT_QUERY)
    await wait_until(http, instance_id)
    return instance_id


async def failed_workflow(http: httpx.AsyncClient) -> str:
    instance_id = await start_orchestration(http, "coordinator", {"not_a_query": True})
    assert (await wait_until(http, instance_id))["runtimeStatus"] == "Failed"
    return instance_id


async def detail(http: httpx.AsyncClient, instance_id: str) -> dict[str, Any]:
    answer = await http.get(f"{API}/{instance_id}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def listing(http: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    answer = await http.get(API, params=params)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def output_of(status: dict[str, Any]) -> dict[str, Any]:
    output = status["output"]
    return dict(output if isinstance(output, dict) else json.loads(output))


# The list


async def test_list_shows_instances_newest_first_with_phase_and_duration(
    http: httpx.AsyncClient, finished: str
) -> None:
    waiting = await waiting_workflow(http)
    page = await listing(http)
    ids = [row["instanceId"] for row in page["instances"]]
    created = [row["createdTime"] for row in page["instances"]]
    assert created == sorted(created, reverse=True)
    assert {waiting, finished} <= set(ids)
    rows = {row["instanceId"]: row for row in page["instances"]}
    assert rows[finished]["runtimeStatus"] == "Completed"
    assert rows[finished]["name"] == "coordinator"
    assert rows[finished]["phase"] == "completed"
    assert rows[finished]["durationSeconds"] >= 0
    assert rows[waiting]["phase"] == "awaiting_approval"
    assert page["total"] == len(page["instances"])
    assert not page["truncated"]
    assert "coordinator" in page["names"]
    assert all(":" not in i for i in ids), "sub-orchestrations are left out by default"


async def test_list_filters_by_status_name_prefix_and_time(
    http: httpx.AsyncClient, finished: str
) -> None:
    completed = await listing(http, status="Completed")
    assert {r["runtimeStatus"] for r in completed["instances"]} == {"Completed"}
    assert finished in [r["instanceId"] for r in completed["instances"]]
    running = await listing(http, status="running,pending")
    assert finished not in [r["instanceId"] for r in running["instances"]]
    by_name = await listing(http, name="COORD", children="true")
    assert {r["name"] for r in by_name["instances"]} == {"coordinator"}
    agents = await listing(http, name="agent_run", children="true")
    assert f"{finished}:customer-support" in [r["instanceId"] for r in agents["instances"]]
    by_prefix = await listing(http, prefix=finished, children="true")
    assert sorted(r["instanceId"] for r in by_prefix["instances"]) == sorted(
        [finished, f"{finished}:customer-support", f"{finished}:smart-city"]
    )
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert (await listing(http, **{"from": future}))["total"] == 0
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert (await listing(http, to=past))["total"] == 0
    assert finished in [
        r["instanceId"] for r in (await listing(http, **{"from": past}))["instances"]
    ]


async def test_list_pages_with_top_and_skip(http: httpx.AsyncClient, finished: str) -> None:
    await waiting_workflow(http)
    everything = await listing(http, children="true")
    assert everything["total"] >= 4
    first = await listing(http, children="true", top="2")
    second = await listing(http, children="true", top="2", skip="2")
    assert len(first["instances"]) == len(second["instances"]) == 2
    assert first["total"] == second["total"] == everything["total"]
    paged = [r["instanceId"] for r in first["instances"] + second["instances"]]
    assert paged == [r["instanceId"] for r in everything["instances"][:4]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "Sleeping"}, "status"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2024-13-40"}, "to"),
        ({"top": "0"}, "top"),
        ({"top": "5000"}, "top"),
        ({"top": "many"}, "top"),
        ({"skip": "-1"}, "skip"),
    ],
)
async def test_list_rejects_bad_filters_naming_them(
    http: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    answer = await http.get(API, params=params)
    assert answer.status_code == 400
    assert answer.json()["field"] == field


# One instance


async def test_instance_has_history_and_each_agents_history(
    http: httpx.AsyncClient, finished: str
) -> None:
    body = await detail(http, finished)
    instance = body["instance"]
    assert instance["runtimeStatus"] == "Completed"
    assert instance["input"]["query"] == TWO_AGENT_QUERY
    assert output_of(instance)["status"] == "completed"
    assert instance["customStatus"]["agents_done"] == instance["customStatus"]["agents_total"] == 2
    kinds = [e["EventType"] for e in instance["history"]]
    assert kinds[0] == "ExecutionStarted"
    assert kinds[-1] == "ExecutionCompleted"
    fan_out = [e for e in instance["history"] if e.get("FunctionName") == "agent_run"]
    assert all("ScheduledTime" in e and "Result" in e for e in fan_out)
    children = {c["instanceId"]: c for c in body["children"]}
    assert set(children) == {f"{finished}:customer-support", f"{finished}:smart-city"}
    for child in children.values():
        assert child["parentId"] == finished
        names = [e.get("FunctionName") for e in child["history"]]
        assert "llm_step" in names
        assert "mcp_tool" in names
    tools = [
        e["Result"]["tool"]
        for c in children.values()
        for e in c["history"]
        if e.get("FunctionName") == "mcp_tool"
    ]
    assert "get_order" in tools
    assert body["approval"] is None
    assert body["actions"] == ["purge", "restart"]


async def test_waiting_instance_names_its_approval_plan_and_digest(http: httpx.AsyncClient) -> None:
    waiting = await waiting_workflow(http)
    body = await detail(http, waiting)
    approval = body["approval"]
    assert approval["instanceId"] == f"{waiting}:approval"
    assert approval["digest"] == body["instance"]["customStatus"]["plan_digest"]
    assert {t["agent"] for t in approval["plan"]["tasks"]} == {"customer-support", "smart-city"}
    running = {c["instanceId"]: c["runtimeStatus"] for c in body["children"]}
    assert running == {f"{waiting}:approval": "Running"}
    assert body["actions"] == ["suspend", "terminate"]
    assert body["viewer"]["authenticated"] is False
    own = await detail(http, f"{waiting}:approval")
    assert own["approval"]["digest"] == approval["digest"]


UNKNOWN = "no-such-instance"
ROUTES = [
    ("GET", "", None),
    ("POST", "/approval", {"approved": True, "digest": "0" * 64, "approver": "a"}),
    ("POST", "/events/ping", {"data": 1}),
    ("POST", "/terminate", {}),
    ("POST", "/suspend", {}),
    ("POST", "/resume", {}),
    ("POST", "/rewind", {}),
    ("POST", "/restart", {}),
    ("DELETE", "", None),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ROUTES)
async def test_unknown_instance_is_404(
    http: httpx.AsyncClient, method: str, suffix: str, body: Any
) -> None:
    answer = await http.request(method, f"{API}/{UNKNOWN}{suffix}", json=body)
    assert answer.status_code == 404
    assert answer.json()["field"] == "id"


@pytest.mark.parametrize("bad_id", ["@entity", "x" * 300, "a%01b", "a%5Cb"])
@pytest.mark.parametrize(("method", "suffix", "body"), [ROUTES[0], ROUTES[3], ROUTES[8]])
async def test_bad_instance_id_is_400(
    http: httpx.AsyncClient, bad_id: str, method: str, suffix: str, body: Any
) -> None:
    answer = await http.request(method, f"{API}/{bad_id}{suffix}", json=body)
    assert answer.status_code == 400
    assert answer.json()["field"] == "id"


async def test_unknown_action_is_404(http: httpx.AsyncClient, finished: str) -> None:
    for action in ("explode", "purge"):
        answer = await http.post(f"{API}/{finished}/{action}", json={})
        assert answer.status_code == 404
        assert answer.json()["field"] == "action"


# Approve or deny


async def test_approving_completes_the_workflow(http: httpx.AsyncClient) -> None:
    waiting = await waiting_workflow(http)
    digest = (await detail(http, waiting))["approval"]["digest"]
    answer = await http.post(
        f"{API}/{waiting}/approval",
        json={"approved": True, "digest": digest, "approver": "Ada", "comment": "fine"},
    )
    assert answer.status_code == 202, answer.text
    assert answer.json()["approvalInstanceId"] == f"{waiting}:approval"
    result = output_of(await wait_until(http, waiting))
    assert result["status"] == "completed"
    assert result["approval"] == {**result["approval"], "approved": True, "approver": "Ada"}
    again = await http.post(
        f"{API}/{waiting}/approval", json={"approved": True, "digest": digest, "approver": "Ada"}
    )
    assert again.status_code == 409


async def test_denying_on_the_approval_instance_ends_the_workflow_denied(
    http: httpx.AsyncClient,
) -> None:
    waiting = await waiting_workflow(http)
    digest = (await detail(http, waiting))["approval"]["digest"]
    answer = await http.post(
        f"{API}/{waiting}:approval/approval",
        json={"approved": False, "digest": digest, "approver": "Bob"},
    )
    assert answer.status_code == 202, answer.text
    result = output_of(await wait_until(http, waiting))
    assert result["status"] == "denied"
    assert result["approval"]["approver"] == "Bob"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"approved": True, "digest": "f" * 64, "approver": "Ada"}, 409, "digest"),
        ({"approved": True, "approver": "Ada"}, 400, "digest"),
        ({"approved": "perhaps", "digest": "DIGEST", "approver": "Ada"}, 400, "approved"),
        ({"approved": True, "digest": "DIGEST", "approver": "  "}, 400, "approver"),
        ([1, 2], 400, "body"),
    ],
)
async def test_approval_rejects_bad_decisions(
    http: httpx.AsyncClient, body: Any, status: int, field: str
) -> None:
    waiting = await waiting_workflow(http)
    digest = (await detail(http, waiting))["approval"]["digest"]
    if isinstance(body, dict) and body.get("digest") == "DIGEST":
        body["digest"] = digest
    answer = await http.post(f"{API}/{waiting}/approval", json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["field"] == field
    assert (await status_of(http, waiting))["runtimeStatus"] == "Running"


async def test_approval_of_a_workflow_that_waits_for_none_is_409(
    http: httpx.AsyncClient, finished: str
) -> None:
    answer = await http.post(
        f"{API}/{finished}/approval", json={"approved": True, "digest": "0" * 64, "approver": "a"}
    )
    assert answer.status_code == 409


async def test_body_that_is_not_json_is_400(http: httpx.AsyncClient, finished: str) -> None:
    answer = await http.post(f"{API}/{finished}/restart", content=b"{not json")
    assert answer.status_code == 400
    assert answer.json()["field"] == "body"


# Events and actions


async def test_raise_event_reaches_a_running_instance_only(
    http: httpx.AsyncClient, finished: str
) -> None:
    waiting = await waiting_workflow(http)
    answer = await http.post(f"{API}/{waiting}/events/ping", json={"data": "noise"})
    assert answer.status_code == 202
    history: list = []
    for _ in range(100):
        history = (await detail(http, waiting))["instance"]["history"]
        if any(e["EventType"] == "EventRaised" and e["Name"] == "ping" for e in history):
            break
        await asyncio.sleep(0.05)
    assert any(e["EventType"] == "EventRaised" and e["Name"] == "ping" for e in history)
    assert (await http.post(f"{API}/{finished}/events/approval", json={})).status_code == 409


async def test_terminate_stops_the_workflow_and_its_sub_orchestrations(
    http: httpx.AsyncClient, finished: str
) -> None:
    waiting = await waiting_workflow(http)
    answer = await http.post(f"{API}/{waiting}/terminate", json={"reason": "not needed"})
    assert answer.status_code == 202, answer.text
    assert answer.json()["terminated"] == [waiting, f"{waiting}:approval"]
    assert (await wait_until(http, waiting))["runtimeStatus"] == "Terminated"
    assert (await wait_until(http, f"{waiting}:approval"))["runtimeStatus"] == "Terminated"
    since = datetime.now(UTC) - timedelta(minutes=5)
    audit = await get_agent_log_store().list_audit(since)
    assert any(r.action == "monitor-terminate" and r.target == waiting for r in audit)
    gone = await http.post(f"{API}/{finished}/terminate", json={})
    assert gone.status_code == 409
    assert "Completed" in gone.json()["message"]


async def test_suspend_then_resume(http: httpx.AsyncClient) -> None:
    waiting = await waiting_workflow(http)
    assert (await http.post(f"{API}/{waiting}/resume", json={})).status_code == 409
    assert (await http.post(f"{API}/{waiting}/suspend", json={"reason": "hold"})).status_code == 202
    await wait_until(http, waiting, status={"Suspended"})
    assert (await detail(http, waiting))["actions"] == ["resume", "terminate"]
    assert (await http.post(f"{API}/{waiting}/suspend", json={})).status_code == 409
    assert (await http.post(f"{API}/{waiting}/resume", json={})).status_code == 202
    await wait_until(http, waiting, status={"Running"})
    await http.post(f"{API}/{waiting}/terminate", json={})


async def test_rewind_only_a_failed_instance(http: httpx.AsyncClient, finished: str) -> None:
    failed = await failed_workflow(http)
    body = await detail(http, failed)
    assert "rewind" in body["actions"]
    assert (
        await http.post(f"{API}/{failed}/rewind", json={"reason": "try again"})
    ).status_code == 202
    refused = await http.post(f"{API}/{finished}/rewind", json={})
    assert refused.status_code == 409


async def test_restart_runs_the_input_again_under_a_new_id(
    http: httpx.AsyncClient, finished: str
) -> None:
    answer = await http.post(f"{API}/{finished}/restart", json={})
    assert answer.status_code == 202, answer.text
    new_id = answer.json()["newInstanceId"]
    assert new_id != finished
    restarted = await wait_until(http, new_id)
    assert output_of(restarted)["query"] == TWO_AGENT_QUERY
    waiting = await waiting_workflow(http)
    assert (await http.post(f"{API}/{waiting}/restart", json={})).status_code == 409
    await http.post(f"{API}/{waiting}/terminate", json={})


async def test_purge_deletes_the_instance_and_its_sub_orchestrations(
    http: httpx.AsyncClient,
) -> None:
    done = await start_coordinator(http, query=TWO_AGENT_QUERY)
    await wait_until(http, done)
    answer = await http.delete(f"{API}/{done}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["instancesDeleted"] == 3
    assert (await http.get(f"{API}/{done}")).status_code == 404
    assert (await listing(http, prefix=done, children="true"))["total"] == 0
    waiting = await waiting_workflow(http)
    assert (await http.delete(f"{API}/{waiting}")).status_code == 409
    await http.post(f"{API}/{waiting}/terminate", json={})


# The page


async def test_page_is_html_with_its_scripts_inlined_under_a_strict_policy(
    http: httpx.AsyncClient,
) -> None:
    answer = await http.get("/api/monitor")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'sha256-" in policy
    assert "connect-src 'self'" in policy
    assert "<script>" in answer.text
    assert "M.timeline" in answer.text
    assert "http://" not in answer.text.replace("http://www.w3.org", "")
    assert 'src="http' not in answer.text
    assert '<link rel="stylesheet"' not in answer.text


# Access


@pytest.fixture
def auth_enabled(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in AUTH_SETTINGS.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


ALL_ROUTES = [("GET", "/api/monitor", None), ("GET", API, None)] + [
    (method, f"{API}/{UNKNOWN}{suffix}", body) for method, suffix, body in ROUTES
]


OPERATOR_ANSWERS = {
    ("GET", "/api/monitor"): 403,
    ("GET", API): 200,
    ("GET", f"{API}/{UNKNOWN}"): 404,
    ("POST", f"{API}/{UNKNOWN}/approval"): 403,
    ("POST", f"{API}/{UNKNOWN}/events/ping"): 403,
    ("POST", f"{API}/{UNKNOWN}/terminate"): 404,
    ("POST", f"{API}/{UNKNOWN}/suspend"): 403,
    ("POST", f"{API}/{UNKNOWN}/resume"): 403,
    ("POST", f"{API}/{UNKNOWN}/rewind"): 403,
    ("POST", f"{API}/{UNKNOWN}/restart"): 403,
    ("DELETE", f"{API}/{UNKNOWN}"): 403,
}
"""An Operator reads, lists and terminates (own runs only, so an unknown id is 404); the
page, approvals and the other actions need another role (403 before any id is looked up)."""


@pytest.mark.parametrize(("method", "path", "body"), ALL_ROUTES)
@pytest.mark.usefixtures("auth_enabled")
async def test_every_route_refuses_anonymous_callers_and_operators_beyond_their_role(
    http: httpx.AsyncClient, method: str, path: str, body: Any
) -> None:
    anonymous = await http.request(method, path, json=body)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    operator = await http.request(
        method,
        path,
        json=body,
        headers=as_user("Olivia Ops", "Coordinator.Operator"),
    )
    assert operator.status_code == OPERATOR_ANSWERS[(method, path)], operator.text
    if operator.status_code == 403:
        assert operator.json()["error"] == "forbidden"


@pytest.mark.usefixtures("auth_enabled")
async def test_an_admin_is_let_in_and_approves_under_their_own_name(
    http: httpx.AsyncClient,
) -> None:
    admin = as_user("Grace Admin", "Coordinator.Admin")
    assert (await http.get("/api/monitor", headers=admin)).status_code == 200
    assert (await http.get(API, headers=admin)).status_code == 200
    waiting = await waiting_workflow(http)
    body = (await http.get(f"{API}/{waiting}", headers=admin)).json()
    assert body["viewer"] == {"name": "Grace Admin", "authenticated": True}
    decision = {"approved": True, "digest": body["approval"]["digest"], "approver": "Somebody Else"}
    answer = await http.post(f"{API}/{waiting}/approval", json=decision, headers=admin)
    assert answer.status_code == 202, answer.text
    assert output_of(await wait_until(http, waiting))["approval"]["approver"] == "Grace Admin"


async def test_routes_demand_the_master_key_when_keys_are_enforced(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    async with (
        coordinator_host(tmp_path_factory.mktemp("keys"), enforce_keys=True) as keyed,
        httpx.AsyncClient(base_url=base_url(keyed), timeout=30) as client,
    ):
        assert (await client.get("/api/monitor")).status_code == 401
        assert (await client.get(API)).status_code == 401
        function_key = {"x-functions-key": keyed.keys.function}
        assert (await client.get(API, headers=function_key)).status_code == 401
        master = {"x-functions-key": keyed.keys.master}
        assert (await client.get("/api/monitor", headers=master)).status_code == 200
        assert (await client.get(API, headers=master)).status_code == 200
