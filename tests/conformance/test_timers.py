"""Timer triggers: NCRONTAB with seconds and TimeSpan schedules, run_on_startup, no overlap of
one timer's runs, and use_monitor past-due detection across a restart."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from pathlib import Path

import pytest

from tests.conformance.hosting import running_host


def runs(log: Path, name: str) -> list[dict]:
    if not log.is_file():
        return []
    return [r for r in map(json.loads, log.read_text().splitlines()) if r["name"] == name]


@pytest.fixture
def timers_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "timers.jsonl"
    monkeypatch.setenv("TIMERS_LOG", str(log))
    return log


async def test_schedules_run_on_startup_and_no_overlap(tmp_path: Path, timers_log: Path):
    started = time.time()
    async with running_host("timers", tmp_path / "hub"):
        await asyncio.sleep(3.2)
    first = runs(timers_log, "every_second")
    assert first
    assert first[0]["start"] - started < 1.0, "run_on_startup fires at once"
    assert len(first) >= 3
    assert len(runs(timers_log, "every_interval")) >= 2
    slow = runs(timers_log, "slow")
    assert len(slow) >= 1
    for earlier, later in itertools.pairwise(slow):
        assert later["start"] >= earlier["end"] - 0.01, "one timer's runs never overlap"
    assert all(not r["past_due"] for r in first)


async def test_monitored_timer_is_past_due_after_a_missed_occurrence(
    tmp_path: Path, timers_log: Path
):
    hub = tmp_path / "hub"
    async with running_host("timers", hub):
        for _ in range(40):
            if (hub / "timers" / "monitored.json").is_file():
                break
            await asyncio.sleep(0.05)
    status = json.loads((hub / "timers" / "monitored.json").read_text())
    assert status["Next"]
    await asyncio.sleep(2.2)
    async with running_host("timers", hub):
        for _ in range(40):
            if runs(timers_log, "monitored"):
                break
            await asyncio.sleep(0.05)
    monitored = runs(timers_log, "monitored")
    past_due = [r for r in monitored if r["past_due"]]
    assert past_due, monitored
