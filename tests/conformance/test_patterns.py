"""The patterns users meet first, each driven the way a user drives it: start over HTTP and
poll the status URL until it answers 200."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.conformance.polling import WEBHOOK, finished, poll, reach_status, start

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_function_chaining(http):
    instance_id = await start(http, "chaining")
    status = await finished(http, instance_id)
    assert status["output"] == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]


async def test_fan_out_fan_in(http):
    instance_id = await start(http, "fan_out_fan_in", {"count": 10})
    status = await finished(http, instance_id)
    assert status["output"] == sum(n * n for n in range(10))


async def test_async_http_api_start_then_poll_status_url_until_200(http):
    started = await http.post("/api/orchestrators/chaining")
    assert started.status_code == 202
    status_url = started.headers["Location"]
    assert started.json()["statusQueryGetUri"] == status_url
    response = await poll(http, status_url)
    assert response.status_code == 200
    assert response.json()["runtimeStatus"] == "Completed"


async def test_human_interaction_event_before_the_timer(http):
    instance_id = await start(http, "approval", {"timeout_seconds": 30})
    await reach_status(http, instance_id, "Running")
    raised = await http.post(f"{WEBHOOK}/instances/{instance_id}/raiseEvent/Approval", json=True)
    assert raised.status_code == 202
    status = await finished(http, instance_id)
    assert status["output"] == {"approved": True, "by": "event"}


async def test_human_interaction_timer_expires_first(http):
    instance_id = await start(http, "approval", {"timeout_seconds": 1})
    status = await finished(http, instance_id, timeout=10)
    assert status["output"] == {"approved": False, "by": "timeout"}


async def test_eternal_monitor_continues_as_new(http):
    instance_id = await start(http, "monitor", {"round": 0, "rounds": 3})
    status = await finished(http, instance_id)
    assert status["output"] == {"rounds": 3, "last": {"reading": 2, "ok": True}}
    # continue_as_new's input reaches the new execution as the SDK serialised it, a JSON
    # string, exactly as the extension stores it.
    assert json.loads(status["input"]) == {"round": 2, "rounds": 3}


async def test_timer_trigger_starts_orchestrations(http):
    for _ in range(60):
        listed = (
            await http.get(f"{WEBHOOK}/instances", params={"instanceIdPrefix": "tick-"})
        ).json()
        done = [i for i in listed if i["runtimeStatus"] == "Completed"]
        if done:
            assert done[0]["name"] == "ticked"
            assert done[0]["output"] == "tick"
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the timer trigger never started an orchestration")
