"""devhost's MCP endpoint as the MCP transport spec asks, over real HTTP: foreign origins and
Host names refused (DNS rebinding), and response streams that carry event ids and can be
resumed with `Last-Event-ID`. The app is `tests/apps/mcp_transport`, on a loopback bind with
keys not enforced, which is exactly what a rebinding page would reach."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conformance.hosting import HostProcess, free_port
from tests.integration.test_mcp_tools import ACCEPT, INITIALIZE, MCP_PATH


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The MCP endpoint of devhost serving the transport test app on loopback."""
    host = HostProcess("mcp_transport", tmp_path_factory.mktemp("hub"), free_port())
    host.wait_ready(timeout=60)
    yield host.url + MCP_PATH
    host.stop()


def call(name: str, arguments: dict[str, Any] | None = None, request_id: int = 2) -> dict[str, Any]:
    """A `tools/call` request."""
    params = {"name": name, "arguments": arguments or {}}
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def events(text: str) -> list[dict[str, str]]:
    """The server-sent events of a stream body, each as its fields."""
    parsed = []
    for block in text.strip().split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            name, _, value = line.partition(": ")
            fields[name] = fields[name] + "\n" + value if name in fields else value
        parsed.append(fields)
    return parsed


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example.com", "Origin": "http://evil.example.com"},
        {"Origin": "http://evil.example.com"},
        {"Origin": "null"},
        {"Host": "evil.example.com"},
        {"Origin": "http://localhost.evil.example.com"},
    ],
    ids=["rebinding", "foreign-origin", "opaque-origin", "foreign-host", "lookalike-origin"],
)
def test_foreign_origin_or_host_is_refused_with_403(endpoint: str, headers: dict[str, str]) -> None:
    response = httpx.post(endpoint, json=INITIALIZE, headers={**ACCEPT, **headers})
    assert response.status_code == 403
    body = response.json()
    assert body["jsonrpc"] == "2.0"
    assert "id" not in body
    assert body["error"]["message"].startswith("Forbidden")
    assert "Mcp-Session-Id" not in response.headers


def test_a_tool_call_from_a_foreign_origin_never_runs(endpoint: str, tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    headers = {**ACCEPT, "Origin": "http://evil.example.com"}
    response = httpx.post(endpoint, json=call("record", {"path": str(trace)}), headers=headers)
    assert response.status_code == 403
    allowed = httpx.post(endpoint, json=call("record", {"path": str(trace)}), headers=ACCEPT)
    assert allowed.status_code == 200
    assert trace.read_text() == "called"


def test_legacy_sse_from_a_foreign_origin_is_refused(endpoint: str) -> None:
    headers = {"accept": "text/event-stream", "Origin": "https://evil.example.com"}
    assert httpx.get(endpoint + "/sse", headers=headers).status_code == 403


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:5173",
        "http://127.0.0.1:6274",
        "http://[::1]:8080",
        "https://localhost",
        "https://portal.contoso.example",
    ],
)
def test_loopback_origins_and_the_configured_cors_origins_are_served(
    endpoint: str, origin: str
) -> None:
    response = httpx.post(endpoint, json=INITIALIZE, headers={**ACCEPT, "Origin": origin})
    assert response.status_code == 200
    assert response.headers["Mcp-Session-Id"]


def test_clients_without_an_origin_are_served(endpoint: str) -> None:
    response = httpx.post(endpoint, json=INITIALIZE, headers=ACCEPT)
    assert response.status_code == 200
    assert response.headers["Mcp-Session-Id"]


def test_a_response_stream_opens_with_an_event_id_and_retry(endpoint: str) -> None:
    headers = {**ACCEPT, "MCP-Protocol-Version": "2025-11-25"}
    response = httpx.post(endpoint, json=call("slow"), headers=headers, timeout=30)
    priming, reply = events(response.text)
    assert priming["id"]
    assert (priming["retry"], priming["data"]) == ("1000", "")
    assert reply["event"] == "message"
    assert reply["id"]
    assert reply["id"] != priming["id"]
    assert json.loads(reply["data"])["result"]["content"][0]["text"] == "done"


