"""The coordinator's MCP tools over real HTTP, with the `mcp` client, against devhost's MCP
extension endpoint (`/runtime/webhooks/mcp`) serving the repository's app with keys enforced.

A second, tiny app (written into a temporary directory) checks what the extension itself does
whatever the tools: the invocation context a function receives, the return-value rules,
host.json settings and anonymous access.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import CallToolResult, TextContent

from core.auth import APPROVER, OPERATOR
from tests.apphost import KEYS, REPO, AppHost, running_app, tool_results
from tests.platform_principal import AUTH_SETTINGS, as_user
from tests.services import free_port

MCP_PATH = "/runtime/webhooks/mcp"
MCP_KEY = "test-mcp-extension-key"
TWO_AGENT_QUERY = (
    "What is the status of order ORD-2025-00012 for customer CUST-0028, and is SKU-10001 in stock?"
)
APPROVAL_QUERY = "Update ticket TCK-10002 to resolved"
TOOLS = {"ask_agents", "get_workflow", "approve_workflow", "deny_workflow", "list_agents"}
ACCEPT = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "raw-test", "version": "0"},
    },
}


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The repository's app under devhost, keys enforced, with a known mcp_extension key."""
    with running_app(tmp_path_factory.mktemp("mcp"), settings={"DEVHOST_MCP_KEY": MCP_KEY}) as host:
        yield host


@asynccontextmanager
async def connect(host: AppHost, key: str = MCP_KEY) -> AsyncIterator[Client]:
    """An MCP client over streamable HTTP that sends `key` in `x-functions-key`."""
    async with (
        httpx2.AsyncClient(
            headers={"x-functions-key": key}, timeout=httpx2.Timeout(30, read=120)
        ) as http,
        Client(streamable_http_client(host.url + MCP_PATH, http_client=http)) as client,
    ):
        yield client


def structured(result: CallToolResult) -> dict[str, Any]:
    """The structured content of a result, checked against its JSON text."""
    assert isinstance(result.content[0], TextContent)
    assert json.loads(result.content[0].text) == result.structured_content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def poll(client: Client, workflow_id: str, done: Any, timeout: float = 60) -> dict[str, Any]:
    """`get_workflow` until `done(view)` holds."""
    deadline = time.monotonic() + timeout
    while True:
        view = structured(await client.call_tool("get_workflow", {"workflow_id": workflow_id}))
        if done(view) or time.monotonic() > deadline:
            return view
        await asyncio.sleep(0.2)


async def test_lists_the_tools_with_complete_input_schemas(app_host: AppHost) -> None:
    async with connect(app_host) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        info = client.server_info
        instructions = client.session.initialize_result.instructions
    assert set(tools) == TOOLS
    ask = tools["ask_agents"].input_schema
    assert ask["required"] == ["query"]
    assert ask["properties"]["query"]["type"] == "string"
    assert "health" in ask["properties"]["query_type"]["description"]
    assert ask["properties"]["budget_tokens"]["type"] == "integer"
    assert ask["properties"]["wait_seconds"]["type"] == "number"
    assert ask["properties"]["context"]["type"] == "object"
    assert all(p["description"] for p in ask["properties"].values())
    assert tools["approve_workflow"].input_schema["required"] == ["workflow_id"]
    assert tools["list_agents"].input_schema == {"type": "object", "properties": {}, "required": []}
    assert (info.name, info.version) == ("durable-agent-coordinator", "1.0.0")
    assert instructions
    assert "specialist agents" in instructions


async def test_ask_agents_returns_the_answer_when_it_comes_in_time(app_host: AppHost) -> None:
    async with connect(app_host) as client:
        result = await client.call_tool(
            "ask_agents", {"query": TWO_AGENT_QUERY, "wait_seconds": 60}
        )
    view = structured(result)
    assert not result.is_error
    assert view["runtime_status"] == "Completed"
    assert view["answer"] == view["result"]["answer"]
    assert {a["agent"] for a in view["result"]["agents"]} == {"customer-support", "enterprise"}
    assert view["workflow_url"] == f"{app_host.url}/api/coordinator/workflows/{view['workflow_id']}"


