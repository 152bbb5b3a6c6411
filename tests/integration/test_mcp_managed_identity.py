"""`auth: {managed_identity_scope: ...}` of a streamable-HTTP tool server, with the real
azure-identity ManagedIdentityCredential against a local managed-identity endpoint (the
IDENTITY_ENDPOINT / IDENTITY_HEADER pair App Service and Container Apps give an app): the
token it issues reaches the tool server as a bearer token, and an agent whose token cannot be
had, or is refused, is degraded with a message that says so."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.apphost import AppHost, tool_results
from tests.services import agent_tool_server

CLIENT_ID = "5b1f6c2e-9d1a-4c55-8f0e-2a7d3c9e4b10"
IDENTITY_SECRET = "local-identity-header"
TOKENS = {"api://docs-mcp": "token-for-docs", "api://other-app": "token-for-another-app"}
SERVER_MODULE = "tests.integration.token_checking_server"


class IdentityEndpoint:
    """A local managed-identity endpoint as App Service serves it: GET with `resource`,
    `client_id` and the `X-IDENTITY-HEADER` secret; a token for each resource of TOKENS,
    400 for any other. Every request is kept in `requests`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                secret = self.headers.get("X-IDENTITY-HEADER")
                endpoint.requests.append({**query, "secret": secret})
                token = TOKENS.get(query.get("resource", ""))
                if secret != IDENTITY_SECRET or token is None:
                    body = {
                        "error": "invalid_request",
                        "error_description": f"no token for resource {query.get('resource')}",
                    }
                    self._answer(400, body)
                    return
                expires = str(int(time.time()) + 3600)
                body = {"access_token": token, "expires_on": expires, "token_type": "Bearer"}
                self._answer(200, {**body, "resource": query["resource"]})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/msi/token"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()


def catalogue(path: Path, url: str) -> Path:
    """Three agents on one token-checking server, each asking for a token of another scope:
    the server's (accepted), another app's (refused by the server), and one the identity
    endpoint has no token for."""
    entries = [("docs", "api://docs-mcp"), ("other", "api://other-app"), ("nobody", "api://none")]
    path.write_text(
        "agents:\n"
        + "".join(
            f"""\
  - id: {agent}
    description: Who the {agent} server thinks we are.
    instructions: Quote what your tools return.
    keywords: [whoami-{agent}]
    mcp:
      transport: streamable-http
      url: {url}
      auth: {{managed_identity_scope: {scope}/.default}}
"""
            for agent, scope in entries
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def identity() -> Iterator[IdentityEndpoint]:
    endpoint = IdentityEndpoint()
    yield endpoint
    endpoint.close()


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory, identity: IdentityEndpoint
) -> Iterator[httpx.Client]:
    state = tmp_path_factory.mktemp("managed-identity")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPECTED_BEARER", TOKENS["api://docs-mcp"])
        with agent_tool_server(SERVER_MODULE) as url:
            host = AppHost(
                state,
                enforce_keys=False,
                settings={
                    "AGENTS_FILE": str(catalogue(state / "agents.yaml", url)),
                    "AZURE_CLIENT_ID": CLIENT_ID,
                    "IDENTITY_ENDPOINT": identity.url,
                    "IDENTITY_HEADER": IDENTITY_SECRET,
                    "ORCHESTRATE_WAIT_SECONDS": "60",
                },
            )
            try:
                host.wait_ready()
                with httpx.Client(base_url=host.url + "/api", timeout=90) as client:
                    yield client
            finally:
                host.stop()


def test_the_app_identitys_token_for_the_scope_reaches_the_server(
    api: httpx.Client, identity: IdentityEndpoint
):
    response = api.post("coordinator/orchestrate", json={"query": "whoami-docs"})

    assert response.status_code == 200, response.text
    result = response.json()["result"]
    [cited] = result["agents"][0]["tool_calls"]
    assert cited["tool"] == "whoami"
    [call] = tool_results(api, result["workflow_id"], "docs")
    assert call["result"] == {"accepted_token": TOKENS["api://docs-mcp"]}
    asked = [r for r in identity.requests if r.get("resource") == "api://docs-mcp"]
    assert asked, identity.requests
    assert all(r["secret"] == IDENTITY_SECRET and r["client_id"] == CLIENT_ID for r in asked)
    assert api.get("agents/docs/status").json()["status"] == "ready"


def test_a_token_the_identity_cannot_get_makes_the_agent_degraded_saying_why(api: httpx.Client):
    status = api.get("agents/nobody/status").json()

    assert status["status"] == "degraded"
    [problem] = status["problems"]
    assert "managed identity" in problem
    assert "api://none/.default" in problem
    assert "no token for resource api://none" in problem


def test_a_token_the_server_refuses_makes_the_agent_degraded_saying_why(api: httpx.Client):
    status = api.get("agents/other/status").json()

    assert status["status"] == "degraded"
    [problem] = status["problems"]
    assert "401 Unauthorized" in problem
    assert "refused the managed identity token for api://other-app/.default" in problem


def test_health_names_each_agent_without_a_usable_token(api: httpx.Client):
    health = api.get("health")

    assert health.status_code == 503
    checks = health.json()["checks"]
    assert checks["tools:docs"]["status"] == "ok"
    assert checks["tools:nobody"]["status"] != "ok"
    assert checks["tools:other"]["status"] != "ok"
