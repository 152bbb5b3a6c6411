"""`GET /api/coordinator/workflows/{id}/events` over real HTTP: a coordinator run under
devhost (the offline model slowed down so the run takes a few seconds), followed as
Server-Sent Events by reconnecting with `Last-Event-ID` as an EventSource client does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.apphost import AppHost

TWO_AGENT_QUERY = (
    "What is the status of order ORD-2025-00012 for customer CUST-0028, and is SKU-10001 in stock?"
)
AGENTS = {"customer-support", "enterprise"}


@dataclass(frozen=True)
class Event:
    """One server-sent event."""

    id: str
    event: str
    data: dict


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The app under devhost, each offline model call taking 300 ms."""
    host = AppHost(
        tmp_path_factory.mktemp("workflow_events"),
        settings={
            "OFFLINE_MODEL_LATENCY_MS": "300",
            "ORCHESTRATE_WAIT_SECONDS": "0",
            "EVENT_STREAM_SECONDS": "10",
        },
    )
    host.wait_ready()
    yield host
    host.stop()


@pytest.fixture(scope="module")
def api(app_host: AppHost) -> Iterator[httpx.Client]:
    """A client of `/api/` that sends the function key."""
    headers = {"x-functions-key": app_host.keys["function"]}
    with httpx.Client(base_url=app_host.url + "/api/", headers=headers, timeout=60) as client:
        yield client


def parse_sse(text: str) -> tuple[int | None, list[Event]]:
    """The `retry:` value and the events of an SSE body."""
    retry, events = None, []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "retry" in fields:
            retry = int(fields["retry"])
        if "event" in fields:
            events.append(Event(fields["id"], fields["event"], json.loads(fields["data"])))
    return retry, events


def read_events(api: httpx.Client, workflow_id: str, last_id: str | None = None) -> httpx.Response:
    headers = {"Last-Event-ID": last_id} if last_id else {}
    return api.get(f"coordinator/workflows/{workflow_id}/events", headers=headers)


def follow(api: httpx.Client, workflow_id: str) -> list[list[Event]]:
    """Every answer's events, reconnecting with the last id until the server answers 204."""
    answers: list[list[Event]] = []
    last_id: str | None = None
    for _ in range(200):
        response = read_events(api, workflow_id, last_id)
        if response.status_code == 204:
            return answers
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        retry, events = parse_sse(response.text)
        assert retry is not None
        assert retry > 0
        answers.append(events)
        if events:
            last_id = events[-1].id
    raise AssertionError("the stream never ended")


@pytest.fixture(scope="module")
def run(api: httpx.Client) -> tuple[str, list[list[Event]]]:
    """A two-agent run followed from its start to its end: its id and each answer's events."""
    started = api.post("coordinator/orchestrate", json={"query": TWO_AGENT_QUERY})
    assert started.status_code == 202, started.text
    workflow_id = started.json()["workflow_id"]
    return workflow_id, follow(api, workflow_id)


def test_stream_shows_plan_agents_tools_and_answer_before_the_end(
    run: tuple[str, list[list[Event]]],
):
    _, answers = run
    events = [e for answer in answers for e in answer]
    kinds = [e.event for e in events]
    assert kinds[-1] == "workflow_ended"
    assert events[-1].data == {"runtime_status": "Completed", "outcome": "completed"}
    plan = next(e for e in events if e.event == "plan")
    assert {t["agent"] for t in plan.data["tasks"]} == AGENTS
    assert all(t["task"] for t in plan.data["tasks"])
    started = {e.data["agent"] for e in events if e.event == "agent_started"}
    finished = {e.data["agent"]: e.data for e in events if e.event == "agent_finished"}
    assert started == set(finished) == AGENTS
    assert all(f["status"] == "ok" for f in finished.values())
    tools = {
        (e.data["agent"], e.data["tool"], e.data["outcome"])
        for e in events
        if e.event == "tool_call"
    }
    assert ("customer-support", "get_order", "ok") in tools
    assert ("enterprise", "check_inventory", "ok") in tools
    assert any(e.event == "model_step" and e.data["agent"] in AGENTS for e in events)
    answer = next(e for e in events if e.event == "answer")
    assert "customer-support" in answer.data["answer"]
    for agent in AGENTS:
        assert kinds.index("plan") < index_of(events, "agent_started", agent)
        assert index_of(events, "agent_started", agent) < index_of(events, "agent_finished", agent)
        assert index_of(events, "agent_finished", agent) < kinds.index("answer")
    # Delivered while the run was going on: several answers, the plan in one before the end.
    assert len(answers) >= 3
    assert not any(e.event == "workflow_ended" for e in answers[0])
    first_with_plan = next(a for a in answers if any(e.event == "plan" for e in a))
    assert not any(e.event == "workflow_ended" for e in first_with_plan)


def index_of(events: list[Event], kind: str, agent: str) -> int:
    return next(i for i, e in enumerate(events) if e.event == kind and e.data.get("agent") == agent)


def test_reconnect_with_last_event_id_neither_loses_nor_repeats(
    api: httpx.Client, run: tuple[str, list[list[Event]]]
):
    workflow_id, answers = run
    followed = [e for answer in answers for e in answer]
    assert len({e.id for e in followed}) == len(followed)
    everything = parse_sse(read_events(api, workflow_id).text)[1]
    assert sorted(map(repr, followed)) == sorted(map(repr, everything))
    for cut in (0, len(everything) // 2, len(everything) - 2):
        resumed = parse_sse(read_events(api, workflow_id, everything[cut].id).text)[1]
        assert resumed == everything[cut + 1 :]
    assert read_events(api, workflow_id, everything[-1].id).status_code == 204


def test_bad_last_event_id_is_400_naming_the_header(
    api: httpx.Client, run: tuple[str, list[list[Event]]]
):
    workflow_id, _ = run
    for bad in ("@=x", "nonsense", "@=1,@=2", "a/b=1"):
        response = read_events(api, workflow_id, bad)
        assert response.status_code == 400, response.text
        assert response.json()["detail"][0]["field"] == "Last-Event-ID"


def test_events_of_an_unknown_workflow_are_404(api: httpx.Client):
    response = read_events(api, "no-such-workflow")
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"