async def test_ask_agents_returns_the_workflow_to_follow_when_it_takes_longer(
    app_host: AppHost,
) -> None:
    async with connect(app_host) as client:
        view = structured(
            await client.call_tool("ask_agents", {"query": TWO_AGENT_QUERY, "wait_seconds": 0})
        )
        assert view["runtime_status"] in ("Pending", "Running")
        assert "get_workflow" in view["next_step"]
        done = await poll(client, view["workflow_id"], lambda v: v["runtime_status"] == "Completed")
    assert done["answer"]
    headers = {"x-functions-key": KEYS["function"]}
    async with httpx.AsyncClient(headers=headers) as http:
        followed = (await http.get(view["workflow_url"])).json()
    assert followed["runtime_status"] == "Completed"


def waits_for_a_tool_call(view: dict) -> bool:
    waiting = (view.get("progress") or {}).get("pending_approvals") or []
    return any(p["kind"] == "tool_call" for p in waiting)


async def test_approve_workflow_sends_the_callers_decision(app_host: AppHost) -> None:
    async with connect(app_host) as client:
        args = {"query": APPROVAL_QUERY, "require_approval": True, "wait_seconds": 30}
        view = structured(await client.call_tool("ask_agents", args))
        assert view["phase"] == "awaiting_approval"
        assert "approve_workflow" in view["next_step"]
        digest = view["progress"]["plan_digest"]
        decision = {"workflow_id": view["workflow_id"], "approver": "alice@example.com"}
        accepted = structured(
            await client.call_tool(
                "approve_workflow", {**decision, "comment": "ok", "digest": digest}
            )
        )
        # The plan lists no writes: the agent's update waits for an approval of its own.
        gated = await poll(client, view["workflow_id"], waits_for_a_tool_call)
        (call,) = gated["progress"]["pending_approvals"]
        assert (call["tool"], call["arguments"]["ticket_id"]) == ("update_ticket", "TCK-10002")
        update = structured(
            await client.call_tool(
                "approve_workflow", {**decision, "approval_id": call["approval_id"]}
            )
        )
        done = await poll(client, view["workflow_id"], lambda v: v["runtime_status"] == "Completed")
    assert accepted["approved"] is True
    assert accepted["approver"] == "alice@example.com"
    assert accepted["digest"] == digest
    assert (update["kind"], update["approval_instance_id"]) == ("tool_call", call["approval_id"])
    assert done["result"]["approval"]["approver"] == "alice@example.com"
    assert done["result"]["status"] in ("completed", "partial")
    calls = [c for a in done["result"]["agents"] for c in a["tool_calls"]]
    cited = next(c for c in calls if c["tool"] == "update_ticket")
    assert cited.get("error") is None
    with httpx.Client(base_url=app_host.url) as http:
        ran = tool_results(http, view["workflow_id"], "customer-support", KEYS["system"])
    updated = next(c for c in ran if c["tool"] == "update_ticket")
    assert updated["result"]["ticket"]["ticket_id"] == "TCK-10002"


async def test_deny_workflow_ends_the_workflow_without_acting(app_host: AppHost) -> None:
    async with connect(app_host) as client:
        args = {"query": APPROVAL_QUERY, "require_approval": True, "wait_seconds": 30}
        view = structured(await client.call_tool("ask_agents", args))
        refused = await client.call_tool("deny_workflow", {"workflow_id": view["workflow_id"]})
        assert refused.is_error
        assert structured(refused)["detail"][0]["field"] == "approver"
        wrong = {"workflow_id": view["workflow_id"], "approver": "bob", "digest": "0" * 64}
        mismatch = await client.call_tool("deny_workflow", wrong)
        assert structured(mismatch)["error"] == "conflict"
        await client.call_tool("deny_workflow", {**wrong, "digest": None})
        done = await poll(client, view["workflow_id"], lambda v: v["runtime_status"] == "Completed")
        again = await client.call_tool("approve_workflow", {**wrong, "digest": None})
    assert done["result"]["status"] == "denied"
    assert done["result"]["approval"]["approver"] == "bob"
    assert again.is_error
    assert structured(again)["error"] == "conflict"


