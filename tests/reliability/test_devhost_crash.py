"""SIGKILL devhost at random moments while coordinator workflows run and more are started over
HTTP; after the last restart every accepted workflow completes with a full answer."""

import json
import random
import time
from pathlib import Path

import httpx

from tests.apphost import AppHost

KILLS = 20
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
QUERIES = [
    {"query": "Check order ORD-2025-00012 and whether traffic in Shibuya is congested"},
    {"query": "Is SKU-10001 in stock, and what does the purchasing policy say?"},
    {"query": "health check", "query_type": "health"},
]


def _start_some(host: AppHost, rng: random.Random, accepted: list[str]) -> None:
    with httpx.Client(base_url=host.url, timeout=10) as client:
        for _ in range(rng.randint(2, 5)):
            try:
                response = client.post("/api/orchestrators/coordinator", json=rng.choice(QUERIES))
            except httpx.HTTPError:
                return
            if response.status_code == 202:
                accepted.append(response.json()["id"])


def _status(host: AppHost, instance_id: str) -> dict:
    url = f"{host.url}/runtime/webhooks/durabletask/instances/{instance_id}"
    return httpx.get(url, timeout=10).json()


def test_random_sigkills_of_devhost_lose_no_accepted_workflow(tmp_path: Path):
    rng = random.Random(42)
    accepted: list[str] = []
    for _ in range(KILLS):
        host = AppHost(tmp_path, enforce_keys=False)
        host.wait_ready()
        _start_some(host, rng, accepted)
        time.sleep(rng.uniform(0.05, 0.8))
        host.process.kill()
        host.process.wait()
    host = AppHost(tmp_path, enforce_keys=False)
    host.wait_ready()
    try:
        deadline = time.monotonic() + 300
        pending = set(accepted)
        outcomes: dict[str, dict] = {}
        while pending and time.monotonic() < deadline:
            for instance_id in list(pending):
                status = _status(host, instance_id)
                if status.get("runtimeStatus") in ("Completed", "Failed", "Terminated"):
                    outcomes[instance_id] = status
                    pending.discard(instance_id)
            time.sleep(0.5)
    finally:
        host.stop()
    report = {
        "kills": KILLS,
        "accepted": len(accepted),
        "completed": sum(1 for s in outcomes.values() if s["runtimeStatus"] == "Completed"),
        "unfinished": len(pending),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "devhost_crash_report.json").write_text(json.dumps(report, indent=2))
    print(report)
    assert accepted
    assert not pending, report
    for instance_id, status in outcomes.items():
        assert status["runtimeStatus"] == "Completed", (instance_id, status.get("output"))
        output = status["output"]
        assert output["workflow_id"] == instance_id
        assert output["status"] in ("completed", "self_test")
        assert output["agents"]
