"""The Durable HTTP API under /runtime/webhooks/durabletask, over real HTTP: routes, status
codes, headers and bodies as the extension's HttpApiHandler returns them."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.conformance.polling import WEBHOOK, finished, reach_status, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

STATUS_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
LINKS = {
    "id",
    "statusQueryGetUri",
    "sendEventPostUri",
    "terminatePostUri",
    "rewindPostUri",
    "purgeHistoryDeleteUri",
    "restartPostUri",
    "suspendPostUri",
    "resumePostUri",
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


async def test_start_returns_202_with_management_links_location_and_retry_after(http):
    response = await http.post(f"{WEBHOOK}/orchestrators/chaining")
    assert response.status_code == 202
    body = response.json()
    assert set(body) == LINKS
    assert response.headers["Location"] == body["statusQueryGetUri"]
    assert response.headers["Retry-After"] == "10"
    assert body["statusQueryGetUri"].startswith(
        str(http.base_url).rstrip("/") + WEBHOOK + "/instances/"
    )
    assert "taskHub=PatternsHub&connection=Storage&code=" in body["statusQueryGetUri"]
    assert "/raiseEvent/{eventName}?" in body["sendEventPostUri"]
    assert "/terminate?reason={text}&" in body["terminatePostUri"]


async def test_start_with_instance_id_and_json_input(http):
    instance_id = unique("given")
    assert await start(http, "fan_out_fan_in", {"count": 4}, instance_id) == instance_id
    status = await finished(http, instance_id)
    assert status["output"] == 0 + 1 + 4 + 9
    assert status["input"] == {"count": 4}


async def test_start_unknown_orchestrator_is_400_with_exception_message(http):
    response = await http.post(f"{WEBHOOK}/orchestrators/no_such_function")
    assert response.status_code == 400
    body = response.json()
    assert body["Message"] == "One or more of the arguments submitted is incorrect"
    assert "no_such_function" in body["ExceptionMessage"]
    assert "StackTrace" not in body


async def test_start_with_invalid_instance_id_is_400(http):
    response = await http.post(f"{WEBHOOK}/orchestrators/chaining/@entity-like")
    assert response.status_code == 400
    assert "must not start with @" in response.json()["ExceptionMessage"]


async def test_start_with_invalid_json_is_400(http):
    response = await http.post(
        f"{WEBHOOK}/orchestrators/chaining",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["Message"] == "Invalid JSON content"


async def test_start_with_timeout_and_polling_interval_waits_for_the_output(http):
    response = await http.post(f"{WEBHOOK}/orchestrators/chaining?timeout=5&pollingInterval=0.1")
    assert response.status_code == 200
    assert response.json() == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]


async def test_status_of_running_instance_is_202_with_location_and_retry_after(http):
    instance_id = await start(http, "waiter")
    await reach_status(http, instance_id, "Running")
    response = await http.get(f"{WEBHOOK}/instances/{instance_id}")
    assert response.status_code == 202
    assert response.headers["Location"] == str(response.url)
    assert response.headers["Retry-After"] == "5"
    assert response.json()["customStatus"] == "waiting"


async def test_status_payload_shape_and_time_format(http):
    instance_id = await start(http, "chaining", {"who": "me"})
    status = await finished(http, instance_id)
    assert list(status) == [
        "name",
        "instanceId",
        "runtimeStatus",
        "input",
        "customStatus",
        "output",
        "createdTime",
        "lastUpdatedTime",
    ]
    assert status["name"] == "chaining"
    assert status["runtimeStatus"] == "Completed"
    assert status["input"] == {"who": "me"}
    assert STATUS_TIME.match(status["createdTime"])
    assert STATUS_TIME.match(status["lastUpdatedTime"])


async def test_status_of_unknown_instance_is_404_with_empty_body(http):
    response = await http.get(f"{WEBHOOK}/instances/{unique('missing')}")
    assert response.status_code == 404
    assert response.content == b""


async def test_show_input_false_hides_the_input(http):
    instance_id = await start(http, "fan_out_fan_in", {"count": 2})
    await finished(http, instance_id)
    body = (await http.get(f"{WEBHOOK}/instances/{instance_id}?showInput=false")).json()
    assert body["input"] is None


async def test_show_history_lists_events_and_show_history_output_adds_results(http):
    instance_id = await start(http, "chaining")
    await finished(http, instance_id)
    plain = (await http.get(f"{WEBHOOK}/instances/{instance_id}?showHistory=true")).json()
    kinds = [e["EventType"] for e in plain["historyEvents"]]
    assert kinds == [
        "ExecutionStarted",
        "TaskCompleted",
        "TaskCompleted",
        "TaskCompleted",
        "ExecutionCompleted",
    ]
    assert "Result" not in plain["historyEvents"][1]
    detailed = (
        await http.get(f"{WEBHOOK}/instances/{instance_id}?showHistory=true&showHistoryOutput=true")
    ).json()
    activity = detailed["historyEvents"][1]
    assert activity["FunctionName"] == "say_hello"
    assert activity["Result"] == "Hello Tokyo!"
    assert {"ScheduledTime", "Timestamp"} <= set(activity)
    assert "historyEvents" not in (await http.get(f"{WEBHOOK}/instances/{instance_id}")).json()


async def test_failed_instance_is_200_unless_500_is_asked_for(http):
    instance_id = await start(http, "flaky_flow")
    status = await finished(http, instance_id)
    assert status["runtimeStatus"] == "Failed"
    asked = await http.get(
        f"{WEBHOOK}/instances/{instance_id}?returnInternalServerErrorOnFailure=true"
    )
    assert asked.status_code == 500
    assert asked.json()["runtimeStatus"] == "Failed"


async def test_list_filters_by_prefix_status_and_created_time(http):
    prefix = unique("list")
    ids = [await start(http, "chaining", None, f"{prefix}-{n}") for n in range(3)]
    for instance_id in ids:
        await finished(http, instance_id)
    response = await http.get(f"{WEBHOOK}/instances", params={"instanceIdPrefix": prefix})
    assert response.status_code == 200
    assert sorted(i["instanceId"] for i in response.json()) == sorted(ids)
    assert "x-ms-continuation-token" in response.headers
    completed = await http.get(
        f"{WEBHOOK}/instances",
        params={"instanceIdPrefix": prefix, "runtimeStatus": "Completed,Failed"},
    )
    assert len(completed.json()) == 3
    running = await http.get(
        f"{WEBHOOK}/instances", params={"instanceIdPrefix": prefix, "runtimeStatus": "Running"}
    )
    assert running.json() == []
    later = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    future = await http.get(
        f"{WEBHOOK}/instances", params={"instanceIdPrefix": prefix, "createdTimeFrom": later}
    )
    assert future.json() == []
    earlier = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    past = await http.get(
        f"{WEBHOOK}/instances", params={"instanceIdPrefix": prefix, "createdTimeTo": earlier}
    )
    assert past.json() == []


async def test_list_pages_with_top_and_continuation_token(http):
    prefix = unique("page")
    ids = {await start(http, "chaining", None, f"{prefix}-{n}") for n in range(5)}
    seen: list[str] = []
    token = ""
    for _ in range(10):
        headers = {"x-ms-continuation-token": token} if token else {}
        response = await http.get(
            f"{WEBHOOK}/instances", params={"instanceIdPrefix": prefix, "top": "2"}, headers=headers
        )
        page = response.json()
        assert len(page) <= 2
        seen += [i["instanceId"] for i in page]
        token = response.headers.get("x-ms-continuation-token", "")
        if not token:
            break
    assert sorted(seen) == sorted(ids)


async def test_raise_event_is_202_and_delivers_the_data(http):
    instance_id = await start(http, "waiter")
    await reach_status(http, instance_id, "Running")
    response = await http.post(f"{WEBHOOK}/instances/{instance_id}/raiseEvent/Go", json={"n": 1})
    assert response.status_code == 202
    assert (await finished(http, instance_id))["output"] == {"got": {"n": 1}}


async def test_raise_event_codes_for_missing_finished_and_non_json(http):
    missing = await http.post(f"{WEBHOOK}/instances/{unique('none')}/raiseEvent/Go", json=1)
    assert missing.status_code == 404
    done = await start(http, "chaining")
    await finished(http, done)
    gone = await http.post(f"{WEBHOOK}/instances/{done}/raiseEvent/Go", json=1)
    assert gone.status_code == 410
    running = await start(http, "waiter")
    text = await http.post(
        f"{WEBHOOK}/instances/{running}/raiseEvent/Go",
        content=b"hi",
        headers={"Content-Type": "text/plain"},
    )
    assert text.status_code == 400
    assert text.json()["Message"] == "Only application/json request content is supported"
    await http.post(f"{WEBHOOK}/instances/{running}/terminate?reason=cleanup")


async def test_terminate_then_410_and_404(http):
    instance_id = await start(http, "waiter")
    await reach_status(http, instance_id, "Running")
    response = await http.post(f"{WEBHOOK}/instances/{instance_id}/terminate?reason=enough")
    assert response.status_code == 202
    status = await reach_status(http, instance_id, "Terminated")
    assert status["output"] == "enough"
    again = await http.post(f"{WEBHOOK}/instances/{instance_id}/terminate?reason=again")
    assert again.status_code == 410
    missing = await http.post(f"{WEBHOOK}/instances/{unique('none')}/terminate?reason=x")
    assert missing.status_code == 404


async def test_suspend_and_resume(http):
    instance_id = await start(http, "waiter")
    await reach_status(http, instance_id, "Running")
    assert (
        await http.post(f"{WEBHOOK}/instances/{instance_id}/suspend?reason=pause")
    ).status_code == 202
    await reach_status(http, instance_id, "Suspended")
    suspended = await http.get(f"{WEBHOOK}/instances/{instance_id}")
    assert suspended.status_code == 202
    assert (
        await http.post(f"{WEBHOOK}/instances/{instance_id}/resume?reason=go")
    ).status_code == 202
    await reach_status(http, instance_id, "Running")
    await http.post(f"{WEBHOOK}/instances/{instance_id}/raiseEvent/Go", json="now")
    assert (await finished(http, instance_id))["output"] == {"got": "now"}
    assert (
        await http.post(f"{WEBHOOK}/instances/{instance_id}/suspend?reason=x")
    ).status_code == 410
    assert (
        await http.post(f"{WEBHOOK}/instances/{unique('none')}/resume?reason=x")
    ).status_code == 404


async def test_rewind_reruns_a_failed_instance(http):
    instance_id = await start(http, "flaky_flow")
    assert (await finished(http, instance_id))["runtimeStatus"] == "Failed"
    response = await http.post(f"{WEBHOOK}/instances/{instance_id}/rewind?reason=retry")
    assert response.status_code == 202
    status = await reach_status(http, instance_id, "Completed")
    assert status["output"] == "recovered"
    assert (
        await http.post(f"{WEBHOOK}/instances/{instance_id}/rewind?reason=x")
    ).status_code == 410
    assert (
        await http.post(f"{WEBHOOK}/instances/{unique('none')}/rewind?reason=x")
    ).status_code == 404


async def test_restart_with_new_and_same_instance_id(http):
    instance_id = await start(http, "fan_out_fan_in", {"count": 3})
    await finished(http, instance_id)
    fresh = await http.post(f"{WEBHOOK}/instances/{instance_id}/restart")
    assert fresh.status_code == 202
    new_id = fresh.json()["id"]
    assert new_id != instance_id
    assert (await finished(http, new_id))["output"] == 5
    same = await http.post(
        f"{WEBHOOK}/instances/{instance_id}/restart?restartWithNewInstanceId=false"
    )
    assert same.status_code == 202
    assert same.json()["id"] == instance_id
    assert (await finished(http, instance_id))["output"] == 5
    missing = await http.post(f"{WEBHOOK}/instances/{unique('none')}/restart")
    assert missing.status_code == 400


async def test_purge_one_instance(http):
    instance_id = await start(http, "chaining")
    await finished(http, instance_id)
    response = await http.delete(f"{WEBHOOK}/instances/{instance_id}")
    assert response.status_code == 200
    assert response.json() == {"instancesDeleted": 1}
    assert (await http.get(f"{WEBHOOK}/instances/{instance_id}")).status_code == 404
    assert (await http.delete(f"{WEBHOOK}/instances/{instance_id}")).status_code == 404


async def test_purge_by_filter(http):
    assert (await http.delete(f"{WEBHOOK}/instances")).status_code == 400
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    ids = [await start(http, "fan_out_fan_in", {"count": 1}) for _ in range(2)]
    for instance_id in ids:
        await finished(http, instance_id)
    response = await http.delete(
        f"{WEBHOOK}/instances", params={"createdTimeFrom": since, "runtimeStatus": "Completed"}
    )
    assert response.status_code == 200
    assert response.json()["instancesDeleted"] >= 2
    for instance_id in ids:
        assert (await http.get(f"{WEBHOOK}/instances/{instance_id}")).status_code == 404
    future = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    none = await http.delete(f"{WEBHOOK}/instances", params={"createdTimeFrom": future})
    assert none.status_code == 404


async def test_unknown_operation_is_404(http):
    instance_id = await start(http, "chaining")
    assert (await http.post(f"{WEBHOOK}/instances/{instance_id}/explode")).status_code == 404


async def test_entity_signal_then_read(http):
    key = unique("c")
    for amount in (2, 3):
        response = await http.post(f"{WEBHOOK}/entities/counter/{key}?op=add", json=amount)
        assert response.status_code == 202
    seen = []
    for _ in range(100):
        read = await http.get(f"{WEBHOOK}/entities/counter/{key}")
        seen.append((read.status_code, read.text))
        if read.status_code == 200 and read.json() == 5:
            break
        await asyncio.sleep(0.05)
    assert seen[-1] == (200, "5"), seen
    assert (await http.get(f"{WEBHOOK}/entities/counter/{unique('none')}")).status_code == 404
