"""A client follows a workflow's event stream while devhost is SIGKILLed and started again on
the same task hub: it reconnects with the last event id it got and the stream goes on to the
workflow's end, with no event lost and none repeated."""

import time
from pathlib import Path

import httpx

from tests.apphost import AppHost
from tests.integration.test_workflow_events import TWO_AGENT_QUERY, Event, stream_events


def _host(state: Path) -> AppHost:
    # Each offline model call takes a second: the run is still going when devhost dies.
    settings = {"OFFLINE_MODEL_LATENCY_MS": "1000", "ORCHESTRATE_WAIT_SECONDS": "0"}
    host = AppHost(state, enforce_keys=False, settings=settings)
    host.wait_ready()
    return host


def test_a_stream_cut_by_a_devhost_kill_goes_on_after_the_restart(tmp_path: Path):
    host = _host(tmp_path)
    try:
        with httpx.Client(base_url=host.url + "/api/", timeout=60) as api:
            started = api.post("coordinator/orchestrate", json={"query": TWO_AGENT_QUERY})
            assert started.status_code == 202, started.text
            workflow_id = started.json()["workflow_id"]
            _, before = stream_events(api, workflow_id, stop_after=3)
    finally:
        host.process.kill()
        host.process.wait()
    kinds = [a.event.event for a in before]
    assert kinds[0] == "workflow_started"
    assert "workflow_ended" not in kinds

    host = _host(tmp_path)
    try:
        api = httpx.Client(base_url=host.url + "/api/", timeout=60)
        received: list[Event] = [a.event for a in before]
        deadline = time.monotonic() + 120
        while True:
            assert time.monotonic() < deadline, "the stream never reached the workflow's end"
            status, arrivals = stream_events(api, workflow_id, received[-1].id)
            if status == 204:
                break
            assert status == 200
            received += [a.event for a in arrivals]
        assert received[-1].event == "workflow_ended"
        assert received[-1].data["runtime_status"] == "Completed"
        assert len({e.id for e in received}) == len(received)
        _, everything = stream_events(api, workflow_id)
        assert received == [a.event for a in everything]
        assert {e.data["agent"] for e in received if e.event == "agent_finished"} == {
            "customer-support",
            "enterprise",
        }
    finally:
        host.stop()
