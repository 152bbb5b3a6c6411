"""Verify a deployment of the coordinator: health, every agent's status, and a coordinator run.

    python scripts/verify_deployment.py [BASE_URL] [--key KEY] [--wait SECONDS]

BASE_URL is the app's origin (`https://<app>.azurecontainerapps.io`, `http://localhost:7071`),
defaulting to $DEPLOYMENT_ENDPOINT; the function key defaults to $DEPLOYMENT_FUNCTION_KEY and
is needed wherever the host enforces keys (Azure). Standard library only, so it runs in a
deployment hook before anything is installed. Exit status: 0 when every check passed, 1 when
any failed, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

COORDINATOR = "coordinator"
PROBE_REQUEST = {"query": "deployment verification test", "query_type": "system_test"}
KEY_HEADER = "x-functions-key"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, parsed JSON body (None when not JSON) and raw text."""

    status: int
    body: Any
    text: str


@dataclass(frozen=True)
class Outcome:
    """One check's verdict."""

    name: str
    passed: bool
    message: str


class Api:
    """The app's HTTP API under its route prefix, called with the function key if given."""

    def __init__(self, base_url: str, key: str | None, prefix: str, timeout: float) -> None:
        prefix = prefix.strip("/")
        self.root = base_url.rstrip("/") + "/" + (f"{prefix}/" if prefix else "")
        self.key = key
        self.timeout = timeout
        host = urllib.parse.urlsplit(base_url).hostname or ""
        # A proxy from the environment must not carry requests meant for this machine.
        handlers = [urllib.request.ProxyHandler({})] if _is_local(host) else []
        self._opener = urllib.request.build_opener(*handlers)

    def call(self, method: str, path: str, body: Any = None) -> Reply:
        """`method` the API `path` with a JSON `body`; network failures raise OSError."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.key:
            headers[KEY_HEADER] = self.key
        request = urllib.request.Request(self.root + path, data, headers, method=method)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return _reply(response.status, response.read())
        except urllib.error.HTTPError as error:
            return _reply(error.code, error.read())


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reply(status: int, raw: bytes) -> Reply:
    text = raw.decode("utf-8", errors="replace")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    return Reply(status, body, text)


def _field(reply: Reply, name: str) -> Any:
    return reply.body.get(name) if isinstance(reply.body, dict) else None


def _describe(reply: Reply) -> str:
    return f"HTTP {reply.status}: {reply.text[:300]}"


def check_health(api: Api, wait: float) -> Outcome:
    """`GET /health` answers 200 with status healthy, retried for up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            reply = api.call("GET", "health")
            if reply.status == 200 and _field(reply, "status") == "healthy":
                return Outcome("health", True, "healthy")
            problem = _describe(reply)
        except OSError as error:
            problem = f"unreachable: {error}"
        if time.monotonic() >= deadline:
            return Outcome("health", False, problem)
        time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))


def check_agent(api: Api, agent: str) -> Outcome:
    """`GET /agents/{agent}/status` answers 200 with status ready."""
    name = f"agent {agent}"
    try:
        reply = api.call("GET", f"agents/{agent}/status")
    except OSError as error:
        return Outcome(name, False, f"unreachable: {error}")
    if reply.status == 200 and _field(reply, "status") == "ready":
        return Outcome(name, True, "ready")
    return Outcome(name, False, _describe(reply))


def check_orchestrate(api: Api) -> Outcome:
    """`POST /coordinator/orchestrate` with a self-test request answers 200 or 202 with a
    workflow id; a finished self-test must report no failed agent."""
    name = "orchestrate"
    try:
        reply = api.call("POST", "coordinator/orchestrate", PROBE_REQUEST)
    except OSError as error:
        return Outcome(name, False, f"unreachable: {error}")
    workflow_id = _field(reply, "workflow_id")
    if reply.status not in (200, 202) or not workflow_id:
        return Outcome(name, False, _describe(reply))
    result = _field(reply, "result")
    failed = result.get("failed_agents") if isinstance(result, dict) else None
    if failed:
        return Outcome(name, False, f"workflow {workflow_id}: self-test failed for {failed}")
    state = _field(reply, "status") or "unknown"
    return Outcome(name, True, f"workflow {workflow_id} ({state})")


def catalogue_agents(api: Api) -> tuple[list[str], Outcome]:
    """The agent ids `GET /agents` lists (the deployed catalogue), and that check's verdict."""
    name = "agents"
    try:
        reply = api.call("GET", "agents")
    except OSError as error:
        return [], Outcome(name, False, f"unreachable: {error}")
    listed = _field(reply, "agents")
    if reply.status != 200 or not isinstance(listed, list) or not listed:
        return [], Outcome(name, False, _describe(reply))
    ids = [str(agent.get("id")) for agent in listed if isinstance(agent, dict)]
    return ids, Outcome(name, True, ", ".join(ids))


def verify(api: Api, wait: float) -> list[Outcome]:
    """Every check, in order; the rest are skipped when the app is not healthy."""
    health = check_health(api, wait)
    if not health.passed:
        return [health]
    agents, listing = catalogue_agents(api)
    checks = [check_agent(api, agent) for agent in [*agents, COORDINATOR]]
    return [health, listing, *checks, check_orchestrate(api)]


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default=os.environ.get("DEPLOYMENT_ENDPOINT"))
    parser.add_argument("--key", default=os.environ.get("DEPLOYMENT_FUNCTION_KEY"))
    parser.add_argument("--route-prefix", default="api", help="host.json routePrefix")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for health")
    args = parser.parse_args(argv)
    if not args.base_url:
        parser.error("give the base URL or set DEPLOYMENT_ENDPOINT")
    if urllib.parse.urlsplit(args.base_url).scheme not in ("http", "https"):
        parser.error(f"the base URL must be http(s)://...: {args.base_url}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the checks and print one line each; 0 when all passed, else 1."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    api = Api(args.base_url, args.key, args.route_prefix, args.timeout)
    print(f"Verifying {api.root}")
    outcomes = verify(api, args.wait)
    for outcome in outcomes:
        print(f"{'PASS' if outcome.passed else 'FAIL'} {outcome.name}: {outcome.message}")
    passed = all(o.passed for o in outcomes)
    print("Deployment verified." if passed else "Deployment verification FAILED.")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
