"""The monitor's instance page of a running coordinator workflow follows the workflow's event
stream: the plan, each agent's start and end and the answer are listed as they happen, and
the page's status changes to Completed with its own refresh turned off."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from devhost.host.server import DevHost
from tests.browser.coordinator_host import TWO_AGENT_QUERY, coordinator_host, start_coordinator
from tests.browser.monitor import open_monitor, shot, status_badge

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def host(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevHost]:
    """devhost serving the coordinator app, each offline model call taking 800 ms."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OFFLINE_MODEL_LATENCY_MS", "800")
        async with coordinator_host(tmp_path_factory.mktemp("monitor-live")) as devhost:
            yield devhost


async def test_the_instance_page_lists_the_events_as_they_happen_and_updates_itself(
    page: Page, host: DevHost, http: httpx.AsyncClient
) -> None:
    await open_monitor(page, host)
    await page.get_by_role("checkbox", name="Auto-refresh").uncheck()
    workflow_id = await start_coordinator(http, query=TWO_AGENT_QUERY)
    await page.evaluate(
        "id => { window.location.hash = '#/instances/' + encodeURIComponent(id); }", workflow_id
    )
    live = page.locator("#live-events")
    await expect(live.get_by_text("Plan: ")).to_be_visible()
    # The plan arrived while the workflow still runs.
    assert await status_badge(page).inner_text() in ("Running", "Pending")
    for agent in ("customer-support", "smart-city"):
        await expect(live.get_by_text(f"{agent} started")).to_be_visible()
        await expect(live.get_by_text(f"{agent} finished: ok")).to_be_visible()
    await expect(live.get_by_text("Answer ready")).to_be_visible()
    await expect(live.get_by_text("Workflow ended: completed")).to_be_visible()
    # Only the stream refreshed the page: its auto-refresh is off.
    await expect(status_badge(page)).to_have_text("Completed")
    await expect(page.locator("#live-state")).to_have_text("The workflow ended.")
    kinds = await live.locator("li span").all_inner_texts()
    assert kinds.index(next(k for k in kinds if k.startswith("Plan: "))) < kinds.index(
        "customer-support started"
    )
    assert kinds.index("Answer ready") < kinds.index("Workflow ended: completed")
    await shot(page, "instance-live-events")
