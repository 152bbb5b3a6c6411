"""`python -m devhost start` as a process: start-up listing, graceful shutdown on SIGTERM and
SIGINT with in-flight work resumed after a restart, and the CLI against a running host."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devhost.cli import main
from tests.conformance.hosting import HostProcess, free_port

WEBHOOK = "/runtime/webhooks/durabletask"


def wait_status(url: str, instance_id: str, wanted: set[str], timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = httpx.get(f"{url}{WEBHOOK}/instances/{instance_id}").json()
        if body["runtimeStatus"] in wanted:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def start_instance(url: str, name: str, payload: object = None) -> str:
    response = httpx.post(f"{url}{WEBHOOK}/orchestrators/{name}", json=payload)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProcess]:
    process = HostProcess("patterns", tmp_path_factory.mktemp("hub"), free_port())
    process.wait_ready()
    yield process
    process.stop()


def cli(capsys: pytest.CaptureFixture[str], host: HostProcess, *args: str) -> str:
    assert main([args[0], "--url", host.url, *args[1:]]) == 0
    return capsys.readouterr().out


def test_start_prints_each_function_and_its_url(host):
    text = "".join(host.output)
    assert (
        f"http_start: [POST] http://localhost:{host.port}/api/orchestrators/{{functionName}}"
        in text
    )
    assert "chaining: orchestrationTrigger" in text
    assert "tick_start: timerTrigger" in text


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_shutdown_signal_checkpoints_in_flight_work_and_restart_finishes_it(tmp_path: Path, sig):
    port = free_port()
    first = HostProcess("patterns", tmp_path, port)
    first.wait_ready()
    instance_id = start_instance(first.url, "slow_steps")
    wait_status(first.url, instance_id, {"Running"})
    time.sleep(0.8)
    assert first.stop(sig) == 0
    assert "Stopped." in "".join(first.output)
    second = HostProcess("patterns", tmp_path, port)
    try:
        second.wait_ready()
        status = wait_status(second.url, instance_id, {"Completed", "Failed"})
        assert status["runtimeStatus"] == "Completed"
        assert status["output"] == [0, 1, 2]
    finally:
        second.stop()


def test_cli_list_status_and_history(capsys, host):
    instance_id = start_instance(host.url, "chaining")
    wait_status(host.url, instance_id, {"Completed"})
    listing = cli(capsys, host, "list", "--status", "Completed")
    assert instance_id in listing
    assert listing.splitlines()[0].split() == ["INSTANCE", "NAME", "STATUS", "CREATED", "UPDATED"]
    status = json.loads(cli(capsys, host, "status", instance_id))
    assert status["output"] == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
    history = cli(capsys, host, "history", instance_id)
    rows = [line for line in history.splitlines() if line.startswith("TaskCompleted")]
    assert len(rows) == 3
    assert "say_hello" in rows[0]
    assert "Hello Tokyo!" in rows[0]
    assert " ms" in rows[0] or " s " in rows[0]


def test_cli_raise_terminate_suspend_resume(capsys, host):
    waiting = start_instance(host.url, "waiter")
    wait_status(host.url, waiting, {"Running"})
    cli(capsys, host, "suspend", waiting)
    wait_status(host.url, waiting, {"Suspended"})
    cli(capsys, host, "resume", waiting)
    wait_status(host.url, waiting, {"Running"})
    cli(capsys, host, "raise", waiting, "Go", '{"ok": 1}')
    assert wait_status(host.url, waiting, {"Completed"})["output"] == {"got": {"ok": 1}}
    other = start_instance(host.url, "waiter")
    wait_status(host.url, other, {"Running"})
    cli(capsys, host, "terminate", other, "--reason", "cli says stop")
    assert wait_status(host.url, other, {"Terminated"})["output"] == "cli says stop"


def test_cli_rewind_restart_and_purge(capsys, host):
    failed = start_instance(host.url, "flaky_flow")
    wait_status(host.url, failed, {"Failed"})
    cli(capsys, host, "rewind", failed)
    assert wait_status(host.url, failed, {"Completed"})["output"] == "recovered"
    restarted = cli(capsys, host, "restart", failed).split()[-1].rstrip(".")
    assert restarted != failed
    assert "Purged 1 instance(s)." in cli(capsys, host, "purge", failed)
    assert httpx.get(f"{host.url}{WEBHOOK}/instances/{failed}").status_code == 404


def test_cli_reports_http_errors(capsys, host):
    assert main(["status", "no-such-instance", "--url", host.url]) == 1
    assert "HTTP 404" in capsys.readouterr().err
