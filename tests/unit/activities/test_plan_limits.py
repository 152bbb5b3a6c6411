"""`plan` gives the run its limits: those the input names, capped by the settings, so an input
(which may come through the Durable webhooks) lowers them but never raises them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from activities.planning import plan
from core.agent_logs import get_agent_log_store
from core.models import CoordinatorRequest, PlanInput, PlanOutput, WorkflowLimits
from core.settings import get_settings

SETTINGS = {
    "DEFAULT_BUDGET_TOKENS": "8000",
    "MAX_AGENT_STEPS": "3",
    "APPROVAL_TIMEOUT_SECONDS": "60",
}


@pytest.fixture(autouse=True)
def operator_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AZURE_OPENAI_ENDPOINT", raising=False)
    monkeypatch.delenv("COSMOS_ENDPOINT", raising=False)
    monkeypatch.setenv("AGENT_LOG_SQLITE_PATH", str(tmp_path / "logs.sqlite3"))
    for name, value in SETTINGS.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_agent_log_store.cache_clear()
    yield
    get_settings.cache_clear()
    get_agent_log_store.cache_clear()


async def limits_of(asked: WorkflowLimits) -> WorkflowLimits:
    work = PlanInput(
        workflow_id="wf-1", request=CoordinatorRequest(query="Is SKU-10001 in stock?"), limits=asked
    )
    return PlanOutput.model_validate(await plan(work.model_dump(mode="json"))).limits


async def test_limits_above_the_settings_are_capped() -> None:
    asked = WorkflowLimits(
        default_budget_tokens=10**12, max_steps=50, approval_timeout_seconds=10**6
    )
    assert await limits_of(asked) == WorkflowLimits(
        default_budget_tokens=8000, max_steps=3, approval_timeout_seconds=60
    )


async def test_lower_limits_are_kept() -> None:
    asked = WorkflowLimits(default_budget_tokens=500, max_steps=2, approval_timeout_seconds=5)
    assert await limits_of(asked) == asked