async def test_list_agents_names_each_agent_and_its_tools(app_host: AppHost) -> None:
    async with connect(app_host) as client:
        view = structured(await client.call_tool("list_agents", {}))
    agents = {a["id"]: a for a in view["agents"]}
    assert set(agents) == {"customer-support", "smart-city", "enterprise"}
    tools = {t["name"]: t for t in agents["smart-city"]["tools"]}
    assert "list_sensor_anomalies" in tools
    assert tools["list_sensor_anomalies"]["read_only"] is True
    assert tools["list_sensor_anomalies"]["input_schema"]["type"] == "object"


async def test_missing_required_argument_is_refused_before_the_function_runs(
    app_host: AppHost,
) -> None:
    async with connect(app_host) as client:
        with pytest.raises(MCPError) as missing:
            await client.call_tool("ask_agents", {"wait_seconds": 0})
        with pytest.raises(MCPError) as null:
            await client.call_tool("get_workflow", {"workflow_id": None})
    assert missing.value.code == -32602
    assert missing.value.message.endswith("Please provide: query")
    assert null.value.code == -32602


async def test_invalid_arguments_come_back_as_error_results_naming_them(app_host: AppHost) -> None:
    async with connect(app_host) as client:
        bad_type = await client.call_tool("ask_agents", {"query": "hi", "query_type": "weather"})
        blank = await client.call_tool("ask_agents", {"query": "   "})
        unknown = await client.call_tool("get_workflow", {"workflow_id": "x", "verbose": True})
        missing = await client.call_tool("get_workflow", {"workflow_id": "no-such-workflow"})
    assert bad_type.is_error
    assert structured(bad_type)["detail"][0]["field"] == "query_type"
    assert blank.is_error
    assert structured(blank)["detail"][0]["field"] == "query"
    assert unknown.is_error
    assert structured(unknown)["detail"][0]["field"] == "verbose"
    assert missing.is_error
    assert structured(missing)["error"] == "not_found"


async def test_unknown_tool_is_an_invalid_params_error(app_host: AppHost) -> None:
    async with connect(app_host) as client:
        with pytest.raises(MCPError) as unknown:
            await client.call_tool("delete_everything", {})
    assert unknown.value.code == -32602
    assert unknown.value.message == "Unknown tool: 'delete_everything'"


def test_the_endpoint_takes_the_mcp_extension_key_or_the_master_key(app_host: AppHost) -> None:
    url = app_host.url + MCP_PATH
    assert httpx.post(url, json=INITIALIZE, headers=ACCEPT).status_code == 401
    wrong = {**ACCEPT, "x-functions-key": KEYS["function"]}
    assert httpx.post(url, json=INITIALIZE, headers=wrong).status_code == 401
    for key in (MCP_KEY, KEYS["master"]):
        answer = httpx.post(url, params={"code": key}, json=INITIALIZE, headers=ACCEPT)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        event = answer.text.strip().splitlines()
        assert event[0].startswith("id: ")
        assert event[1] == "event: message"
        assert (
            json.loads(event[2].removeprefix("data: "))["result"]["protocolVersion"] == "2025-06-18"
        )
        client_id, instance = answer.headers["mcp-session-id"].split("|")
        assert len(client_id) == 16
        assert instance


def test_streamable_http_rules_of_the_extension(app_host: AppHost) -> None:
    url = app_host.url + MCP_PATH
    key = {"x-functions-key": MCP_KEY}
    json_only = httpx.post(url, json=INITIALIZE, headers={**key, "accept": "application/json"})
    assert json_only.status_code == 406
    assert json_only.json()["error"]["message"].startswith("Not Acceptable")
    assert httpx.get(url, headers=key).status_code == 405
    assert httpx.delete(url, headers=key).status_code == 405
    bad_session = {**ACCEPT, **key, "mcp-session-id": "not-a-client-state"}
    ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
    assert httpx.post(url, json=ping, headers=bad_session).status_code == 400
    note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    assert httpx.post(url, json=note, headers={**ACCEPT, **key}).status_code == 202
    reply = {"jsonrpc": "2.0", "id": "ping-1", "result": {}}
    assert httpx.post(url, json=reply, headers={**ACCEPT, **key}).status_code == 202
    garbage = httpx.post(url, content=b"[1, 2]", headers={**ACCEPT, **key})
    assert garbage.status_code == 400
    unknown = httpx.post(
        url, json={**ping, "method": "sampling/nothing"}, headers={**ACCEPT, **key}
    )
    assert '"code": -32601' in unknown.text


