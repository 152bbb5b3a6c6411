"""Bounded graceful shutdown: after SIGTERM, running functions get the grace period
(`--shutdown-grace`), then devhost exits even if some still run; no accepted workflow is lost,
work finished within the grace period is kept, and work cut off runs again on restart."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx

from tests.conformance.hosting import HostProcess, free_port
from tests.conformance.test_process import start_instance, wait_status

GRACE_SECONDS = 3
SHORT_NAP = 1.0
LONG_NAP = 120.0


def runs(log_dir: Path, instance_id: str) -> int:
    """How many times the activity started for an instance."""
    log = log_dir / f"{instance_id}.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_sigterm_waits_the_grace_period_then_exits_losing_nothing(tmp_path: Path) -> None:
    port = free_port()
    logs = tmp_path / "runs"
    logs.mkdir()
    hub = tmp_path / "hub"
    first = HostProcess("shutdown_grace", hub, port, "--shutdown-grace", str(GRACE_SECONDS))
    first.wait_ready(timeout=60)
    short = [
        start_instance(first.url, "nap_once", {"seconds": SHORT_NAP, "log": str(logs)})
        for _ in range(3)
    ]
    long = [
        start_instance(first.url, "nap_once", {"seconds": LONG_NAP, "log": str(logs)})
        for _ in range(3)
    ]
    deadline = time.monotonic() + 20
    while not all(runs(logs, i) == 1 for i in short + long):
        assert time.monotonic() < deadline, "the activities did not all start"
        time.sleep(0.05)
    signalled = time.monotonic()
    assert first.stop(signal.SIGTERM, timeout=GRACE_SECONDS + 20) == 0
    took = time.monotonic() - signalled
    output = "".join(first.output)
    assert GRACE_SECONDS - 0.5 <= took < GRACE_SECONDS + 10, output
    assert "Stopped." in output
    assert "Abandoned 3 function call(s) still running." in output

    second = HostProcess("shutdown_grace", hub, port)
    try:
        second.wait_ready(timeout=60)
        for instance_id in short + long:
            status = wait_status(second.url, instance_id, {"Completed", "Failed"}, timeout=60)
            assert status["runtimeStatus"] == "Completed"
        # Naps that ended within the grace period were checkpointed: they did not run again.
        assert [runs(logs, i) for i in short] == [1, 1, 1]
        # Naps cut off by the end of the grace period ran again after the restart.
        assert [runs(logs, i) for i in long] == [2, 2, 2]
        outputs = [
            httpx.get(f"{second.url}/runtime/webhooks/durabletask/instances/{i}").json()
            for i in short
        ]
        assert {o["output"] for o in outputs} == {f"slept {SHORT_NAP}"}
    finally:
        second.stop()


def test_the_grace_period_must_be_a_number_of_seconds(tmp_path: Path) -> None:
    host = HostProcess("shutdown_grace", tmp_path, free_port(), "--shutdown-grace", "soon")
    assert host.process.wait(timeout=30) == 2
    assert host.stop() == 2
    assert "'soon' is not a number of seconds >= 0" in "".join(host.output)
