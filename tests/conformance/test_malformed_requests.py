"""Malformed requests to devhost's own endpoints (MCP, the Durable webhooks, entities, admin)
are refused with a 4xx and a JSON body that says why, never a bare 500: JSON nested 10,000
levels deep, bodies that are not UTF-8, continuation tokens devhost never issued, and
oversized headers, whose content (often a credential) never reaches the log."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conformance.hosting import HostProcess, free_port

WEBHOOK = "/runtime/webhooks/durabletask"
MCP = "/runtime/webhooks/mcp"
JSON = {"content-type": "application/json"}
MCP_HEADERS = {**JSON, "accept": "application/json, text/event-stream"}
BODIES = {
    "deep-array": ("[" * 10_000 + "]" * 10_000).encode(),
    "deep-object": ('{"a":' * 10_000 + "1" + "}" * 10_000).encode(),
    "not-utf8": b'{"text": "\xff\xfe"}',
}
REASONS = {
    "deep-array": "nested too deeply",
    "deep-object": "nested too deeply",
    "not-utf8": "not valid UTF-8",
}


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProcess]:
    """devhost serving the transport test app (MCP tools and an orchestration)."""
    process = HostProcess("mcp_transport", tmp_path_factory.mktemp("hub"), free_port())
    process.wait_ready(timeout=60)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def waiting_instance(host: HostProcess) -> str:
    """An orchestration instance that waits for an event, so raiseEvent reads the body."""
    started = httpx.post(f"{host.url}{WEBHOOK}/orchestrators/waits")
    assert started.status_code == 202
    instance_id = str(started.json()["id"])
    deadline = time.monotonic() + 20
    while httpx.get(f"{host.url}{WEBHOOK}/instances/{instance_id}").json()["runtimeStatus"] != (
        "Running"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return instance_id


def endpoints(instance_id: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Every devhost endpoint that reads a JSON body, with the headers it needs."""
    return {
        "mcp": (MCP, MCP_HEADERS),
        "mcp-legacy-message": (f"{MCP}/message?azmcpcs=client%7Cinstance", JSON),
        "start": (f"{WEBHOOK}/orchestrators/waits", JSON),
        "start-with-id": (f"{WEBHOOK}/orchestrators/waits/fresh-id", JSON),
        "raise-event": (f"{WEBHOOK}/instances/{instance_id}/raiseEvent/go", JSON),
        "signal-entity": (f"{WEBHOOK}/entities/counter/one?op=add", JSON),
        "admin-invoke": ("/admin/functions/record", JSON),
    }


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize(
    "endpoint",
    [
        "mcp",
        "mcp-legacy-message",
        "start",
        "start-with-id",
        "raise-event",
        "signal-entity",
        "admin-invoke",
    ],
)
def test_a_malformed_body_is_a_400_with_a_json_reason(
    host: HostProcess, waiting_instance: str, endpoint: str, body: str
) -> None:
    path, headers = endpoints(waiting_instance)[endpoint]
    response = httpx.post(host.url + path, headers=headers, content=BODIES[body], timeout=30)
    assert response.status_code == 400, response.text
    answer = response.json()
    if endpoint == "mcp":
        assert answer["error"]["message"].startswith("Bad Request")
    elif endpoint == "mcp-legacy-message":
        assert answer == "No message in request body."
    else:
        assert REASONS[body] in json.dumps(answer)
    status = httpx.get(f"{host.url}{WEBHOOK}/instances/{waiting_instance}").json()
    assert status["runtimeStatus"] == "Running"


@pytest.mark.parametrize(
    "token",
    [
        "!!!",
        "not base64 at all",
        base64.urlsafe_b64encode(b"[]").decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b'["yesterday", "id"]').decode(),
        base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(("[" * 10_000).encode()).decode(),
    ],
)
def test_a_malformed_continuation_token_is_a_400(host: HostProcess, token: str) -> None:
    response = httpx.get(
        f"{host.url}{WEBHOOK}/instances", headers={"x-ms-continuation-token": token}
    )
    assert response.status_code == 400
    assert response.json() == {"Message": "The continuation token is not valid."}


def test_a_continuation_token_devhost_issued_still_pages(
    host: HostProcess, waiting_instance: str
) -> None:
    for _ in range(2):
        assert httpx.post(f"{host.url}{WEBHOOK}/orchestrators/waits").status_code == 202
    first = httpx.get(f"{host.url}{WEBHOOK}/instances", params={"top": 1})
    token = first.headers["x-ms-continuation-token"]
    second = httpx.get(
        f"{host.url}{WEBHOOK}/instances",
        params={"top": 1},
        headers={"x-ms-continuation-token": token},
    )
    assert second.status_code == 200
    assert [i["instanceId"] for i in second.json()] != [i["instanceId"] for i in first.json()]


@pytest.mark.parametrize("path", [MCP, f"{WEBHOOK}/instances", "/admin/host/status"])
def test_headers_over_32_kb_are_a_431_and_never_logged(host: HostProcess, path: str) -> None:
    secret = "oversized-credential-" + "x" * 40_000
    response = httpx.get(host.url + path, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 431
    assert "32768" in response.json()["Message"]
    assert secret[:30] not in response.text
    time.sleep(0.2)
    assert "oversized-credential" not in "".join(host.output)


def test_a_header_past_the_parser_limit_is_refused_and_not_logged(host: HostProcess) -> None:
    secret = "parser-credential-" + "y" * 100_000
    response = httpx.get(f"{host.url}{MCP}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 400
    time.sleep(0.2)
    output = "".join(host.output)
    assert "parser-credential" not in output
    assert "Refused a malformed HTTP request (LineTooLong, status 400)" in output


def test_a_large_but_allowed_authorization_header_is_served(host: HostProcess) -> None:
    token = "z" * 20_000
    response = httpx.get(f"{host.url}{WEBHOOK}/instances", headers={"Authorization": token})
    assert response.status_code == 200
    assert token[:50] not in "".join(host.output)