def test_ask_agents_from_a_foreign_origin_starts_no_workflow(app_host: AppHost) -> None:
    instances = f"{app_host.url}/runtime/webhooks/durabletask/instances"
    system = {"x-functions-key": KEYS["system"]}
    before = len(httpx.get(instances, headers=system).json())
    call = {
        "jsonrpc": "2.0",
        "id": 3,
        "method": "tools/call",
        "params": {"name": "ask_agents", "arguments": {"query": TWO_AGENT_QUERY}},
    }
    headers = {**ACCEPT, "x-functions-key": MCP_KEY, "Origin": "http://evil.example.com"}
    refused = httpx.post(app_host.url + MCP_PATH, json=call, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith("Forbidden")
    time.sleep(1)
    assert len(httpx.get(instances, headers=system).json()) == before


async def test_legacy_sse_transport_serves_the_same_tools(app_host: AppHost) -> None:
    url = f"{app_host.url}{MCP_PATH}/sse?code={MCP_KEY}"
    async with Client(sse_client(url)) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        missing = await client.call_tool("get_workflow", {"workflow_id": "nowhere"})
    assert tools == TOOLS
    assert structured(missing)["error"] == "not_found"


def test_legacy_message_endpoint_refuses_unknown_sessions(app_host: AppHost) -> None:
    url = f"{app_host.url}{MCP_PATH}/message"
    key = {"x-functions-key": MCP_KEY}
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    no_state = httpx.post(url, json=ping, headers=key)
    assert no_state.status_code == 400
    assert "Missing service context" in no_state.json()
    stale = httpx.post(url, params={"azmcpcs": "abc|old-instance"}, json=ping, headers=key)
    assert stale.status_code == 400
    assert "No active session for client 'abc'" in stale.json()


# With authentication on, behind the platform's built-in authentication.


@pytest.fixture(scope="module")
def secured_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The app with authentication on (platform principal trusted), keys not enforced."""
    with running_app(
        tmp_path_factory.mktemp("mcp_auth"), enforce_keys=False, settings=AUTH_SETTINGS
    ) as host:
        yield host


@asynccontextmanager
async def connect_as(host: AppHost, headers: dict[str, str]) -> AsyncIterator[Client]:
    """An MCP client whose requests carry `headers`."""
    async with (
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=120)) as http,
        Client(streamable_http_client(host.url + MCP_PATH, http_client=http)) as client,
    ):
        yield client


async def test_tools_check_the_callers_roles_and_record_the_verified_approver(
    secured_host: AppHost,
) -> None:
    async with connect_as(secured_host, {}) as anonymous:
        refused = await anonymous.call_tool("list_agents", {})
    assert refused.is_error
    assert structured(refused)["error"] == "unauthorized"
    args = {"query": APPROVAL_QUERY, "require_approval": True, "wait_seconds": 30}
    async with connect_as(secured_host, as_user("olga", OPERATOR)) as operator:
        view = structured(await operator.call_tool("ask_agents", args))
        decision = {"workflow_id": view["workflow_id"], "approver": "mallory"}
        forbidden = await operator.call_tool("approve_workflow", decision)
    assert forbidden.is_error
    assert structured(forbidden)["error"] == "forbidden"
    async with connect_as(secured_host, as_user("amir", APPROVER)) as approver:
        accepted = structured(await approver.call_tool("approve_workflow", decision))
    assert accepted["approver"] == "amir"


# The extension's own behaviour, on an app with tools written for the test.

ECHO_APP = """
import json

import azure.functions as func

app = func.FunctionApp()


@app.mcp_tool_trigger(arg_name="context", tool_name="echo", description="Echo the call.",
    tool_properties=json.dumps([
        {"propertyName": "text", "propertyType": "string", "description": "What to echo.",
         "isRequired": True, "isArray": False},
        {"propertyName": "tags", "propertyType": "string", "description": "Labels.",
         "isRequired": False, "isArray": True, "enumValues": ["a", "b"]}]))
def echo(context: str) -> str:
    return context


@app.mcp_tool_trigger(arg_name="context", tool_name="nothing", description="Returns None.")
def nothing(context: str) -> None:
    return None


@app.mcp_tool_trigger(arg_name="context", tool_name="blocks", description="Two blocks.",
    use_result_schema=True)
def blocks(context: str) -> str:
    content = [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}]
    return json.dumps({"type": "multi_content_result", "content": json.dumps(content),
                       "structuredContent": json.dumps({"n": 2})})


