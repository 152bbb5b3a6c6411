"""Attack: instance ids that break URLs (`.`, `..`, `%2E%2E`, `../../etc/passwd`, `a/b`, a
lone surrogate, control and non-BMP characters, 10,000 characters) on every app endpoint that
takes one: the HTTP API (and its conversation-thread routes), the monitor's JSON API and the
MCP tools. Each answer is a 4xx with a JSON body (or a 2xx/4xx MCP tool result), never a 5xx
or a JSON-RPC internal error."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from tests.apphost import AppHost
from tests.security.conftest import DAN, Ledger
from tests.security.id_corpus import NAMED, corpus
from tests.security.mcp import McpSession

IDS = corpus()
HTTP_ENDPOINTS = [
    ("GET", "/api/coordinator/workflows/{id}", None),
    ("POST", "/api/coordinator/workflows/{id}/approval", {"approved": True}),
    ("GET", "/api/instances/{id}", None),
    ("DELETE", "/api/instances/{id}", None),
    ("POST", "/api/instances/{id}/terminate", None),
    ("POST", "/api/instances/{id}/raiseEvent/ping", {"n": 1}),
    ("GET", "/api/monitor/api/instances/{id}", None),
    ("POST", "/api/monitor/api/instances/{id}/approval", {"approved": True, "digest": "0" * 64}),
    ("POST", "/api/monitor/api/instances/{id}/events/ping", {"data": 1}),
    ("POST", "/api/monitor/api/instances/{id}/terminate", {}),
    ("POST", "/api/monitor/api/instances/{id}/rewind", {}),
    ("DELETE", "/api/monitor/api/instances/{id}", None),
    ("GET", "/api/coordinator/threads/{id}", None),
    ("DELETE", "/api/coordinator/threads/{id}", None),
]
MCP_TOOLS = ["get_workflow", "approve_workflow", "deny_workflow"]
HOST_LINE_LIMIT = 8000
"""Request lines longer than this are refused by the host itself (devhost: 8190 bytes, the
real host's front end: 8 KB), with its own plain answer."""


def encoded(instance_id: str) -> str:
    """The id as one percent-encoded path segment (a lone surrogate as its raw bytes, dots
    too, so that no client or server takes `.` or `..` for a dot segment)."""
    return quote(instance_id.encode("utf-8", "surrogatepass"), safe="").replace(".", "%2E")


def test_the_corpus_is_large_and_varied():
    assert len(IDS) >= 500
    assert set(NAMED) <= set(IDS)
    assert any(len(i) == 10_000 for i in IDS)
    assert any(any(0xD800 <= ord(c) <= 0xDFFF for c in i) for i in IDS)
    assert any(any(ord(c) > 0xFFFF for c in i) for i in IDS)
    assert any(any(ord(c) < 0x20 for c in i) for i in IDS)


@pytest.fixture(scope="module")
def admin(as_person) -> httpx.Client:
    """The Admin with the master key: every route lets them in, so the id is what is tested."""
    return as_person(DAN, "master")


@pytest.fixture(scope="module")
def mcp(app_host: AppHost) -> Iterator[McpSession]:
    session = McpSession(app_host, DAN)
    yield session
    session.close()


@pytest.mark.parametrize(("method", "route", "body"), HTTP_ENDPOINTS)
def test_no_id_gives_a_server_error_over_http(
    admin: httpx.Client, ledger: Ledger, method: str, route: str, body: dict | None
):
    failures = []
    # And the named ids as a careless client sends them (printable ASCII only: clients
    # refuse to put anything else into a URL unencoded).
    variants = [encoded(i) for i in IDS] + [i for i in NAMED if i.isascii() and i.isprintable()]
    for segment in variants:
        url = route.replace("{id}", segment)
        answer = admin.request(method, url, json=body) if body is not None else admin.request(method, url)
        broke = answer.status_code >= 500
        if not ledger.attack(f"break {method} {route} with an id", broke):
            failures.append((segment[:60], answer.status_code))
        elif len(url) > HOST_LINE_LIMIT:
            # The host refuses an over-long request line before any function runs.
            assert 400 <= answer.status_code < 500, (segment[:60], answer.status_code)
        elif answer.status_code >= 400 and answer.content:
            # (An empty 404 is the host's own: the raw path matched no route.)
            assert answer.headers["content-type"].startswith("application/json"), (segment, answer.text)
    assert failures == []


@pytest.mark.parametrize("tool", MCP_TOOLS)
def test_no_id_gives_an_internal_error_over_mcp(mcp: McpSession, ledger: Ledger, tool: str):
    failures = []
    for instance_id in IDS:
        status, message = mcp.call(tool, {"workflow_id": instance_id})
        error = message.get("error") or {}
        broke = status >= 500 or error.get("code") == -32603
        if not ledger.attack(f"break MCP {tool} with an id", broke):
            failures.append((instance_id[:60], status, error))
        elif "result" in message:
            assert message["result"]["isError"], (instance_id[:60], message)
    assert failures == []
