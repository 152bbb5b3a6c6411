"""The coordinator as an A2A agent over real HTTP, against devhost serving the repository's
app with keys enforced: the agent card, the JSON-RPC binding in 1.0 and 0.3, the HTTP+JSON
binding, streaming, approval through input-required, cancel, list, errors, and a task that
outlives a restart of the host."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from a2a.compat.v0_3.types import AgentCard as AgentCard03
from a2a.types import AgentCard
from google.protobuf.json_format import ParseDict

from core.auth import ADMIN, APPROVER, OPERATOR
from tests.apphost import KEYS, AppHost, running_app
from tests.platform_principal import AUTH_SETTINGS, as_user

TWO_AGENT_QUERY = (
    "What is the status of order ORD-2025-00012 for customer CUST-0028, and is SKU-10001 in stock?"
)
# A read-only request: the plan approval is the only decision its task asks for.
APPROVAL_QUERY = "Show ticket TCK-10002 and its customer"
V1 = {"A2A-Version": "1.0"}


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The repository's app under devhost with keys enforced."""
    with running_app(tmp_path_factory.mktemp("a2a")) as host:
        yield host


@pytest.fixture(scope="module")
def api(app_host: AppHost) -> Iterator[httpx.Client]:
    """A client of `/api/` that sends the function key."""
    headers = {"x-functions-key": KEYS["function"]}
    with httpx.Client(base_url=app_host.url + "/api/", headers=headers, timeout=120) as client:
        yield client


