"""The SDK's own DurableOrchestrationClient, unchanged, against devhost: every method, through
the client JSON the host passes to a `durable_client_input` binding."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import azure.durable_functions as df
import azure.functions as func
import pytest
from azure.durable_functions.models.OrchestrationRuntimeStatus import OrchestrationRuntimeStatus
from azure.durable_functions.models.utils.entity_utils import EntityId

from devhost.host.durable_client import client_binding, client_binding_json
from tests.conformance.hosting import base_url

pytestmark = pytest.mark.asyncio(loop_scope="module")

@pytest.fixture
def client(patterns_host) -> df.DurableOrchestrationClient:
    return df.DurableOrchestrationClient(client_binding_json(patterns_host.webhooks))


def request_to(patterns_host, path: str) -> func.HttpRequest:
    return func.HttpRequest(method="POST", url=base_url(patterns_host) + path, headers={}, body=b"")


async def settle(client, instance_id: str, timeout: float = 10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        status = await client.get_status(instance_id)
        if status.runtime_status not in (
            OrchestrationRuntimeStatus.Pending,
            OrchestrationRuntimeStatus.Running,
            None,
        ):
            return status
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)


async def until(client, instance_id: str, wanted: OrchestrationRuntimeStatus):
    for _ in range(200):
        status = await client.get_status(instance_id)
        if status.runtime_status == wanted:
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"{instance_id} never reached {wanted}")


def test_binding_json_has_the_fields_the_host_sends(patterns_host):
    binding = client_binding(patterns_host.webhooks)
    assert binding["taskHubName"] == "PatternsHub"
    assert set(binding["creationUrls"]) == {
        "createNewInstancePostUri",
        "createAndWaitOnNewInstancePostUri",
    }
    assert binding["managementUrls"]["id"] == "INSTANCEID"
    assert binding["rpcBaseUrl"].startswith("http://127.0.0.1:")
    assert binding["rpcBaseUrl"].endswith("/durabletask/")
    assert binding["baseUrl"].endswith("/runtime/webhooks/durabletask")


async def test_start_new_and_get_status_with_history(client):
    instance_id = await client.start_new("fan_out_fan_in", client_input=3)
    status = await settle(client, instance_id)
    assert status.runtime_status == OrchestrationRuntimeStatus.Completed
    assert status.output == 5
    detailed = await client.get_status(instance_id, show_history=True, show_history_output=True)
    # The extension names the field `historyEvents`, so the SDK keeps it as that attribute
    # and `status.history` stays None, against the real host as here.
    assert detailed.history is None
    kinds = [event["EventType"] for event in detailed.historyEvents]
    assert kinds[0] == "ExecutionStarted"
    assert kinds[-1] == "ExecutionCompleted"
    assert kinds.count("TaskCompleted") == 4


async def test_start_new_with_instance_id_and_unknown_function(client):
    instance_id = f"sdk-{uuid.uuid4().hex}"
    assert await client.start_new("chaining", instance_id) == instance_id
    with pytest.raises(Exception, match="no_such"):
        await client.start_new("no_such")


async def test_get_status_of_missing_instance_is_falsy(client):
    assert not await client.get_status("missing-" + uuid.uuid4().hex)


async def test_get_status_by_and_all(client):
    prefix = f"by-{uuid.uuid4().hex[:8]}"
    ids = [await client.start_new("chaining", f"{prefix}-{n}") for n in range(2)]
    for instance_id in ids:
        await settle(client, instance_id)
    since = datetime.now(UTC) - timedelta(minutes=1)
    found = await client.get_status_by(
        created_time_from=since,
        runtime_status=[OrchestrationRuntimeStatus.Completed],
        instance_id_prefix=prefix,
    )
    assert sorted(s.instance_id for s in found) == sorted(ids)
    every = await client.get_status_all()
    assert {s.instance_id for s in every} >= set(ids) or len(every) == 100


async def test_raise_event(client):
    instance_id = await client.start_new("waiter")
    await until(client, instance_id, OrchestrationRuntimeStatus.Running)
    await client.raise_event(instance_id, "Go", {"ok": True})
    # The SDK posts json.dumps(data) as a JSON string and the extension keeps it as one, so
    # the orchestration receives the text, as it does under the real host.
    assert (await settle(client, instance_id)).output == {"got": '{"ok": true}'}
    with pytest.raises(Exception, match="gone"):
        await client.raise_event(instance_id, "Go", 1)
    with pytest.raises(Exception, match="No instance"):
        await client.raise_event("missing-" + uuid.uuid4().hex, "Go", 1)


async def test_terminate_suspend_resume(client):
    instance_id = await client.start_new("waiter")
    await until(client, instance_id, OrchestrationRuntimeStatus.Running)
    await client.suspend(instance_id, "pause")
    await until(client, instance_id, OrchestrationRuntimeStatus.Suspended)
    await client.resume(instance_id, "go on")
    await until(client, instance_id, OrchestrationRuntimeStatus.Running)
    await client.terminate(instance_id, "stop now")
    status = await until(client, instance_id, OrchestrationRuntimeStatus.Terminated)
    assert status.output == "stop now"
    with pytest.raises(Exception, match="No instance"):
        await client.terminate("missing-" + uuid.uuid4().hex, "x")


async def test_rewind_failed_instance(client):
    instance_id = await client.start_new("flaky_flow")
    assert (await settle(client, instance_id)).runtime_status == OrchestrationRuntimeStatus.Failed
    await client.rewind(instance_id, "try again")
    status = await until(client, instance_id, OrchestrationRuntimeStatus.Completed)
    assert status.output == "recovered"


async def test_restart(client):
    instance_id = await client.start_new("fan_out_fan_in", client_input=2)
    await settle(client, instance_id)
    # Like the real extension, restart answers with the check-status payload, which the SDK
    # hands back as it is.
    restarted = await client.restart(instance_id)
    new_id = restarted["id"] if isinstance(restarted, dict) else restarted
    assert new_id != instance_id
    assert (await settle(client, new_id)).output == 1


async def test_purge_instance_history_and_by_filter(client):
    instance_id = await client.start_new("chaining")
    await settle(client, instance_id)
    assert (await client.purge_instance_history(instance_id)).instances_deleted == 1
    assert (await client.purge_instance_history(instance_id)).instances_deleted == 0
    since = datetime.now(UTC) - timedelta(seconds=1)
    other = await client.start_new("chaining")
    await settle(client, other)
    result = await client.purge_instance_history_by(
        created_time_from=since, runtime_status=[OrchestrationRuntimeStatus.Completed]
    )
    assert result.instances_deleted >= 1
    assert not await client.get_status(other)


async def test_create_check_status_response_uses_the_request_origin(client, patterns_host):
    response = client.create_check_status_response(request_to(patterns_host, "/api/x"), "abc")
    assert response.status_code == 202
    body = json.loads(response.get_body())
    assert body["statusQueryGetUri"].startswith(
        base_url(patterns_host) + "/runtime/webhooks/durabletask/instances/abc?"
    )
    assert response.headers["Location"] == body["statusQueryGetUri"]
    payload = client.create_http_management_payload("abc")
    assert payload["id"] == "abc"


async def test_wait_for_completion_or_create_check_status_response(client, patterns_host):
    instance_id = await client.start_new("chaining")
    response = await client.wait_for_completion_or_create_check_status_response(
        request_to(patterns_host, "/api/x"), instance_id, 5000, 50
    )
    assert response.status_code == 200
    assert json.loads(response.get_body()) == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
    waiting = await client.start_new("waiter")
    pending = await client.wait_for_completion_or_create_check_status_response(
        request_to(patterns_host, "/api/x"), waiting, 200, 50
    )
    assert pending.status_code == 202
    await client.terminate(waiting, "done")


async def test_signal_and_read_entity(client):
    entity = EntityId("counter", uuid.uuid4().hex[:8])
    await client.signal_entity(entity, "add", 4)
    for _ in range(100):
        state = await client.read_entity_state(entity)
        if state.entity_exists and state.entity_state == 4:
            break
        await asyncio.sleep(0.05)
    assert state.entity_state == 4
    assert not (
        await client.read_entity_state(EntityId("counter", "none-" + uuid.uuid4().hex))
    ).entity_exists


async def test_http_starter_binding_gives_check_status_response(http):
    response = await http.post("/api/orchestrators/chaining")
    assert response.status_code == 202
    body = response.json()
    assert response.headers["Location"] == body["statusQueryGetUri"]
    assert body["statusQueryGetUri"].startswith(str(http.base_url).rstrip("/"))


async def test_http_trigger_waits_for_completion_through_the_binding(http):
    response = await http.post("/api/run/fan_out_fan_in", json=3)
    assert response.status_code == 200
    assert response.json() == 5
