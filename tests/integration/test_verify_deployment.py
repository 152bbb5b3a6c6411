"""scripts/verify_deployment.py against the app under devhost, as after a deployment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.apphost import KEYS, AppHost, running_app
from tests.services import free_port

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "verify_deployment.py"
HOOK = REPO / "infra" / "hooks" / "verify-deployment.sh"


def verify(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the script as a deployment hook would, with its own environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEPLOYMENT_")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The app under devhost, keys enforced."""
    with running_app(tmp_path_factory.mktemp("verify")) as host:
        yield host


def test_healthy_deployment_passes_every_check(app_host: AppHost):
    run = verify(app_host.url, "--key", KEYS["function"])
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert "PASS health: healthy" in lines
    assert "PASS agents: customer-support, smart-city, enterprise" in lines
    for agent in ("customer-support", "smart-city", "enterprise", "coordinator"):
        assert f"PASS agent {agent}: ready" in lines
    orchestrate = next(line for line in lines if line.startswith("PASS orchestrate: workflow "))
    assert "(Completed)" in orchestrate or "(Running)" in orchestrate
    assert lines[-1] == "Deployment verified."


def test_endpoint_and_key_come_from_the_environment(app_host: AppHost):
    env = {"DEPLOYMENT_ENDPOINT": app_host.url + "/", "DEPLOYMENT_FUNCTION_KEY": KEYS["function"]}
    run = verify(env=env)
    assert run.returncode == 0, run.stdout + run.stderr


def test_missing_key_fails_the_protected_checks(app_host: AppHost):
    run = verify(app_host.url)
    assert run.returncode == 1
    assert "PASS health: healthy" in run.stdout
    assert "FAIL agents: HTTP 401" in run.stdout
    assert "FAIL agent coordinator: HTTP 401" in run.stdout
    assert "FAIL orchestrate: HTTP 401" in run.stdout
    assert run.stdout.splitlines()[-1] == "Deployment verification FAILED."


def test_degraded_deployment_fails_at_the_health_check(tmp_path: Path):
    dead_tools = f"http://127.0.0.1:{free_port()}/mcp"
    with running_app(tmp_path, settings={"MCP_SMART_CITY_URL": dead_tools}) as host:
        run = verify(host.url, "--key", KEYS["function"], "--wait", "0")
    assert run.returncode == 1
    assert "FAIL health: HTTP 503" in run.stdout
    assert '"degraded"' in run.stdout
    checks = [line.split(":")[0] for line in run.stdout.splitlines()]
    assert not any(
        c.startswith(("PASS agent", "FAIL agent", "PASS orch", "FAIL orch")) for c in checks
    )


def test_unreachable_deployment_fails(tmp_path: Path):
    run = verify(f"http://127.0.0.1:{free_port()}", "--wait", "0", "--timeout", "5")
    assert run.returncode == 1
    assert "FAIL health: unreachable" in run.stdout


def test_missing_base_url_is_a_usage_error():
    run = verify()
    assert run.returncode == 2
    assert "DEPLOYMENT_ENDPOINT" in run.stderr


def test_deploy_hook_probes_the_real_health_and_reset_routes(app_host: AppHost):
    env = {**os.environ, "SERVICE_API_URI": app_host.url, "VERIFY_ATTEMPTS": "1"}
    run = subprocess.run(["sh", str(HOOK)], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"verify: {app_host.url}/api/health answered 200" in run.stdout
    assert "anonymous POST /api/manage/reset-system refused with 401" in run.stdout
