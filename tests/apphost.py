"""`python -m devhost start` serving the repository's app on a free port, as `make run` does,
for the tests that drive the app over real HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from tests.services import free_port

REPO = Path(__file__).resolve().parents[1]
KEYS = {"master": "test-master-key", "function": "test-function-key", "system": "test-system-key"}
APP_SETTINGS = {
    "DURABLE_TASK_HUB_NAME": "httpapitests",
    # A schedule that never comes round during a test run; the tests fire the timer by hand.
    "BATCH_SWEEP_SCHEDULE": "0 0 0 1 1 *",
    "RETENTION_SCHEDULE": "0 0 0 1 1 *",
    "BATCH_SWEEP_MAX_PARALLEL": "2",
    "ORCHESTRATE_WAIT_SECONDS": "3",
    "MAX_QUERY_CHARS": "2000",
}
UNSET = (
    "AZURE_OPENAI_ENDPOINT",
    "COSMOS_ENDPOINT",
    "MCP_CUSTOMER_SUPPORT_URL",
    "MCP_SMART_CITY_URL",
    "MCP_ENTERPRISE_URL",
    "AUTH_ENABLED",
    "AUTH_TRUST_PLATFORM_PRINCIPAL",
)


class AppHost:
    """`python -m devhost start` serving the repository's app on a free port, as `make run`
    does, with its own task hub, keys and agent log under `state_dir`; `settings` add to or
    override APP_SETTINGS."""

    def __init__(
        self, state_dir: Path, *, enforce_keys: bool = True, settings: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.keys = KEYS
        hub = state_dir / "hub"
        hub.mkdir(parents=True, exist_ok=True)
        (hub / "keys.json").write_text(json.dumps(KEYS))
        env = {k: v for k, v in os.environ.items() if k not in UNSET}
        env.update(APP_SETTINGS, AGENT_LOG_SQLITE_PATH=str(state_dir / "agent_logs.sqlite3"))
        env.update(settings or {})
        command = [sys.executable, "-m", "devhost", "start", "--app-dir", str(REPO)]
        command += ["--port", str(self.port), "--hub-dir", str(hub)]
        command.append("--enforce-keys" if enforce_keys else "--no-enforce-keys")
        self.output: list[str] = []
        self.process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until the host listens; raise with its output if it does not."""
        deadline = time.monotonic() + timeout
        while not any(line.startswith("Listening on") for line in self.output):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("devhost did not start:\n" + "".join(self.output))
            time.sleep(0.05)

    def stop(self) -> None:
        """Shut the host down gracefully (SIGTERM), killing it if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def running_app(
    state_dir: Path, *, enforce_keys: bool = True, settings: dict[str, str] | None = None
) -> Iterator[AppHost]:
    """The app under devhost (as `AppHost`), ready for the `with` block and stopped after it,
    however the block ends."""
    host = AppHost(state_dir, enforce_keys=enforce_keys, settings=settings)
    host.wait_ready()
    try:
        yield host
    finally:
        host.stop()


def tool_results(
    client: httpx.Client, workflow_id: str, agent: str, system_key: str | None = None
) -> list[dict[str, Any]]:
    """The agent's tool calls in the workflow with their full results, in the order they
    ended, read as a user reads them: the history of `{workflow id}:{agent}` through the
    Durable HTTP API with `showHistoryOutput`, on the host `client` talks to."""
    instance = quote(f"{workflow_id}:{agent}", safe="")
    url = client.base_url.copy_with(path=f"/runtime/webhooks/durabletask/instances/{instance}")
    params = {"showHistory": "true", "showHistoryOutput": "true"}
    if system_key is not None:
        params["code"] = system_key
    # Not through `client`: the system key must not meet the client's own key header.
    response = httpx.get(url, params=params, timeout=30)
    assert response.status_code == 200, (response.status_code, response.text)
    return [
        e["Result"]
        for e in response.json()["historyEvents"]
        if e["EventType"] == "TaskCompleted" and e.get("FunctionName") == "mcp_tool"
    ]