@app.mcp_tool_trigger(arg_name="context", tool_name="broken", description="Bad envelope.",
    use_result_schema=True)
def broken(context: str) -> str:
    return "not an envelope"


@app.mcp_tool_trigger(arg_name="context", tool_name="fails", description="Raises.")
def fails(context: str) -> str:
    raise RuntimeError("boom")
"""

ECHO_HOST_JSON = {
    "version": "2.0",
    "extensions": {
        "mcp": {
            "serverName": "%ECHO_SERVER_NAME%",
            "system": {"webhookAuthorizationLevel": "Anonymous"},
        }
    },
}


@pytest.fixture(scope="module")
def echo_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """devhost with keys enforced on an app of test tools whose MCP endpoint is anonymous."""
    app_dir = tmp_path_factory.mktemp("echo_app")
    (app_dir / "function_app.py").write_text(textwrap.dedent(ECHO_APP))
    (app_dir / "host.json").write_text(json.dumps(ECHO_HOST_JSON))
    port = free_port()
    command = [sys.executable, "-m", "devhost", "start", "--app-dir", str(app_dir)]
    command += ["--port", str(port), "--enforce-keys"]
    env = {**os.environ, "ECHO_SERVER_NAME": "echo-server"}
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(process.stdout or []), daemon=True).start()
    deadline = time.monotonic() + 60
    while not any(line.startswith("Listening on") for line in output):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("devhost did not start:\n" + "".join(output))
        time.sleep(0.05)
    assert any(line.startswith("MCP server endpoint:") for line in output)
    yield f"http://127.0.0.1:{port}{MCP_PATH}"
    process.terminate()
    process.wait(timeout=30)


def text_of(result: CallToolResult) -> list[str]:
    """The text of each content block."""
    return [block.text for block in result.content if isinstance(block, TextContent)]


async def test_function_gets_the_extensions_invocation_context(echo_host: str) -> None:
    async with Client(echo_host) as client:
        result = await client.call_tool("echo", {"text": "hi", "tags": ["a"]})
        info = client.server_info
    context = json.loads(text_of(result)[0])
    assert info.name == "echo-server"
    assert context["name"] == "echo"
    assert context["arguments"] == {"text": "hi", "tags": ["a"]}
    assert context["transport"]["name"] == "http-streamable"
    headers = {k.lower(): v for k, v in context["transport"]["properties"]["headers"].items()}
    assert context["sessionid"] == context["transport"]["sessionId"] == headers["mcp-session-id"]
    # A streamable HTTP request starts a stateless session: the extension has no client info.
    assert "clientinfo" not in context


async def test_legacy_sse_invocation_carries_the_client_info(echo_host: str) -> None:
    async with Client(sse_client(echo_host + "/sse")) as client:
        result = await client.call_tool("echo", {"text": "hi"})
    context = json.loads(text_of(result)[0])
    assert context["transport"]["name"] == "http-sse"
    assert context["clientinfo"]["name"] == "mcp"
    assert context["sessionid"]


async def test_return_values_follow_the_extensions_rules(echo_host: str) -> None:
    async with Client(echo_host) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        nothing = await client.call_tool("nothing", {})
        blocks = await client.call_tool("blocks", {})
        broken = await client.call_tool("broken", {})
        fails = await client.call_tool("fails", {})
    tags = tools["echo"].input_schema["properties"]["tags"]
    assert tags == {
        "type": "array",
        "items": {"type": "string", "enum": ["a", "b"]},
        "description": "Labels.",
    }
    assert tools["nothing"].input_schema == {"type": "object", "properties": {}, "required": []}
    assert text_of(nothing) == [""]
    assert text_of(blocks) == ["one", "two"]
    assert blocks.structured_content == {"n": 2}
    assert broken.is_error
    assert text_of(broken) == ["An error occurred invoking 'broken'."]
    assert fails.is_error
    assert text_of(fails) == ["An error occurred invoking 'fails'."]