def test_older_protocol_versions_get_ids_but_no_priming_event(endpoint: str) -> None:
    headers = {**ACCEPT, "MCP-Protocol-Version": "2025-06-18"}
    (reply,) = events(httpx.post(endpoint, json=call("slow"), headers=headers, timeout=30).text)
    assert reply["id"]
    assert json.loads(reply["data"])["id"] == 2


def test_a_dropped_stream_is_resumed_with_last_event_id(endpoint: str) -> None:
    headers = {**ACCEPT, "MCP-Protocol-Version": "2025-11-25"}
    with (
        httpx.Client(timeout=30) as client,
        client.stream("POST", endpoint, json=call("slow", request_id=7), headers=headers) as first,
    ):
        priming = next(first.iter_text())
    last_event_id = events(priming)[0]["id"]
    resume = {"accept": "text/event-stream", "Last-Event-ID": last_event_id}
    resumed = httpx.get(endpoint, headers=resume, timeout=30)
    assert resumed.status_code == 200
    (reply,) = events(resumed.text)
    message = json.loads(reply["data"])
    assert message["id"] == 7
    assert message["result"]["content"][0]["text"] == "done"
    again = httpx.get(endpoint, headers={**resume, "Last-Event-ID": reply["id"]}, timeout=30)
    assert again.status_code == 200
    assert again.text == ""


def test_an_unknown_last_event_id_is_404(endpoint: str) -> None:
    headers = {"accept": "text/event-stream", "Last-Event-ID": "no-such-stream.0"}
    response = httpx.get(endpoint, headers=headers)
    assert response.status_code == 404
    assert "Last-Event-ID" in response.json()["error"]["message"]


def test_a_get_without_last_event_id_is_still_405(endpoint: str) -> None:
    assert httpx.get(endpoint, headers={"accept": "text/event-stream"}).status_code == 405


def read_events(stream: httpx.Response, count: int) -> list[dict[str, str]]:
    """The first `count` events of an open stream (a block with only `retry` counts too)."""
    text = ""
    chunks = stream.iter_text()
    while len(events(text)) < count or not text.endswith("\n\n"):
        text += next(chunks)
    return events(text)


def test_legacy_sse_events_carry_ids_and_retry(endpoint: str) -> None:
    with (
        httpx.Client(timeout=30) as client,
        client.stream("GET", endpoint + "/sse", headers={"accept": "text/event-stream"}) as sse,
    ):
        retry, event = read_events(sse, 2)
    assert retry == {"retry": "1000"}
    assert event["event"] == "endpoint"
    assert event["id"].endswith(".1")
    assert event["data"].startswith("message?azmcpcs=")


def test_a_dropped_legacy_sse_stream_resumes_with_what_was_queued(endpoint: str) -> None:
    sse_headers = {"accept": "text/event-stream"}
    with httpx.Client(timeout=30) as client:
        with client.stream("GET", endpoint + "/sse", headers=sse_headers) as sse:
            _, opened = read_events(sse, 2)
        time.sleep(1)
        ping = {"jsonrpc": "2.0", "id": 5, "method": "ping"}
        posted = client.post(f"{endpoint}/{opened['data']}", json=ping, headers=ACCEPT)
        assert posted.status_code == 202
        resume = {**sse_headers, "Last-Event-ID": opened["id"]}
        with client.stream("GET", endpoint + "/sse", headers=resume) as resumed:
            retry, reply = read_events(resumed, 2)
    assert retry == {"retry": "1000"}
    assert reply["event"] == "message"
    assert reply["id"] == opened["id"].replace(".1", ".2")
    assert json.loads(reply["data"]) == {"jsonrpc": "2.0", "id": 5, "result": {}}


def test_an_unknown_legacy_last_event_id_opens_a_new_session(endpoint: str) -> None:
    headers = {"accept": "text/event-stream", "Last-Event-ID": "nosuchclient0000.3"}
    with (
        httpx.Client(timeout=30) as client,
        client.stream("GET", endpoint + "/sse", headers=headers) as sse,
    ):
        _, event = read_events(sse, 2)
    assert event["event"] == "endpoint"
    assert not event["id"].startswith("nosuchclient0000")
