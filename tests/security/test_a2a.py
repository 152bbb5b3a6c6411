"""Attacks on the A2A surface: an Operator gets, follows, cancels or lists another Operator's
task, or decides one; task ids that break URLs (the whole id corpus) on the JSON-RPC and
HTTP+JSON bindings. Another's task is task not found, as one that does not exist; no id gives
a 5xx or a JSON-RPC internal error (`-32603`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.security.conftest import ADA, BOB, CAROL, DAN, WEBHOOK, Ledger
from tests.security.id_corpus import corpus
from tests.security.test_instance_ids import HOST_LINE_LIMIT, encoded

V1 = {"A2A-Version": "1.0"}
IDS = corpus()


def rpc(
    http: httpx.Client, method: str, params: dict[str, Any], headers: dict[str, str] = V1
) -> httpx.Response:
    """A JSON-RPC call; strings the client cannot encode are sent as JSON escapes."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
    return http.post(
        "/api/a2a", content=body, headers={**headers, "content-type": "application/json"}
    )


def user_message(*parts: dict[str, Any], task_id: str = "", context_id: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {
        "messageId": uuid.uuid4().hex,
        "role": "ROLE_USER",
        "parts": list(parts),
    }
    if task_id:
        found["taskId"] = task_id
    if context_id:
        found["contextId"] = context_id
    return found


@pytest.fixture(scope="module")
def adas_task(as_person, attacker: httpx.Client) -> Iterator[tuple[str, str]]:
    """Ada's A2A task, waiting for a decision on its plan, and its context id."""
    context = uuid.uuid4().hex
    sent = user_message(
        {"text": "Update ticket TCK-10001 to pending"},
        {"data": {"require_approval": True}},
        context_id=context,
    )
    answer = rpc(as_person(ADA), "SendMessage", {"message": sent})
    task = answer.json()["result"]["task"]
    assert task["status"]["state"] == "TASK_STATE_INPUT_REQUIRED", answer.text
    yield task["id"], context
    attacker.post(f"{WEBHOOK}/instances/{task['id']}/terminate", params={"reason": "test over"})


def test_another_operator_cannot_get_follow_cancel_or_list_a_task(
    as_person, attacker: httpx.Client, adas_task: tuple[str, str], ledger: Ledger
):
    task_id, context = adas_task
    bob = as_person(BOB)
    unknown = rpc(bob, "GetTask", {"id": "no-such-task"}).json()["error"]["code"]
    for method in ("GetTask", "CancelTask", "SubscribeToTask"):
        answer = rpc(bob, method, {"id": task_id})
        code = answer.json().get("error", {}).get("code")
        assert ledger.attack(f"A2A {method} on another's task", code != unknown), answer.text
    for method, path in (("GET", ""), ("POST", ":cancel"), ("GET", ":subscribe")):
        answer = bob.request(method, f"/api/a2a/rest/tasks/{task_id}{path}", headers=V1)
        stopped = answer.status_code == 404
        assert ledger.attack(f"A2A REST {method} tasks/{{id}}{path} on another's task", not stopped)
    listed = rpc(bob, "ListTasks", {"contextId": context}).json()["result"]
    everything = rpc(bob, "ListTasks", {"pageSize": 100}).json()["result"]
    seen = listed["tasks"] or [t for t in everything["tasks"] if t["id"] == task_id]
    assert ledger.attack("A2A ListTasks shows another's task", bool(seen))
    decision = user_message({"data": {"approved": True}}, task_id=task_id)
    decided = rpc(bob, "SendMessage", {"message": decision})
    assert ledger.attack("A2A decision as an Operator", decided.status_code != 403)
    assert attacker.get(f"{WEBHOOK}/instances/{task_id}").json()["runtimeStatus"] == "Running"


def test_the_owner_approvers_and_admins_reach_the_task(as_person, adas_task: tuple[str, str]):
    task_id, context = adas_task
    for person in (ADA, CAROL, DAN):
        http = as_person(person)
        assert rpc(http, "GetTask", {"id": task_id}).json()["result"]["id"] == task_id
        listed = rpc(http, "ListTasks", {"contextId": context}).json()["result"]["tasks"]
        assert [t["id"] for t in listed] == [task_id], person.name


def test_a2a_answers_carry_no_host_key(as_person, adas_task: tuple[str, str], ledger: Ledger):
    task_id, _ = adas_task
    answer = rpc(as_person(ADA), "GetTask", {"id": task_id})
    assert ledger.attack("A2A task hands out a host key", "code=" in answer.text), answer.text


def test_no_task_id_gives_a_server_or_internal_error_over_json_rpc(as_person, ledger: Ledger):
    admin = as_person(DAN)
    failures = []
    for task_id in IDS:
        for method, params, headers in (
            ("GetTask", {"id": task_id}, V1),
            ("CancelTask", {"id": task_id}, V1),
            ("SubscribeToTask", {"id": task_id}, V1),
            ("tasks/get", {"id": task_id}, {}),
        ):
            answer = rpc(admin, method, params, headers)
            code = answer.json().get("error", {}).get("code") if answer.status_code == 200 else None
            broke = answer.status_code != 200 or code not in (-32001, -32602)
            if not ledger.attack(f"break A2A {method} with an id", broke):
                failures.append((method, task_id[:60], answer.status_code, answer.text[:200]))
    assert failures == []


def test_no_task_id_gives_a_server_error_over_rest(as_person, ledger: Ledger):
    admin = as_person(DAN)
    failures = []
    for task_id in IDS:
        segment = encoded(task_id)
        for method, path, headers in (
            ("GET", f"/api/a2a/rest/tasks/{segment}", V1),
            ("POST", f"/api/a2a/rest/tasks/{segment}:cancel", V1),
            ("GET", f"/api/a2a/rest/v1/tasks/{segment}", {}),
        ):
            answer = admin.request(method, path, headers=headers)
            broke = answer.status_code >= 500
            if not ledger.attack(f"break A2A REST {method} with an id", broke):
                failures.append((path[:80], answer.status_code))
            elif len(path) <= HOST_LINE_LIMIT and answer.content:
                assert 400 <= answer.status_code < 500, (path[:80], answer.text)
                assert answer.headers["content-type"].startswith("application/json"), path[:80]
    assert failures == []
