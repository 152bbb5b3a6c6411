"""The Durable monitor in headless Chromium against devhost running the coordinator app: the
list shows a finished and a running workflow, the instance page draws the fan-out timeline,
approving a waiting workflow from the page completes it, actions ask for confirmation, and
the page works with the keyboard. Screenshots go to tests/artifacts/monitor/."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from devhost.host.server import DevHost
from tests.browser.coordinator_host import (
    TWO_AGENT_QUERY,
    start_coordinator,
    start_orchestration,
    wait_until,
    waiting_workflow,
)
from tests.browser.monitor import (
    expect_notice,
    instance_row,
    open_monitor,
    shot,
    status_badge,
    toolbar_button,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

ENABLED_ACTIONS_WHEN_COMPLETED = {
    "Terminate": False,
    "Suspend": False,
    "Resume": False,
    "Rewind": False,
    "Restart": True,
    "Purge": True,
}
TIMELINE_ROWS = """rows => rows.map(r => ({
  kind: r.dataset.kind, name: r.dataset.name, depth: Number(r.dataset.depth),
  text: r.querySelector('td').innerText,
  left: parseFloat(r.querySelector('.bar').style.left),
  width: parseFloat(r.querySelector('.bar').style.width)}))"""
UNNAMED_CONTROLS = """controls => controls
  .filter(el => el.offsetParent !== null || el.closest('dialog'))
  .filter(el => {
    if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
    if (el.tagName === 'BUTTON') return !el.textContent.trim();
    return !(el.labels && el.labels.length);
  }).map(el => el.outerHTML.slice(0, 120))"""


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def workflows(http: httpx.AsyncClient) -> dict[str, str]:
    finished = await start_coordinator(http, query=TWO_AGENT_QUERY)
    await wait_until(http, finished)
    return {"finished": finished, "waiting": await waiting_workflow(http)}


async def test_list_shows_a_finished_and_a_running_workflow(
    page: Page, host: DevHost, workflows: dict[str, str]
) -> None:
    await open_monitor(page, host)
    waiting = instance_row(page, workflows["waiting"])
    await expect(waiting).to_contain_text("Running")
    await expect(waiting).to_contain_text("awaiting approval")
    await expect(instance_row(page, workflows["finished"])).to_contain_text("Completed")
    listed = page.get_by_role("table", name=re.compile("newest first"))
    ids = await listed.get_by_role("link").all_inner_texts()
    assert ids, "the list shows instances"
    assert all(":" not in instance for instance in ids), "sub-orchestrations are hidden"
    await shot(page, "01-instance-list")


async def test_list_filters_by_status(page: Page, host: DevHost, workflows: dict[str, str]) -> None:
    await open_monitor(page, host)
    filters = page.get_by_role("search", name="Filter instances")
    await filters.get_by_role("checkbox", name="Completed").check()
    await filters.get_by_role("button", name="Apply filters").click()
    await expect(page).to_have_url(re.compile("status=Completed"))
    await expect(instance_row(page, workflows["waiting"])).to_have_count(0)
    await expect(instance_row(page, workflows["finished"])).to_be_visible()
    listed = page.get_by_role("table", name=re.compile("newest first"))
    assert set(await listed.locator(".badge").all_inner_texts()) == {"Completed"}
    await shot(page, "02-filtered-list")


async def test_instance_page_shows_the_fan_out_timeline(
    page: Page, host: DevHost, workflows: dict[str, str]
) -> None:
    await open_monitor(page, host, f"#/instances/{workflows['finished']}")
    timeline = page.get_by_role("table", name=re.compile("sub-orchestrations over"))
    steps = timeline.locator("tbody tr[data-kind]")
    await expect(steps.first).to_be_visible()
    rows: list[dict[str, Any]] = await steps.evaluate_all(TIMELINE_ROWS)
    agents = [r for r in rows if r["name"] == "agent_run"]
    assert len(agents) == 2
    assert {r["depth"] for r in agents} == {1}
    assert any("customer-support" in r["text"] for r in agents)
    assert any("smart-city" in r["text"] for r in agents)
    # The fan-out: both agents start together and run side by side.
    assert abs(agents[0]["left"] - agents[1]["left"]) < 1.0
    plan = next(r for r in rows if r["name"] == "plan")
    assert plan["left"] + plan["width"] <= agents[0]["left"] + 0.5
    # Each agent's model and tool calls are nested under it.
    for agent in agents:
        start = rows.index(agent)
        nested = []
        for row in rows[start + 1 :]:
            if row["depth"] <= agent["depth"]:
                break
            nested.append(row)
        names = {r["name"] for r in nested}
        assert {"llm_step", "mcp_tool"} <= names, agent
        assert all(r["depth"] == 2 for r in nested)
    tools = [r["text"] for r in rows if r["name"] == "mcp_tool"]
    assert any("get_order" in t for t in tools)
    assert any("get_traffic" in t for t in tools)
    agents_done = page.get_by_role("definition").filter(
        has=page.get_by_role("progressbar", name="Agents done")
    )
    await expect(agents_done).to_contain_text("2 of 2")
    await expect(page.get_by_role("term").filter(has_text="Tokens used")).to_be_visible()
    await expect(page.get_by_role("main")).not_to_contain_text("null")
    for label, enabled in ENABLED_ACTIONS_WHEN_COMPLETED.items():
        button = toolbar_button(page, label)
        await (expect(button).to_be_enabled() if enabled else expect(button).to_be_disabled())
    await shot(page, "03-instance-timeline")


async def test_history_tab_is_reachable_with_the_keyboard(
    page: Page, host: DevHost, workflows: dict[str, str]
) -> None:
    await open_monitor(page, host, f"#/instances/{workflows['finished']}")
    await page.get_by_role("tab", name="Timeline").focus()
    await page.keyboard.press("ArrowRight")
    history_tab = page.get_by_role("tab", name="History")
    await expect(history_tab).to_be_focused()
    await expect(history_tab).to_have_attribute("aria-selected", "true")
    history = page.get_by_role("table", name=re.compile("^History of"))
    await expect(history).to_be_visible()
    events = await history.locator("td.event").all_inner_texts()
    assert events[0] == "ExecutionStarted"
    assert "SubOrchestrationInstanceCompleted" in events
    assert events[-1] == "ExecutionCompleted"
    await shot(page, "04-instance-history")


async def test_every_control_has_a_label(
    page: Page, host: DevHost, workflows: dict[str, str]
) -> None:
    for fragment, ready in (
        ("", page.get_by_role("table", name=re.compile("newest first"))),
        (f"#/instances/{workflows['waiting']}", page.get_by_role("button", name="Approve", exact=True)),
    ):
        await open_monitor(page, host, fragment)
        await expect(ready).to_be_visible()
        controls = page.locator("input, select, textarea, button")
        assert await controls.evaluate_all(UNNAMED_CONTROLS) == [], fragment


async def test_approving_a_waiting_workflow_from_the_page_completes_it(
    page: Page, host: DevHost, http: httpx.AsyncClient
) -> None:
    # Its own workflow: the shared one must stay waiting for the other tests, in any order.
    waiting = await waiting_workflow(http)
    await open_monitor(page, host, f"#/instances/{waiting}")
    approval = page.get_by_role("region", name="Approval needed")
    await expect(approval).to_contain_text("customer-support")
    await shot(page, "05-approval-waiting")
    await approval.get_by_label("Approver (your name)").fill("Ada Admin")
    await approval.get_by_label("Comment (optional)").fill("Checked the plan")
    await approval.get_by_role("button", name="Approve", exact=True).click()
    confirm = page.get_by_role("dialog", name="Approve the plan")
    await expect(confirm).to_contain_text("Ada Admin")
    await shot(page, "06-approval-confirm")
    await confirm.get_by_role("button", name="Approve").click()
    await expect_notice(page, "approved by Ada Admin")
    final = await wait_until(http, waiting)
    assert final["runtimeStatus"] == "Completed"
    output = final["output"] if isinstance(final["output"], dict) else json.loads(final["output"])
    assert output["approval"]["approved"] is True
    assert output["approval"]["approver"] == "Ada Admin"
    await expect(status_badge(page)).to_have_text("Completed")
    await expect(page.locator("#timeline-table tr[data-name=agent_run]")).to_have_count(2)
    await shot(page, "07-approved-and-completed")


async def test_terminate_asks_for_confirmation_and_shows_the_result(
    page: Page, host: DevHost, http: httpx.AsyncClient
) -> None:
    waiting = await waiting_workflow(http)
    await open_monitor(page, host, f"#/instances/{waiting}")
    confirm = page.get_by_role("dialog", name="Terminate instance")
    reason = confirm.get_by_label("Reason (recorded with the action)")
    await toolbar_button(page, "Terminate").click()
    await expect(reason).to_be_focused()
    await page.keyboard.type("Not needed any more")
    await page.keyboard.press("Escape")
    await expect(confirm).to_be_hidden()
    assert (await wait_until(http, waiting, status={"Running"}))["runtimeStatus"] == "Running"
    await toolbar_button(page, "Terminate").click()
    await reason.fill("Not needed any more")
    await confirm.get_by_role("button", name="Terminate").click()
    await expect_notice(page, "Terminated")
    final = await wait_until(http, waiting)
    assert final["runtimeStatus"] == "Terminated"
    await expect(status_badge(page)).to_have_text("Terminated")
    await expect(toolbar_button(page, "Purge")).to_be_enabled()
    await shot(page, "08-terminated")


async def test_a_failed_instance_shows_its_failure_and_can_be_rewound(
    page: Page, host: DevHost, http: httpx.AsyncClient
) -> None:
    failed = await start_orchestration(http, "coordinator", {"not_a_query": True})
    assert (await wait_until(http, failed))["runtimeStatus"] == "Failed"
    await open_monitor(page, host, f"#/instances/{failed}")
    failure = page.get_by_role("note")
    await expect(failure).to_contain_text("query")
    await expect(failure).to_contain_text("Field required")
    await expect(page.locator("#timeline-table tr.failed").first).to_be_visible()
    await expect(toolbar_button(page, "Rewind")).to_be_enabled()
    await shot(page, "09-failed-instance")
    await toolbar_button(page, "Rewind").click()
    await (
        page.get_by_role("dialog", name="Rewind instance")
        .get_by_role("button", name="Rewind")
        .click()
    )
    await expect_notice(page, "Rewind requested")
