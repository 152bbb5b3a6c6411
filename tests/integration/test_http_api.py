"""The HTTP API over real HTTP: `python -m devhost start` serving the repository's app with
keys enforced, on a temporary task hub and agent log, the offline model and in-process tools."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.apphost import AppHost, running_app, tool_results

TWO_AGENT_QUERY = (
    "What is the status of order ORD-2025-00012 for customer CUST-0028, and is SKU-10001 in stock?"
)
APPROVAL_QUERY = "Update ticket TCK-10002 to resolved"
SELF_TEST = {"query": "deployment verification test", "query_type": "system_test"}


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The app under devhost for the whole module."""
    with running_app(tmp_path_factory.mktemp("http_api")) as host:
        yield host


@pytest.fixture(scope="module")
def api(app_host: AppHost) -> Iterator[httpx.Client]:
    """A client of `/api/` that sends the function key."""
    headers = {"x-functions-key": app_host.keys["function"]}
    with httpx.Client(base_url=app_host.url + "/api/", headers=headers, timeout=30) as client:
        yield client


def problem(response: httpx.Response, status: int, error: str, field: str) -> str:
    """Check a JSON error answer and return the message about `field`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error, body
    messages = {d["field"]: d["message"] for d in body["detail"]}
    assert field in messages, body
    return messages[field]


def wait_for(api: httpx.Client, workflow_id: str, done: Any, timeout: float = 30.0) -> dict:
    """GET the workflow until `done(body)` holds."""
    deadline = time.monotonic() + timeout
    while True:
        response = api.get(f"coordinator/workflows/{workflow_id}")
        assert response.status_code == 200, response.text
        body = response.json()
        if done(body):
            return body
        assert time.monotonic() < deadline, f"workflow never got there: {body}"
        time.sleep(0.1)


def finished(body: dict) -> bool:
    return body["runtime_status"] not in ("Pending", "Running")


def awaiting_approval(body: dict) -> bool:
    return (body.get("progress") or {}).get("phase") == "awaiting_approval"


def waits_for_a_tool_call(body: dict) -> bool:
    waiting = (body.get("progress") or {}).get("pending_approvals") or []
    return any(p["kind"] == "tool_call" for p in waiting)


def test_health_is_anonymous_and_reports_every_check(app_host: AppHost):
    response = httpx.get(f"{app_host.url}/api/health")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["status"] == "healthy"
    assert report["offline_model"] is True
    assert report["version"]
    assert set(report["checks"]) == {
        "durable",
        "agent_logs",
        "model",
        "tools:customer-support",
        "tools:smart-city",
        "tools:enterprise",
    }
    for check in report["checks"].values():
        assert check["status"] == "ok"
        assert check["latency_ms"] >= 0


def test_liveness_is_anonymous_and_checks_nothing(app_host: AppHost):
    response = httpx.get(f"{app_host.url}/api/health/live")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "alive"


def test_protected_endpoints_need_the_function_key(app_host: AppHost):
    response = httpx.post(f"{app_host.url}/api/coordinator/orchestrate", json=SELF_TEST)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("agent", "tool"),
    [
        ("customer-support", "get_order"),
        ("smart-city", "list_sensor_anomalies"),
        ("enterprise", "check_inventory"),
    ],
)
def test_each_agent_is_ready_with_its_tools_and_recent_activity(
    api: httpx.Client, agent: str, tool: str
):
    response = api.get(f"agents/{agent}/status")
    assert response.status_code == 200, response.text
    status = response.json()
    assert (status["agent"], status["status"], status["tools_reachable"]) == (agent, "ready", True)
    assert tool in status["tools"]
    assert set(status["recent"]) >= {"requests", "errors", "avg_latency_ms", "p95_latency_ms"}
    assert status["recent"]["window_seconds"] == 3600


def test_agents_lists_the_catalogue_with_each_tools_risk(api: httpx.Client):
    response = api.get("agents")

    assert response.status_code == 200
    agents = {agent["id"]: agent for agent in response.json()["agents"]}
    assert list(agents) == ["customer-support", "smart-city", "enterprise"]
    support = agents["customer-support"]
    assert support["source"] == {"kind": "mcp", "transport": "in-process", "target": "in-process"}
    assert support["status"] == "ready"
    tools = {tool["name"]: tool for tool in support["tools"]}
    assert (tools["get_order"]["read_only"], tools["get_order"]["needs_approval"]) == (True, False)
    assert (tools["update_ticket"]["read_only"], tools["update_ticket"]["needs_approval"]) == (
        False,
        True,
    )


def test_coordinator_status_checks_every_tool_server_and_lists_no_tools(api: httpx.Client):
    status = api.get("agents/coordinator/status").json()
    assert (status["status"], status["tools_reachable"]) == ("ready", True)
    assert "tools" not in status


def test_unknown_agent_is_404_naming_the_known_agents(api: httpx.Client):
    message = problem(api.get("agents/billing/status"), 404, "not_found", "agent")
    assert "billing" in message
    assert "customer-support, smart-city, enterprise, coordinator" in message


def test_two_agent_query_answers_citing_both_agents_tool_results(
    api: httpx.Client, app_host: AppHost
):
    response = api.post("coordinator/orchestrate", json={"query": TWO_AGENT_QUERY})
    assert response.status_code in (200, 202), response.text
    answer = response.json()
    workflow_id = answer["workflow_id"]
    assert answer["status_urls"]["id"] == workflow_id
    assert answer["status_urls"]["statusQueryGetUri"]
    workflow = wait_for(api, workflow_id, finished)
    assert workflow["runtime_status"] == "Completed"
    if response.status_code == 200:
        assert answer["result"] == workflow["result"]
        assert answer["status"] == "Completed"
    else:
        assert answer["status"] in ("Pending", "Running")
    result = workflow["result"]
    assert result["status"] == "completed"
    agents = {a["agent"]: a for a in result["agents"]}
    assert set(agents) == {"customer-support", "enterprise"}
    cited = {(a, c["tool"]): c for a, agent in agents.items() for c in agent["tool_calls"]}
    # The result cites each call with a summary; the agent's history keeps what it returned.
    calls = {
        (a, c["tool"]): c["result"]
        for a in agents
        for c in tool_results(api, workflow_id, a, app_host.keys["system"])
    }
    assert set(calls) == set(cited)
    assert all(c["summary"]["chars"] > 0 and c.get("result") is None for c in cited.values())
    order = calls[("customer-support", "get_order")]
    assert (order["order_id"], order["customer_id"]) == ("ORD-2025-00012", "CUST-0028")
    stock = calls[("enterprise", "check_inventory")]
    assert [item["sku"] for item in stock["items"]] == ["SKU-10001"]
    assert "customer-support" in result["answer"]
    assert "enterprise" in result["answer"]
    assert "get_order for order id ORD-2025-00012 returned ORD-2025-00012" in result["answer"]
    assert "check_inventory" in result["answer"]
    progress = workflow["progress"]
    assert progress["phase"] == "completed"
    assert progress["agents_done"] == progress["agents_total"] == 2
    assert progress["tokens_used"] == result["tokens_used"] > 0


def test_approval_flow_waits_for_the_decision_then_completes(api: httpx.Client):
    request = {"query": APPROVAL_QUERY, "require_approval": True}
    response = api.post("coordinator/orchestrate", json=request)
    assert response.status_code == 202, response.text
    answer = response.json()
    assert "result" not in answer
    assert response.headers["location"] == answer["status_urls"]["statusQueryGetUri"]
    assert int(response.headers["retry-after"]) > 0
    workflow_id = answer["workflow_id"]
    assert answer["workflow_url"].endswith(f"/api/coordinator/workflows/{workflow_id}")
    # It waited ORCHESTRATE_WAIT_SECONDS: the run has started and waits for the decision.
    assert answer["status"] == "Running"

    waiting = wait_for(api, workflow_id, awaiting_approval)["progress"]
    assert waiting["plan"]["tasks"][0]["agent"] == "customer-support"

    decision = api.post(
        f"coordinator/workflows/{workflow_id}/approval",
        json={"approved": True, "approver": "alice", "comment": "go ahead"},
    )
    assert decision.status_code == 202, decision.text
    accepted = decision.json()
    assert (accepted["approved"], accepted["approver"]) == (True, "alice")
    assert accepted["digest"] == waiting["plan_digest"]
    assert accepted["approval_instance_id"] == f"{workflow_id}:approval"

    # The plan lists no writes, so the agent's update waits for an approval of its own.
    gate = wait_for(api, workflow_id, waits_for_a_tool_call)["progress"]["pending_approvals"]
    (call,) = gate
    assert (call["tool"], call["arguments"]) == (
        "update_ticket",
        {"ticket_id": "TCK-10002", "status": "resolved"},
    )
    decision = api.post(
        f"coordinator/workflows/{workflow_id}/approval",
        json={"approved": True, "approver": "alice", "approval_id": call["approval_id"]},
    )
    assert decision.status_code == 202, decision.text
    assert decision.json()["kind"] == "tool_call"

    workflow = wait_for(api, workflow_id, finished)
    result = workflow["result"]
    assert (workflow["runtime_status"], result["status"]) == ("Completed", "completed")
    assert result["approval"]["approved"] is True
    assert result["approval"]["approver"] == "alice"
    assert result["approval"]["digest"] == waiting["plan_digest"]
    update = next(c for c in result["agents"][0]["tool_calls"] if c["tool"] == "update_ticket")
    assert update["arguments"] == {"ticket_id": "TCK-10002", "status": "resolved"}

    again = api.post(
        f"coordinator/workflows/{workflow_id}/approval",
        json={"approved": True, "approver": "alice"},
    )
    assert "not awaiting approval" in problem(again, 409, "conflict", "id")


def test_denied_plan_is_not_carried_out(api: httpx.Client):
    request = {"query": "Is SKU-10001 in stock?", "require_approval": True}
    started = api.post("orchestrators/coordinator", json=request)
    assert started.status_code == 202, started.text
    workflow_id = started.json()["id"]
    digest = wait_for(api, workflow_id, awaiting_approval)["progress"]["plan_digest"]

    wrong = api.post(
        f"coordinator/workflows/{workflow_id}/approval",
        json={"approved": True, "approver": "bob", "digest": "0" * 64},
    )
    assert digest in problem(wrong, 409, "conflict", "digest")
    decision = api.post(
        f"coordinator/workflows/{workflow_id}/approval",
        json={"approved": False, "approver": "bob", "digest": digest, "comment": "not today"},
    )
    assert decision.status_code == 202, decision.text

    result = wait_for(api, workflow_id, finished)["result"]
    assert result["status"] == "denied"
    assert result["agents"] == []
    assert "not today" in result["approval"]["reason"]


def test_start_orchestrator_answers_the_durable_check_status_contract(
    api: httpx.Client, app_host: AppHost
):
    response = api.post("orchestrators/Coordinator", json=SELF_TEST)
    assert response.status_code == 202, response.text
    links = response.json()
    assert response.headers["location"] == links["statusQueryGetUri"]
    assert {"sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri"} <= set(links)
    status_url = links["statusQueryGetUri"].replace("http://localhost:", "http://127.0.0.1:")
    assert status_url.startswith(f"{app_host.url}/api/instances/")
    assert "code=" not in response.text
    assert httpx.get(status_url).status_code == 401, "the link carries no key"
    deadline = time.monotonic() + 30
    while (status := api.get(status_url)).status_code == 202:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert status.status_code == 200, status.text
    output = status.json()["output"]
    assert (output["status"], output["failed_agents"]) == ("self_test", [])


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "says"),
    [
        ("POST", "coordinator/orchestrate", b'{"query": ', "body", "not valid JSON"),
        ("POST", "coordinator/orchestrate", b"", "body", "required"),
        ("POST", "coordinator/orchestrate", {"query": 42}, "query", "valid string"),
        ("POST", "coordinator/orchestrate", {"query_type": "general"}, "query", "required"),
        ("POST", "coordinator/orchestrate", {"query": "hi", "query_type": "x"}, "query_type", ""),
        ("POST", "coordinator/orchestrate", {"query": "hi", "mood": "curious"}, "mood", "Extra"),
        ("POST", "coordinator/orchestrate", {"query": "x" * 2001}, "query", "at most 2000"),
        (
            "POST",
            "coordinator/orchestrate",
            {"query": "hi", "budget_tokens": 5},
            "budget_tokens",
            "",
        ),
        ("POST", "coordinator/orchestrate", ["hi"], "body", "dictionary"),
        ("POST", "orchestrators/coordinator", {"request": {"query": "hi"}}, "request", "Extra"),
        ("POST", "orchestrators/batch_sweep", {"max_parallel": 2}, "slot", "required"),
        ("POST", "coordinator/workflows/any/approval", {"approved": "maybe"}, "approved", ""),
        ("POST", "coordinator/workflows/any/approval", b"nope", "body", "not valid JSON"),
        ("POST", "manage/reset-system", [1], "body", "dictionary"),
    ],
)
def test_bad_input_is_400_naming_the_problem(
    api: httpx.Client, app_host: AppHost, method: str, path: str, body: Any, field: str, says: str
):
    # The reset is admin level: it takes the master key.
    key = app_host.keys["master" if path.startswith("manage/") else "function"]
    sent = {"content": body} if isinstance(body, bytes) else {"json": body}
    response = api.request(method, path, headers={"x-functions-key": key}, **sent)
    error = "invalid_json" if field == "body" and isinstance(body, bytes) else "validation_error"
    assert says in problem(response, 400, error, field)


def test_oversize_body_is_413(api: httpx.Client):
    response = api.post(
        "coordinator/orchestrate", json={"query": "hi", "context": {"x": "y" * 300_000}}
    )
    assert "at most" in problem(response, 413, "payload_too_large", "body")


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("POST", "orchestrators/nope", "name"),
        ("POST", "orchestrators/agent_run", "name"),
        ("GET", "coordinator/workflows/no-such-workflow", "id"),
        ("POST", "coordinator/workflows/no-such-workflow/approval", "id"),
    ],
)
def test_unknown_target_is_404_naming_it(api: httpx.Client, method: str, path: str, field: str):
    body = {"approved": True, "approver": "alice"} if path.endswith("approval") else {"query": "hi"}
    response = api.request(method, path, json=body if method == "POST" else None)
    assert path.split("/")[-2 if path.endswith("approval") else -1] in problem(
        response, 404, "not_found", field
    )


def test_openapi_document_and_docs_page_are_served(app_host: AppHost):
    spec = httpx.get(f"{app_host.url}/api/openapi.json")
    assert spec.status_code == 200
    document = spec.json()
    assert document["openapi"] == "3.1.0"
    assert "/coordinator/orchestrate" in document["paths"]
    assert "CoordinatorRequest" in document["components"]["schemas"]
    page = httpx.get(f"{app_host.url}/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert 'fetch("openapi.json")' in page.text
    assert "coordinator/orchestrate" in page.text


def end_other_runs(app_host: AppHost) -> None:
    """Terminate what other tests of this module left running (the sweep's runs wait at the
    approval gate), through the Durable webhooks, so the reset sees no active workflow."""
    webhooks = f"{app_host.url}/runtime/webhooks/durabletask/instances"
    key = {"code": app_host.keys["system"]}

    def active() -> list[dict[str, Any]]:
        query = {**key, "runtimeStatus": "Running,Pending"}
        listed: list[dict[str, Any]] = httpx.get(webhooks, params=query, timeout=30).json()
        return listed

    for instance in active():
        httpx.post(
            f"{webhooks}/{quote(instance['instanceId'], safe='')}/terminate",
            params={**key, "reason": "end of test"},
            timeout=30,
        )
    deadline = time.monotonic() + 30
    while active() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_reset_needs_the_master_key_and_no_active_workflow(api: httpx.Client, app_host: AppHost):
    assert api.post("manage/reset-system").status_code == 401
    admin = {"x-functions-key": app_host.keys["master"]}
    end_other_runs(app_host)
    started = api.post("orchestrators/coordinator", json={"query": "hi", "require_approval": True})
    workflow_id = started.json()["id"]
    digest = wait_for(api, workflow_id, awaiting_approval)["progress"]["plan_digest"]

    busy = api.post("manage/reset-system", headers=admin, json={"reason": "test"})
    assert workflow_id in problem(busy, 409, "conflict", "system")

    api.post(
        f"coordinator/workflows/{workflow_id}/approval",
        json={"approved": False, "approver": "ops", "digest": digest},
    )
    wait_for(api, workflow_id, finished)
    end_other_runs(app_host)
    done = api.post("manage/reset-system", headers=admin, json={"reason": "end of test run"})
    assert done.status_code == 200, done.text
    report = done.json()
    assert report["status"] == "reset"
    assert report["purged_instances"] > 0
    assert report["tool_servers_reset"] == ["customer-support", "smart-city", "enterprise"]
    assert report["audit_id"].startswith("reset-system:")
    assert report["reset_by"] == "master-key"
    problem(api.get(f"coordinator/workflows/{workflow_id}"), 404, "not_found", "id")


def test_sweep_timer_starts_one_sweep_per_schedule_slot(api: httpx.Client, app_host: AppHost):
    if time.gmtime().tm_sec > 50:
        time.sleep(61 - time.gmtime().tm_sec)  # both firings must fall in one minute
    admin = {"x-functions-key": app_host.keys["master"]}
    for _ in range(2):
        fired = httpx.post(
            f"{app_host.url}/admin/functions/batch_sweep_timer", json={"input": ""}, headers=admin
        )
        assert fired.status_code == 202
        time.sleep(0.5)
    webhook = f"{app_host.url}/runtime/webhooks/durabletask/instances"
    system = {"code": app_host.keys["system"]}
    listed = httpx.get(webhook, params={**system, "instanceIdPrefix": "batch_sweep:"}).json()
    sweeps = [i for i in listed if i["name"] == "batch_sweep"]
    assert len(sweeps) == 1, sweeps
    sweep_id = sweeps[0]["instanceId"]
    shown = httpx.get(f"{webhook}/{sweep_id}", params={**system, "showInput": "true"}).json()
    sweep_input = shown["input"]
    sweep_input = json.loads(sweep_input) if isinstance(sweep_input, str) else sweep_input
    assert sweep_id == f"batch_sweep:{sweep_input['slot']}"
    assert sweep_input["max_parallel"] == 2
