"""The official MCP conformance suite (npm `@modelcontextprotocol/conformance`, run on the Node
22 of npm's `node` package; both in package.json) against devhost's MCP endpoint serving the
repository's app and against the customer-support agent's tool server.

Every server scenario of the suite is either run here and must pass, or listed in
NOT_APPLICABLE with the reason: those scenarios call the suite's reference server's own
tools, resources and prompts (`test_simple_text`, `test://static-text`, ...), or protocol
features neither server declares. A scenario a new suite version adds fails
`test_every_scenario_of_the_suite_is_run_or_excused` until it is sorted into one list.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.apphost import REPO, AppHost
from tests.services import NODE_BIN_DIR, agent_tool_server

NODE = NODE_BIN_DIR / "node"
SUITE = REPO / "node_modules" / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"

APPLICABLE = (
    "server-initialize",
    "ping",
    "tools-list",
    "resources-list",
    "prompts-list",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
)
REFERENCE_TOOLS = "calls a tool of the suite's reference server"
REFERENCE_RESOURCES = "reads a resource of the suite's reference server"
REFERENCE_PROMPTS = "gets a prompt of the suite's reference server"
NOT_APPLICABLE = {
    "logging-set-level": "logging/setLevel: the servers do not declare the logging capability",
    "completion-complete": "completion/complete: the servers declare no completions capability",
    "tools-call-simple-text": f"{REFERENCE_TOOLS} (test_simple_text)",
    "tools-call-image": f"{REFERENCE_TOOLS} (test_image_content)",
    "tools-call-audio": f"{REFERENCE_TOOLS} (test_audio_content)",
    "tools-call-embedded-resource": f"{REFERENCE_TOOLS} (test_embedded_resource)",
    "tools-call-mixed-content": f"{REFERENCE_TOOLS} (test_multiple_content_types)",
    "tools-call-with-logging": f"{REFERENCE_TOOLS} (test_tool_with_logging)",
    "tools-call-error": f"{REFERENCE_TOOLS} (test_error_handling)",
    "tools-call-with-progress": f"{REFERENCE_TOOLS} (test_tool_with_progress)",
    "tools-call-sampling": f"{REFERENCE_TOOLS} (test_sampling)",
    "tools-call-elicitation": f"{REFERENCE_TOOLS} (test_elicitation)",
    "json-schema-2020-12": f"{REFERENCE_TOOLS} (json_schema_2020_12_tool)",
    "elicitation-sep1034-defaults": f"{REFERENCE_TOOLS} (test_elicitation_sep1034_defaults)",
    "elicitation-sep1330-enums": f"{REFERENCE_TOOLS} (test_elicitation_sep1330_enums)",
    "server-sse-polling": f"{REFERENCE_TOOLS} (test_reconnection; a pending scenario)",
    "resources-read-text": f"{REFERENCE_RESOURCES} (test://static-text)",
    "resources-read-binary": f"{REFERENCE_RESOURCES} (test://static-binary)",
    "resources-templates-read": f"{REFERENCE_RESOURCES} (test://template/{{id}}/data)",
    "resources-subscribe": "resources/subscribe: the servers declare no resource subscriptions",
    "resources-unsubscribe": "resources/unsubscribe: the servers declare no resource subscriptions",
    "prompts-get-simple": f"{REFERENCE_PROMPTS} (test_simple_prompt)",
    "prompts-get-with-args": f"{REFERENCE_PROMPTS} (test_prompt_with_arguments)",
    "prompts-get-embedded-resource": f"{REFERENCE_PROMPTS} (test_prompt_with_embedded_resource)",
    "prompts-get-with-image": f"{REFERENCE_PROMPTS} (test_prompt_with_image)",
}


def suite(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the conformance CLI on Node 22."""
    assert NODE.exists(), f"{NODE} is missing; run `make node` (npm install)"
    assert SUITE.exists(), f"{SUITE} is missing; run `make node` (npm install)"
    return subprocess.run(
        [str(NODE), str(SUITE), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_scenario(url: str, scenario: str, output: Path) -> list[dict[str, object]]:
    """The checks of one scenario against `url`, as the suite saves them."""
    done = suite("server", "--url", url, "--scenario", scenario, "-o", str(output))
    saved = list(output.glob(f"server-{scenario}-*/checks.json"))
    assert len(saved) == 1, f"no result for {scenario}:\n{done.stdout}\n{done.stderr}"
    checks: list[dict[str, object]] = json.loads(saved[0].read_text())
    return checks


def assert_passed(checks: list[dict[str, object]]) -> None:
    """Every check succeeded (at least one ran)."""
    failed = [c for c in checks if c["status"] not in ("SUCCESS", "INFO")]
    assert not failed, json.dumps(failed, indent=2)
    assert any(c["status"] == "SUCCESS" for c in checks), json.dumps(checks, indent=2)


@pytest.fixture(scope="module")
def devhost_mcp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """devhost's MCP endpoint for the repository's app, on loopback without keys, as
    `make run` serves it."""
    host = AppHost(tmp_path_factory.mktemp("conformance"), enforce_keys=False)
    host.wait_ready()
    yield f"http://127.0.0.1:{host.port}/runtime/webhooks/mcp"
    host.stop()


@pytest.fixture(scope="module")
def tool_server_mcp() -> Iterator[str]:
    """The customer-support agent's tool server, run standalone as documented."""
    with agent_tool_server("agents.customer_support.server") as url:
        yield url


def test_every_scenario_of_the_suite_is_run_or_excused() -> None:
    listing = suite("list", "--server")
    assert listing.returncode == 0, listing.stderr
    scenarios = {
        line.strip().removeprefix("- ").split(" ")[0]
        for line in listing.stdout.splitlines()
        if line.startswith("  - ")
    }
    assert scenarios == set(APPLICABLE) | set(NOT_APPLICABLE)
    assert not set(APPLICABLE) & set(NOT_APPLICABLE)


@pytest.mark.parametrize("scenario", APPLICABLE)
def test_devhost_mcp_endpoint_passes(devhost_mcp: str, scenario: str, tmp_path: Path) -> None:
    assert_passed(run_scenario(devhost_mcp, scenario, tmp_path))


@pytest.mark.parametrize("scenario", APPLICABLE)
def test_agent_tool_server_passes(tool_server_mcp: str, scenario: str, tmp_path: Path) -> None:
    assert_passed(run_scenario(tool_server_mcp, scenario, tmp_path))
