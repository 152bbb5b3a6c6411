"""`GET /api/coordinator/workflows/{id}/events` over real HTTP: a coordinator run under
devhost (the offline model slowed down so the run takes a few seconds), followed as a stream
of Server-Sent Events that arrive as they happen, reconnecting with `Last-Event-ID` as an
EventSource client does."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.apphost import AppHost, running_app

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


@dataclass(frozen=True)
class Arrival:
    """An event and when (time.monotonic) the client had it."""

    event: Event
    at: float


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The app under devhost, each offline model call taking 800 ms."""
    with running_app(
        tmp_path_factory.mktemp("workflow_events"),
        settings={
            "OFFLINE_MODEL_LATENCY_MS": "800",
            "ORCHESTRATE_WAIT_SECONDS": "0",
            "EVENT_STREAM_SECONDS": "10",
        },
    ) as host:
        yield host


@pytest.fixture(scope="module")
def api(app_host: AppHost) -> Iterator[httpx.Client]:
    """A client of `/api/` that sends the function key."""
    headers = {"x-functions-key": app_host.keys["function"]}
    with httpx.Client(base_url=app_host.url + "/api/", headers=headers, timeout=60) as client:
        yield client


def read_events(api: httpx.Client, workflow_id: str, last_id: str | None = None) -> httpx.Response:
    headers = {"Last-Event-ID": last_id} if last_id else {}
    return api.get(f"coordinator/workflows/{workflow_id}/events", headers=headers)


def stream_events(
    api: httpx.Client, workflow_id: str, last_id: str | None = None, stop_after: int | None = None
) -> tuple[int, list[Arrival]]:
    """One connection: its status and each event as it arrived (at most `stop_after`, then
    the client hangs up)."""
    headers = {"Last-Event-ID": last_id} if last_id else {}
    arrivals: list[Arrival] = []
    with api.stream("GET", f"coordinator/workflows/{workflow_id}/events", headers=headers) as got:
        if got.status_code != 200:
            return got.status_code, arrivals
        assert got.headers["content-type"].startswith("text/event-stream")
        fields: dict[str, str] = {}
        for line in got.iter_lines():
            if line:
                name, _, value = line.partition(": ")
                fields[name] = value
                continue
            if "event" in fields:
                event = Event(fields["id"], fields["event"], json.loads(fields["data"]))
                arrivals.append(Arrival(event, time.monotonic()))
                if stop_after is not None and len(arrivals) >= stop_after:
                    break
            fields = {}
    return 200, arrivals


def follow(
    api: httpx.Client, workflow_id: str, stop_first_after: int | None = None
) -> list[list[Arrival]]:
    """Every connection's events, reconnecting with the last id until the server answers
    204; the first connection hangs up after `stop_first_after` events."""
    connections: list[list[Arrival]] = []
    last_id: str | None = None
    for attempt in range(200):
        status, arrivals = stream_events(
            api, workflow_id, last_id, stop_first_after if attempt == 0 else None
        )
        if status == 204:
            return connections
        assert status == 200
        connections.append(arrivals)
        if arrivals:
            last_id = arrivals[-1].event.id
    raise AssertionError("the stream never ended")


def completed_at(api: httpx.Client, workflow_id: str, done: threading.Event) -> list[float]:
    """Polls the workflow's status in the background; the list gets the time it first read
    `Completed`."""
    seen: list[float] = []

    def poll() -> None:
        while not done.is_set():
            status = api.get(f"coordinator/workflows/{workflow_id}").json()
            if status.get("runtime_status") == "Completed":
                seen.append(time.monotonic())
                return
            time.sleep(0.05)

    threading.Thread(target=poll, daemon=True).start()
    return seen


@dataclass(frozen=True)
class Run:
    """A followed run: its id, each connection's events, when its status first read
    Completed."""

    workflow_id: str
    connections: list[list[Arrival]]
    completed_at: float

    @property
    def events(self) -> list[Event]:
        return [a.event for connection in self.connections for a in connection]


def followed_run(api: httpx.Client, stop_first_after: int | None = None) -> Run:
    started = api.post("coordinator/orchestrate", json={"query": TWO_AGENT_QUERY})
    assert started.status_code == 202, started.text
    workflow_id = started.json()["workflow_id"]
    done = threading.Event()
    seen = completed_at(api, workflow_id, done)
    connections = follow(api, workflow_id, stop_first_after)
    for _ in range(100):
        if seen:
            break
        time.sleep(0.1)
    done.set()
    assert seen, "the workflow never read completed"
    return Run(workflow_id, connections, seen[0])


@pytest.fixture(scope="module")
def run(api: httpx.Client) -> Run:
    """A two-agent run followed from its start to its end."""
    return followed_run(api)


def test_stream_shows_plan_agents_tools_and_answer_before_the_end(run: Run):
    events = run.events
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
    assert kinds.index("answer") < kinds.index("workflow_ended")


def test_events_arrive_while_the_run_goes_on_before_its_status_reads_completed(run: Run):
    # One connection carried the whole run: it stayed open and each event came as it happened.
    assert len(run.connections[0]) == len(run.events)
    arrivals = run.connections[0]
    arrived = {(a.event.event, a.event.data.get("agent")): a.at for a in arrivals}
    early = [("plan", None)] + [(k, a) for a in AGENTS for k in ("agent_started", "agent_finished")]
    for key in early:
        assert arrived[key] < run.completed_at, key
    # The run takes seconds (each model call 800 ms): its events spread over that time.
    assert arrived[("agent_finished", "customer-support")] - arrived[("plan", None)] > 0.5


def index_of(events: list[Event], kind: str, agent: str) -> int:
    return next(i for i, e in enumerate(events) if e.event == kind and e.data.get("agent") == agent)


def test_reconnect_with_last_event_id_neither_loses_nor_repeats(api: httpx.Client, run: Run):
    cut_run = followed_run(api, stop_first_after=4)
    first, *rest = cut_run.connections
    assert len(first) == 4
    assert rest, "the client reconnected after hanging up"
    followed = cut_run.events
    assert len({e.id for e in followed}) == len(followed)
    assert followed[-1].event == "workflow_ended"
    _, everything = stream_events(api, cut_run.workflow_id)
    assert followed == [a.event for a in everything]
    for cut in (0, len(everything) // 2, len(everything) - 2):
        _, resumed = stream_events(api, cut_run.workflow_id, everything[cut].event.id)
        assert [a.event for a in resumed] == followed[cut + 1 :]
    assert stream_events(api, cut_run.workflow_id, followed[-1].id)[0] == 204


def test_bad_last_event_id_is_400_naming_the_header(api: httpx.Client, run: Run):
    workflow_id = run.workflow_id
    for bad in ("@=x", "nonsense", "@=1,@=2", "a/b=1"):
        response = read_events(api, workflow_id, bad)
        assert response.status_code == 400, response.text
        assert response.json()["detail"][0]["field"] == "Last-Event-ID"


def test_events_of_an_unknown_workflow_are_404(api: httpx.Client):
    response = read_events(api, "no-such-workflow")
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"