def message(*parts: dict[str, Any], task_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """A 1.0 user message."""
    found = {"messageId": uuid.uuid4().hex, "role": "ROLE_USER", "parts": list(parts), **fields}
    return {**found, "taskId": task_id} if task_id else found


def rpc(api: httpx.Client, method: str, params: Any, headers: dict[str, str] | None = None) -> Any:
    """A JSON-RPC call; the whole response body."""
    body = {"jsonrpc": "2.0", "id": 7, "method": method, "params": params}
    response = api.post("a2a", json=body, headers=V1 if headers is None else headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def result(
    api: httpx.Client, method: str, params: Any, headers: dict[str, str] | None = None
) -> Any:
    """The result of a JSON-RPC call that must succeed."""
    body = rpc(api, method, params, headers)
    assert "error" not in body, body
    return body["result"]


def error(
    api: httpx.Client, method: str, params: Any, headers: dict[str, str] | None = None
) -> Any:
    """The error of a JSON-RPC call that must fail."""
    body = rpc(api, method, params, headers)
    assert "result" not in body, body
    return body["error"]


def events(response: httpx.Response) -> list[Any]:
    """The JSON of each `data:` event of a Server-Sent Events answer."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return [
        json.loads(line.removeprefix("data: "))
        for line in response.text.splitlines()
        if line.startswith("data: ")
    ]


def stream(api: httpx.Client, method: str, params: Any, headers: dict[str, str] = V1) -> list[Any]:
    """The results of a streaming JSON-RPC call."""
    body = {"jsonrpc": "2.0", "id": 9, "method": method, "params": params}
    found = events(api.post("a2a", json=body, headers=headers))
    assert all("result" in event for event in found), found
    return [event["result"] for event in found]


def violations(error: dict[str, Any]) -> list[str]:
    """The fields an error's `google.rpc.BadRequest` detail names."""
    return [
        violation["field"]
        for detail in error["data"]
        if detail["@type"].endswith("google.rpc.BadRequest")
        for violation in detail["fieldViolations"]
    ]


def last_state(results: list[Any]) -> str:
    """The task state a 1.0 stream ended with: its last event is a status update."""
    return results[-1]["statusUpdate"]["status"]["state"]


def awaiting_approval(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    """A new task whose plan waits for a decision (non-blocking send, then a blocking one
    with the same message id, which finds the same task)."""
    sent = message({"text": APPROVAL_QUERY}, {"data": {"require_approval": True}}, **fields)
    first = result(
        api, "SendMessage", {"message": sent, "configuration": {"returnImmediately": True}}
    )
    task = result(api, "SendMessage", {"message": sent})["task"]
    assert task["id"] == first["task"]["id"]
    assert task["status"]["state"] == "TASK_STATE_INPUT_REQUIRED"
    return task


def test_agent_card_is_public_and_in_the_1_0_shape_by_default(app_host: AppHost) -> None:
    response = httpx.get(app_host.url + "/api/.well-known/agent-card.json")
    assert response.status_code == 200
    card = response.json()
    # A strict 1.0 reader: every field must be one of the 1.0 AgentCard's.
    parsed = ParseDict(card, AgentCard())
    base = app_host.url + "/api/"
    interfaces = {
        (i.protocol_binding, i.protocol_version): i.url for i in parsed.supported_interfaces
    }
    assert interfaces == {
        ("JSONRPC", "1.0"): base + "a2a",
        ("HTTP+JSON", "1.0"): base + "a2a/rest",
        ("JSONRPC", "0.3"): base + "a2a",
        ("HTTP+JSON", "0.3"): base + "a2a/rest",
    }
    assert {s.id for s in parsed.skills} == {
        "coordinator",
        "customer-support",
        "smart-city",
        "enterprise",
    }
    assert parsed.capabilities.streaming is True
    assert parsed.capabilities.push_notifications is False
    assert card["securitySchemes"]["functionKey"] == {
        "apiKeySecurityScheme": {
            "description": "A function key of the app.",
            "location": "header",
            "name": "x-functions-key",
        }
    }
    assert response.headers["Vary"] == "A2A-Version"
    # The real host serves HTTP triggers under the route prefix only; so does devhost.
    assert httpx.get(app_host.url + "/.well-known/agent-card.json").status_code == 404


@pytest.mark.parametrize("version", ["0.3", "0.3.0"])
def test_a_0_3_client_gets_the_0_3_card(app_host: AppHost, version: str) -> None:
    url = app_host.url + "/api/.well-known/agent-card.json"
    card = httpx.get(url, headers={"A2A-Version": version}).json()
    parsed = AgentCard03.model_validate(card)
    base = app_host.url + "/api/"
    assert (parsed.url, parsed.preferred_transport, parsed.protocol_version) == (
        base + "a2a",
        "JSONRPC",
        "0.3",
    )
    assert [(i.url, i.transport) for i in parsed.additional_interfaces or []] == [
        (base + "a2a/rest", "HTTP+JSON")
    ]
    assert card["securitySchemes"]["functionKey"] == {
        "description": "A function key of the app.",
        "in": "header",
        "name": "x-functions-key",
        "type": "apiKey",
    }
    assert card["security"] == [{"functionKey": []}]
    assert not {"supportedInterfaces", "securityRequirements"} & set(card)
    assert httpx.get(url, params={"A2A-Version": version}).json() == card


def test_send_message_blocks_until_the_answer_and_the_task_is_the_workflow(
    api: httpx.Client,
) -> None:
    sent = message({"text": TWO_AGENT_QUERY})
    task = result(api, "SendMessage", {"message": sent})["task"]
    assert task["status"]["state"] == "TASK_STATE_COMPLETED"
    assert task["status"]["timestamp"].endswith("Z")
    answer = task["artifacts"][0]
    assert answer["name"] == "answer"
    text, data = answer["parts"]
    assert text["text"] == data["data"]["answer"]
    assert {a["agent"] for a in data["data"]["agents"]} == {"customer-support", "enterprise"}
    assert task["history"][0]["messageId"] == sent["messageId"]
    assert task["history"][0]["parts"] == [{"text": TWO_AGENT_QUERY}]
    workflow = api.get(f"coordinator/workflows/{task['id']}").json()
    assert workflow["result"]["answer"] == text["text"]
    again = result(api, "SendMessage", {"message": sent})["task"]
    assert again["id"] == task["id"]
    got = result(api, "GetTask", {"id": task["id"], "historyLength": 0})
    assert "history" not in got
    assert got["contextId"] == task["contextId"]


def test_follow_up_in_the_same_context_is_a_new_task(api: httpx.Client) -> None:
    first = result(api, "SendMessage", {"message": message({"text": TWO_AGENT_QUERY})})["task"]
    follow_up = message(
        {"text": "Which SKUs are below their reorder point?"}, contextId=first["contextId"]
    )
    second = result(api, "SendMessage", {"message": follow_up})["task"]
    assert second["id"] != first["id"]
    assert second["contextId"] == first["contextId"]


def test_a_task_awaiting_approval_asks_for_input_and_takes_the_decision(api: httpx.Client) -> None:
    task = awaiting_approval(api)
    status_parts = task["status"]["message"]["parts"]
    digest = status_parts[1]["data"]["planDigest"]
    assert len(digest) == 64
    no_name = message({"text": "approve, go ahead"}, task_id=task["id"])
    assert error(api, "SendMessage", {"message": no_name})["code"] == -32602
    other_context = message({"text": "approve"}, task_id=task["id"], contextId="elsewhere")
    assert error(api, "SendMessage", {"message": other_context})["code"] == -32602
    decision = {
        "approved": True,
        "approver": "alice@example.com",
        "comment": "fine",
        "digest": digest,
    }
    done = result(api, "SendMessage", {"message": message({"data": decision}, task_id=task["id"])})[
        "task"
    ]
    assert done["status"]["state"] == "TASK_STATE_COMPLETED"
    outcome = done["artifacts"][0]["parts"][1]["data"]
    assert outcome["approval"]["approver"] == "alice@example.com"
    late = message({"data": {"approved": False, "approver": "bob"}}, task_id=task["id"])
    assert error(api, "SendMessage", {"message": late})["code"] == -32004


def test_a_denied_plan_rejects_the_task(api: httpx.Client) -> None:
    task = awaiting_approval(api)
    deny = message(
        {"data": {"approved": False, "approver": "bob", "comment": "not now"}}, task_id=task["id"]
    )
    done = result(api, "SendMessage", {"message": deny})["task"]
    assert done["status"]["state"] == "TASK_STATE_REJECTED"
    assert "not carried out" in done["status"]["message"]["parts"][0]["text"]


def test_streaming_sends_the_task_then_updates_until_it_ends(api: httpx.Client) -> None:
    found = stream(api, "SendStreamingMessage", {"message": message({"text": TWO_AGENT_QUERY})})
    assert "task" in found[0]
    assert last_state(found) == "TASK_STATE_COMPLETED"
    # A run may finish before the first snapshot; then the task itself carries the answer.
    if "artifactUpdate" in found[-2]:
        assert found[-2]["artifactUpdate"]["artifact"]["name"] == "answer"
    else:
        assert found[0]["task"]["artifacts"][0]["name"] == "answer"
    task_id = found[0]["task"]["id"]
    assert all(next(iter(e.values())).get("taskId", task_id) == task_id for e in found)


def test_streaming_stops_at_input_required_and_resumes_with_the_decision(api: httpx.Client) -> None:
    sent = message({"text": APPROVAL_QUERY}, {"data": {"require_approval": True}})
    asked = stream(api, "SendStreamingMessage", {"message": sent})
    assert last_state(asked) == "TASK_STATE_INPUT_REQUIRED"
    task_id = asked[0]["task"]["id"]
    again = stream(api, "SubscribeToTask", {"id": task_id})
    assert [list(e) for e in again] == [["task"], ["statusUpdate"]]
    assert again[0]["task"]["status"]["state"] == "TASK_STATE_INPUT_REQUIRED"
    decision = message({"data": {"approved": True, "approver": "carol"}}, task_id=task_id)
    resumed = stream(api, "SendStreamingMessage", {"message": decision})
    assert resumed[0]["task"]["status"]["state"] != "TASK_STATE_INPUT_REQUIRED"
    assert last_state(resumed) == "TASK_STATE_COMPLETED"
    finished = error(api, "SubscribeToTask", {"id": task_id})
    assert finished["code"] == -32004


def test_cancel_terminates_the_workflow_and_its_approval_step(
    api: httpx.Client, app_host: AppHost
) -> None:
    task = awaiting_approval(api)
    canceled = result(api, "CancelTask", {"id": task["id"]})
    assert canceled["status"]["state"] == "TASK_STATE_CANCELED"
    approval = httpx.get(
        f"{app_host.url}/runtime/webhooks/durabletask/instances/{task['id']}:approval",
        params={"code": KEYS["system"]},
    ).json()
    assert approval["runtimeStatus"] == "Terminated"
    again = error(api, "CancelTask", {"id": task["id"]})
    assert again["code"] == -32002
    assert again["data"][0]["reason"] == "TASK_NOT_CANCELABLE"


def test_list_tasks_filters_by_context_and_state_in_pages(api: httpx.Client) -> None:
    context = uuid.uuid4().hex
    waiting = [awaiting_approval(api, contextId=context) for _ in range(3)]
    ids = {t["id"] for t in waiting}
    seen: list[str] = []
    token = ""
    while True:
        page = result(api, "ListTasks", {"contextId": context, "pageSize": 2, "pageToken": token})
        assert page["totalSize"] == 3
        assert page["pageSize"] == 2
        assert all("artifacts" not in t for t in page["tasks"])
        seen += [t["id"] for t in page["tasks"]]
        token = page["nextPageToken"]
        if not token:
            break
    assert sorted(seen) == sorted(ids)
    assert len(seen) == 3
    waiting_now = result(api, "ListTasks", {"status": "TASK_STATE_INPUT_REQUIRED", "pageSize": 100})
    assert ids <= {t["id"] for t in waiting_now["tasks"]}
    for task_id in ids:
        result(api, "CancelTask", {"id": task_id})
    canceled = result(api, "ListTasks", {"contextId": context, "status": "TASK_STATE_CANCELED"})
    assert canceled["totalSize"] == 3


def test_a2a_0_3_clients_get_the_0_3_methods_and_shapes(api: httpx.Client) -> None:
    sent = {
        "kind": "message",
        "messageId": uuid.uuid4().hex,
        "role": "user",
        "parts": [{"kind": "text", "text": TWO_AGENT_QUERY}],
    }
    task = result(api, "message/send", {"message": sent}, headers={})
    assert task["kind"] == "task"
    assert task["status"]["state"] == "completed"
    assert [p["kind"] for p in task["artifacts"][0]["parts"]] == ["text", "data"]
    assert task["history"][0]["role"] == "user"
    got = result(api, "tasks/get", {"id": task["id"]}, headers={"A2A-Version": "0.3"})
    assert got["id"] == task["id"]
    asked = {
        **sent,
        "messageId": uuid.uuid4().hex,
        "parts": [*sent["parts"], {"kind": "data", "data": {"require_approval": True}}],
    }
    updates = stream(api, "message/stream", {"message": asked}, headers={})
    assert updates[0]["kind"] == "task"
    assert updates[-1]["kind"] == "status-update"
    # The SDK marks only terminal states final; the stream still ends at input-required.
    assert updates[-1]["final"] is False
    assert updates[-1]["status"]["state"] == "input-required"
    resumed = stream(api, "tasks/resubscribe", {"id": updates[0]["id"]}, headers={})
    assert resumed[0]["status"]["state"] == "input-required"
    assert (
        result(api, "tasks/cancel", {"id": updates[0]["id"]}, headers={})["status"]["state"]
        == "canceled"
    )


def test_each_method_answers_only_its_own_protocol_version(api: httpx.Client) -> None:
    params = {"message": message({"text": "hello"})}
    missing = error(api, "SendMessage", params, headers={})
    assert missing["code"] == -32009
    assert missing["data"][0]["reason"] == "VERSION_NOT_SUPPORTED"
    legacy = {
        "kind": "message",
        "messageId": "m",
        "role": "user",
        "parts": [{"kind": "text", "text": "hi"}],
    }
    # 0.3 has no version error: the SDK's 0.3 adapter answers it as an internal error.
    wrong = error(api, "message/send", {"message": legacy}, headers=V1)
    assert (wrong["code"], "version '1.0' is not supported" in wrong["message"]) == (-32603, True)
    assert error(api, "GetTask", {"id": "x"}, headers={"A2A-Version": "2.0"})["code"] == -32009
    assert error(api, "tasks/list", {}, headers={})["code"] == -32601
    assert "tasks" in result(api, "ListTasks", {"pageSize": 1}, headers={"A2A-Version": "1.0.3"})
    by_query = api.post(
        "a2a",
        params={"A2A-Version": "1.0"},
        json={"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}},
    )
    assert by_query.json()["error"]["code"] == -32001


def test_json_rpc_errors_name_the_problem(api: httpx.Client) -> None:
    unknown = error(api, "GetTask", {"id": "no-such-task"})
    assert unknown["code"] == -32001
    assert unknown["data"][0]["reason"] == "TASK_NOT_FOUND"
    assert error(api, "DeleteEverything", {})["code"] == -32601
    missing = error(api, "SendMessage", {})
    assert missing["code"] == -32602
    assert violations(missing) == ["message"]
    blank = error(api, "SendMessage", {"message": message({"text": "  "})})
    assert violations(blank) == ["message.parts"]
    bad_field = error(
        api, "SendMessage", {"message": message({"text": "hi"}, {"data": {"budget_tokens": 5}})}
    )
    assert violations(bad_field) == ["budget_tokens"]
    file_part = error(
        api, "SendMessage", {"message": message({"url": "https://example.com/a.pdf"})}
    )
    assert file_part["code"] == -32005
    push = {
        "message": message({"text": "hi"}),
        "configuration": {"taskPushNotificationConfig": {"url": "https://x"}},
    }
    assert error(api, "SendMessage", push)["code"] == -32003
    assert error(api, "CreateTaskPushNotificationConfig", {"taskId": "x"})["code"] == -32003
    assert error(api, "GetExtendedAgentCard", {})["code"] == -32007
    parse = api.post("a2a", content=b"{not json", headers=V1).json()
    assert parse["error"]["code"] == -32700
    batch = api.post(
        "a2a", json=[{"jsonrpc": "2.0", "id": 1, "method": "GetTask"}], headers=V1
    ).json()
    assert batch["error"]["code"] == -32600


@pytest.mark.parametrize(
    "envelope",
    [
        {"jsonrpc": "2.0", "method": "SendMessage", "id": {"bad": "type"}},
        {"jsonrpc": "2.0", "method": "SendMessage", "id": [1]},
        {"jsonrpc": "2.0", "method": "SendMessage", "id": True},
        {"jsonrpc": "2.0", "method": "SendMessage", "id": 1.5},
        {"method": "SendMessage", "id": 1},
        {"jsonrpc": "1.0", "method": "SendMessage", "id": 1},
        {"jsonrpc": "2.0", "id": 1},
    ],
    ids=["object-id", "array-id", "bool-id", "fraction-id", "no-jsonrpc", "jsonrpc-1", "no-method"],
)
def test_a_malformed_envelope_is_an_invalid_request_and_runs_nothing(
    api: httpx.Client, envelope: dict[str, Any]
) -> None:
    context = uuid.uuid4().hex
    params = {"message": message({"text": TWO_AGENT_QUERY}, contextId=context)}
    answer = api.post("a2a", json={**envelope, "params": params}, headers=V1)
    assert answer.status_code == 200
    assert answer.json()["error"]["code"] == -32600
    assert answer.json()["id"] in (None, 1)
    assert result(api, "ListTasks", {"contextId": context})["tasks"] == []


def test_batches_are_invalid_requests(api: httpx.Client) -> None:
    one = {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}}
    for batch in ([one], [one, {**one, "id": 2}], []):
        answer = api.post("a2a", json=batch, headers=V1).json()
        assert answer["error"]["code"] == -32600
        assert "result" not in answer


def test_a_body_above_the_limit_is_413_in_each_binding(api: httpx.Client) -> None:
    big = {"message": message({"text": "x" * (300 * 1024)})}
    rpc_answer = api.post(
        "a2a", json={"jsonrpc": "2.0", "id": 3, "method": "SendMessage", "params": big}, headers=V1
    )
    assert rpc_answer.status_code == 413
    assert rpc_answer.json()["id"] == 3
    assert rpc_answer.json()["error"]["code"] == -32600
    rest_answer = api.post("a2a/rest/message:send", json=big, headers=V1)
    assert rest_answer.status_code == 413
    assert rest_answer.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_endpoints_take_the_function_key(app_host: AppHost) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}}
    assert httpx.post(app_host.url + "/api/a2a", json=body, headers=V1).status_code == 401
    assert httpx.get(app_host.url + "/api/a2a/rest/tasks", headers=V1).status_code == 401


def test_rest_binding_in_1_0(api: httpx.Client) -> None:
    sent = api.post(
        "a2a/rest/message:send", json={"message": message({"text": TWO_AGENT_QUERY})}, headers=V1
    )
    assert sent.status_code == 200
    assert sent.headers["content-type"].startswith("application/a2a+json")
    task = sent.json()["task"]
    assert task["status"]["state"] == "TASK_STATE_COMPLETED"
    got = api.get(f"a2a/rest/tasks/{task['id']}", params={"historyLength": 0}, headers=V1).json()
    assert got["id"] == task["id"]
    assert "history" not in got
    listed = api.get(
        "a2a/rest/tasks", params={"pageSize": 1, "includeArtifacts": "true"}, headers=V1
    ).json()
    assert len(listed["tasks"]) == 1
    assert "artifacts" in listed["tasks"][0]
    streamed = events(
        api.post(
            "a2a/rest/message:stream",
            json={"message": message({"text": TWO_AGENT_QUERY})},
            headers=V1,
        )
    )
    assert "task" in streamed[0]
    assert streamed[-1]["statusUpdate"]["status"]["state"] == "TASK_STATE_COMPLETED"
    not_cancelable = api.post(f"a2a/rest/tasks/{task['id']}:cancel", headers=V1)
    assert not_cancelable.status_code == 400
    assert not_cancelable.json()["error"]["details"][0]["reason"] == "TASK_NOT_CANCELABLE"
    missing = api.get("a2a/rest/tasks/no-such-task", headers=V1)
    assert missing.status_code == 404
    assert missing.json()["error"]["status"] == "NOT_FOUND"
    assert missing.json()["error"]["details"][0]["reason"] == "TASK_NOT_FOUND"
    no_header = api.get(f"a2a/rest/tasks/{task['id']}")
    assert no_header.status_code == 400
    assert no_header.json()["error"]["details"][0]["reason"] == "VERSION_NOT_SUPPORTED"
    assert api.get("a2a/rest/nothing-here", headers=V1).status_code == 404


def test_rest_binding_in_0_3_under_v1(api: httpx.Client) -> None:
    sent = {
        "message": {
            "messageId": uuid.uuid4().hex,
            "role": "ROLE_USER",
            "content": [{"text": APPROVAL_QUERY}, {"data": {"data": {"require_approval": True}}}],
        },
        "configuration": {"blocking": True},
    }
    answer = api.post("a2a/rest/v1/message:send", json=sent)
    assert answer.status_code == 200, answer.text
    task = answer.json()["task"]
    assert task["status"]["state"] == "TASK_STATE_INPUT_REQUIRED"
    assert task["status"]["message"]["content"][1]["data"]["data"]["planDigest"]
    assert task["history"][0]["content"][0] == {"text": APPROVAL_QUERY}
    got = api.get(f"a2a/rest/v1/tasks/{task['id']}").json()
    assert got["id"] == task["id"]
    canceled = api.post(f"a2a/rest/v1/tasks/{task['id']}:cancel").json()
    # The 0.3 proto spells the state CANCELLED.
    assert canceled["status"]["state"] == "TASK_STATE_CANCELLED"
    unlisted = api.get("a2a/rest/v1/tasks", headers={})  # 0.3 has no ListTasks
    assert unlisted.status_code == 404
    assert unlisted.json()["error"]["details"][0]["reason"] == "METHOD_NOT_FOUND"
    assert api.get(f"a2a/rest/v1/tasks/{task['id']}", headers=V1).status_code == 400


def test_a_task_outlives_a_restart_of_the_host(tmp_path: Path) -> None:
    headers = {"x-functions-key": KEYS["function"]}
    first = AppHost(tmp_path)
    first.wait_ready()
    try:
        with httpx.Client(base_url=first.url + "/api/", headers=headers, timeout=120) as api:
            task = awaiting_approval(api)
    finally:
        first.stop()
    second = AppHost(tmp_path)
    second.wait_ready()
    try:
        with httpx.Client(base_url=second.url + "/api/", headers=headers, timeout=120) as api:
            again = result(api, "GetTask", {"id": task["id"]})
            assert again["status"]["state"] == "TASK_STATE_INPUT_REQUIRED"
            assert again["contextId"] == task["contextId"]
            assert again["history"] == task["history"]
            assert again["status"]["message"]["parts"][1] == task["status"]["message"]["parts"][1]
            decision = message({"data": {"approved": True, "approver": "dana"}}, task_id=task["id"])
            updates = stream(api, "SendStreamingMessage", {"message": decision})
            assert last_state(updates) == "TASK_STATE_COMPLETED"
            listed = result(api, "ListTasks", {"contextId": task["contextId"]})
            assert [t["id"] for t in listed["tasks"]] == [task["id"]]
    finally:
        second.stop()


# With authentication on, behind the platform's built-in authentication.


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A client of `/api/` on a host that trusts the platform principal (keys not enforced)."""
    state = tmp_path_factory.mktemp("a2a_auth")
    with (
        running_app(state, enforce_keys=False, settings=AUTH_SETTINGS) as host,
        httpx.Client(base_url=host.url + "/api/", timeout=120) as client,
    ):
        yield client


def test_roles_decide_who_may_start_and_who_may_approve(secured: httpx.Client) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}}
    anonymous = secured.post("a2a", json=body, headers=V1)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert anonymous.json()["error"]["message"]
    sent = message({"text": APPROVAL_QUERY}, {"data": {"require_approval": True}})
    no_role = secured.post(
        "a2a/rest/message:send", json={"message": sent}, headers={**V1, **as_user("eve")}
    )
    assert no_role.status_code == 403
    assert no_role.json()["error"]["status"] == "PERMISSION_DENIED"
    operator = {**V1, **as_user("olga", OPERATOR)}
    task = result(secured, "SendMessage", {"message": sent}, headers=operator)["task"]
    assert task["status"]["state"] == "TASK_STATE_INPUT_REQUIRED"
    decision = message({"data": {"approved": True, "approver": "someone else"}}, task_id=task["id"])
    refused = secured.post(
        "a2a",
        json={"jsonrpc": "2.0", "id": 2, "method": "SendMessage", "params": {"message": decision}},
        headers=operator,
    )
    assert refused.status_code == 403
    approver = {**V1, **as_user("amir", APPROVER)}
    done = result(
        secured,
        "SendMessage",
        {"message": message({"text": "approve"}, task_id=task["id"])},
        headers=approver,
    )
    outcome = done["task"]["artifacts"][0]["parts"][1]["data"]
    assert outcome["approval"]["approver"] == "amir"


def test_operators_see_and_act_only_on_their_own_tasks(secured: httpx.Client) -> None:
    olga, oscar = {**V1, **as_user("olga", OPERATOR)}, {**V1, **as_user("oscar", OPERATOR)}
    approver, admin = {**V1, **as_user("amir", APPROVER)}, {**V1, **as_user("ada", ADMIN)}
    context = uuid.uuid4().hex
    sent = message(
        {"text": APPROVAL_QUERY}, {"data": {"require_approval": True}}, contextId=context
    )
    task = result(secured, "SendMessage", {"message": sent}, headers=olga)["task"]
    task_id = task["id"]
    # Another Operator: the task does not exist for them, on every operation and binding.
    for method in ("GetTask", "CancelTask"):
        assert error(secured, method, {"id": task_id}, headers=oscar)["code"] == -32001
    subscribe = {"jsonrpc": "2.0", "id": 1, "method": "SubscribeToTask", "params": {"id": task_id}}
    assert secured.post("a2a", json=subscribe, headers=oscar).json()["error"]["code"] == -32001
    assert secured.get(f"a2a/rest/tasks/{task_id}", headers=oscar).status_code == 404
    assert secured.post(f"a2a/rest/tasks/{task_id}:cancel", headers=oscar).status_code == 404
    listed = result(secured, "ListTasks", {"contextId": context}, headers=oscar)
    assert (listed["tasks"], listed["totalSize"]) == ([], 0)
    assert task_id not in {
        t["id"] for t in result(secured, "ListTasks", {"pageSize": 100}, headers=oscar)["tasks"]
    }
    # Approvers and Admins see it; its owner sees, lists and cancels it.
    for reader in (approver, admin, olga):
        assert result(secured, "GetTask", {"id": task_id}, headers=reader)["id"] == task_id
        found = result(secured, "ListTasks", {"contextId": context}, headers=reader)["tasks"]
        assert [t["id"] for t in found] == [task_id]
    canceled = result(secured, "CancelTask", {"id": task_id}, headers=olga)
    assert canceled["status"]["state"] == "TASK_STATE_CANCELED"


def test_the_card_asks_for_a_bearer_token_when_authentication_is_on(secured: httpx.Client) -> None:
    card = secured.get(".well-known/agent-card.json").json()
    assert card["securitySchemes"]["entraId"]["httpAuthSecurityScheme"]["scheme"] == "Bearer"
    assert card["securityRequirements"] == [{"schemes": {"functionKey": {}, "entraId": {}}}]


BAD_TASK_IDS = [
    "../../etc/passwd",
    "a/b",
    ".",
    "..",
    "%2E%2E",
    "a?b",
    "a#b",
    "a\\b",
    "tab\there",
    "\ud800",
    "x" * 10_000,
]
BAD_ID_NAMES = [
    "traversal",
    "slash",
    "dot",
    "dotdot",
    "encoded-dotdot",
    "query",
    "fragment",
    "backslash",
    "control",
    "lone-surrogate",
    "10000-chars",
]


@pytest.mark.parametrize("task_id", BAD_TASK_IDS, ids=BAD_ID_NAMES)
def test_a_task_id_that_cannot_be_a_run_is_not_found_on_json_rpc(
    api: httpx.Client, task_id: str
) -> None:
    # A lone surrogate is not a string the SDK can read into its types: invalid params.
    expected = -32602 if task_id == "\ud800" else -32001
    calls = [
        ("GetTask", {"id": task_id}, V1),
        ("CancelTask", {"id": task_id}, V1),
        ("SendMessage", {"message": message({"text": "approve"}, task_id=task_id)}, V1),
        ("tasks/get", {"id": task_id}, {}),
        ("tasks/cancel", {"id": task_id}, {}),
    ]
    for method, params, headers in calls:
        body = json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, ensure_ascii=True
        )
        answer = api.post(
            "a2a", content=body, headers={**headers, "content-type": "application/json"}
        )
        assert answer.status_code == 200, (method, answer.text)
        assert answer.json()["error"]["code"] == expected, (method, answer.text)
    streamed = api.post(
        "a2a",
        content=json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": "SubscribeToTask", "params": {"id": task_id}}
        ),
        headers={**V1, "content-type": "application/json"},
    )
    assert streamed.json()["error"]["code"] == expected


@pytest.mark.parametrize("task_id", BAD_TASK_IDS, ids=BAD_ID_NAMES)
def test_a_task_id_that_cannot_be_a_run_is_a_4xx_on_rest(api: httpx.Client, task_id: str) -> None:
    # Dots encoded, or the client itself would resolve them as path segments.
    quoted = quote(task_id, safe="", errors="surrogatepass").replace(".", "%2E")
    for method, path in (
        ("GET", f"a2a/rest/tasks/{quoted}"),
        ("POST", f"a2a/rest/tasks/{quoted}:cancel"),
        ("GET", f"a2a/rest/tasks/{quoted}:subscribe"),
        ("GET", f"a2a/rest/v1/tasks/{quoted}"),
    ):
        headers = {} if "/v1/" in path else V1
        answer = api.request(method, path, headers=headers)
        assert 400 <= answer.status_code < 500, (method, path, answer.text)
        if answer.headers.get("content-type", "").startswith("application/json"):
            assert answer.json()["error"]["code"] == answer.status_code, (path, answer.text)
