"""The Durable monitor in headless Chromium against devhost running the coordinator app: the
list shows a finished and a running workflow, the instance page draws the fan-out timeline,
approving a waiting workflow from the page completes it, actions ask for confirmation, and
the page works with the keyboard. Screenshots go to tests/artifacts/monitor/."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from devhost.host.server import DevHost
from tests.browser.cdp import Page, chromium_page, find_chromium
from tests.browser.coordinator_host import (
    REPO,
    TWO_AGENT_QUERY,
    base_url,
    coordinator_host,
    start_coordinator,
    start_orchestration,
    wait_until,
)

CHROMIUM = find_chromium()
SHOTS = REPO / "tests" / "artifacts" / "monitor"

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def host(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevHost]:
    async with coordinator_host(tmp_path_factory.mktemp("monitor-browser")) as devhost:
        yield devhost


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def http(host: DevHost) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url(host), timeout=30) as client:
        yield client


async def waiting_workflow(http: httpx.AsyncClient) -> str:
    """A coordinator run whose approval sub-orchestration waits for a decision."""
    instance_id = await start_coordinator(http, query=TWO_AGENT_QUERY, require_approval=True)
    await wait_until(http, instance_id, phase="awaiting_approval")
    await wait_until(http, f"{instance_id}:approval", status={"Running"})
    return instance_id


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def workflows(http: httpx.AsyncClient) -> dict[str, str]:
    finished = await start_coordinator(http, query=TWO_AGENT_QUERY)
    await wait_until(http, finished)
    return {"finished": finished, "waiting": await waiting_workflow(http)}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser() -> AsyncIterator[Page]:
    assert CHROMIUM is not None
    async with chromium_page(CHROMIUM) as page:
        yield page


@pytest.fixture
async def page(browser: Page) -> AsyncIterator[Page]:
    browser.errors.clear()
    yield browser
    assert browser.errors == [], "the page logged errors"


async def open_monitor(page: Page, host: DevHost, fragment: str = "") -> None:
    """Load the monitor afresh (not a same-document jump) at `fragment`."""
    await page.goto("about:blank")
    await page.goto(f"{base_url(host)}/api/monitor{fragment}")


async def wait_for_notice(page: Page, text: str) -> None:
    """Wait until the action's result says `text`; on a timeout, say what the page shows."""
    try:
        await page.wait_for(
            f"(document.querySelector('#action-notice') || {{}}).innerText?.includes({text!r})"
        )
    except Exception as exc:
        shown = await page.evaluate(
            "[...document.querySelectorAll('.notice')].map(n => n.id + ': ' + n.innerText)"
        )
        raise AssertionError(f"no notice {text!r}; the page shows {shown}") from exc


async def shot(page: Page, name: str) -> Path:
    return await page.screenshot(SHOTS / f"{name}.png")


async def test_list_shows_a_finished_and_a_running_workflow(
    page: Page, host: DevHost, workflows: dict[str, str]
) -> None:
    await open_monitor(page, host)
    await page.wait_for(f"document.querySelector('tr[data-instance=\"{workflows['waiting']}\"]')")
    rows: dict[str, Any] = await page.evaluate(
        """Object.fromEntries([...document.querySelectorAll('#instances tbody tr')].map(
             r => [r.dataset.instance, {status: r.dataset.status, text: r.innerText}]))"""
    )
    assert rows[workflows["finished"]]["status"] == "Completed"
    assert rows[workflows["waiting"]]["status"] == "Running"
    assert "awaiting approval" in rows[workflows["waiting"]]["text"]
    assert all(":" not in instance for instance in rows), "sub-orchestrations are hidden"
    await shot(page, "01-instance-list")


async def test_list_filters_by_status(page: Page, host: DevHost, workflows: dict[str, str]) -> None:
    await open_monitor(page, host)
    await page.wait_for("document.querySelector('#filters')")
    await page.click("input[name=status][value=Completed]")
    await page.click("#filters button[type=submit]")
    await page.wait_for("location.hash.includes('status=Completed')")
    await page.wait_for(
        f"!document.querySelector('tr[data-instance=\"{workflows['waiting']}\"]') && "
        f"!!document.querySelector('tr[data-instance=\"{workflows['finished']}\"]')"
    )
    statuses = await page.evaluate(
        "[...document.querySelectorAll('#instances tbody tr')].map(r => r.dataset.status)"
    )
    assert set(statuses) == {"Completed"}
    await shot(page, "02-filtered-list")


async def test_instance_page_shows_the_fan_out_timeline(
    page: Page, host: DevHost, workflows: dict[str, str]
) -> None:
    await open_monitor(page, host, f"#/instances/{workflows['finished']}")
    await page.wait_for("document.querySelector('#timeline-table tbody tr')")
    rows: list[dict[str, Any]] = await page.evaluate(
        """[...document.querySelectorAll('#timeline-table tbody tr[data-kind]')].map(r => ({
             kind: r.dataset.kind, name: r.dataset.name, depth: Number(r.dataset.depth),
             text: r.querySelector('td').innerText,
             left: parseFloat(r.querySelector('.bar').style.left),
             width: parseFloat(r.querySelector('.bar').style.width)}))"""
    )
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
    facts = await page.evaluate("document.querySelector('.facts').innerText")
    assert "2 of 2" in facts
    assert "Tokens used" in facts
    assert "null" not in await page.evaluate("document.querySelector('#view').innerText")
    enabled = await page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('[role=toolbar] button')]"
        ".map(b => [b.id, !b.disabled]))"
    )
    assert enabled == {
        "action-terminate": False,
        "action-suspend": False,
        "action-resume": False,
        "action-rewind": False,
        "action-restart": True,
        "action-purge": True,
    }
    await shot(page, "03-instance-timeline")


async def test_history_tab_is_reachable_with_the_keyboard(
    page: Page, host: DevHost, workflows: dict[str, str]
) -> None:
    await open_monitor(page, host, f"#/instances/{workflows['finished']}")
    await page.wait_for("document.querySelector('#tab-timeline')")
    await page.evaluate("document.querySelector('#tab-timeline').focus()")
    await page.press("ArrowRight")
    assert await page.evaluate("document.activeElement.id") == "tab-history"
    await page.wait_for("document.querySelector('#history-table')")
    events = await page.evaluate(
        "[...document.querySelectorAll('#history-table td.event')].map(c => c.innerText)"
    )
    assert events[0] == "ExecutionStarted"
    assert "SubOrchestrationInstanceCompleted" in events
    assert events[-1] == "ExecutionCompleted"
    await shot(page, "04-instance-history")


async def test_every_control_has_a_label(
    page: Page, host: DevHost, workflows: dict[str, str]
) -> None:
    unnamed_script = """[...document.querySelectorAll('input, select, textarea, button')]
      .filter(el => el.offsetParent !== null || el.closest('dialog'))
      .filter(el => {
        if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
        if (el.tagName === 'BUTTON') return !el.textContent.trim();
        return !(el.labels && el.labels.length);
      }).map(el => el.outerHTML.slice(0, 120))"""
    for fragment, ready in (
        ("", "#instances"),
        (f"#/instances/{workflows['waiting']}", "#approve"),
    ):
        await open_monitor(page, host, fragment)
        await page.wait_for(f"document.querySelector('{ready}')")
        assert await page.evaluate(unnamed_script) == []


async def test_approving_a_waiting_workflow_from_the_page_completes_it(
    page: Page, host: DevHost, http: httpx.AsyncClient, workflows: dict[str, str]
) -> None:
    waiting = workflows["waiting"]
    await open_monitor(page, host, f"#/instances/{waiting}")
    await page.wait_for("document.querySelector('#approve')")
    plan = await page.evaluate("document.querySelector('#approval').innerText")
    assert "customer-support" in plan
    await shot(page, "05-approval-waiting")
    await page.click("#approver")
    await page.type_text("Ada Admin")
    await page.click("#approval-comment")
    await page.type_text("Checked the plan")
    await page.click("#approve")
    await page.wait_for("document.querySelector('#confirm').open")
    assert "Ada Admin" in await page.evaluate(
        "document.querySelector('#confirm-message').innerText"
    )
    await shot(page, "06-approval-confirm")
    await page.click("#confirm-ok")
    await wait_for_notice(page, "approved by Ada Admin")
    final = await wait_until(http, waiting)
    assert final["runtimeStatus"] == "Completed"
    output = final["output"] if isinstance(final["output"], dict) else json.loads(final["output"])
    assert output["approval"]["approved"] is True
    assert output["approval"]["approver"] == "Ada Admin"
    await page.wait_for(
        "document.querySelector('.title-line .badge')?.innerText === 'Completed'", timeout=15
    )
    await page.wait_for(
        "document.querySelectorAll('#timeline-table tr[data-name=agent_run]').length === 2"
    )
    await shot(page, "07-approved-and-completed")


async def test_terminate_asks_for_confirmation_and_shows_the_result(
    page: Page, host: DevHost, http: httpx.AsyncClient
) -> None:
    waiting = await waiting_workflow(http)
    await open_monitor(page, host, f"#/instances/{waiting}")
    await page.wait_for("document.querySelector('#action-terminate:not([disabled])')")
    await page.click("#action-terminate")
    await page.wait_for("document.querySelector('#confirm').open")
    assert await page.evaluate("document.activeElement.id") == "confirm-reason"
    await page.type_text("Not needed any more")
    await page.press("Escape")
    await page.wait_for("!document.querySelector('#confirm').open")
    assert (await wait_until(http, waiting, status={"Running"}))["runtimeStatus"] == "Running"
    await page.click("#action-terminate")
    await page.wait_for("document.querySelector('#confirm').open")
    await page.type_text("Not needed any more")
    await page.click("#confirm-ok")
    await wait_for_notice(page, "Terminated")
    final = await wait_until(http, waiting)
    assert final["runtimeStatus"] == "Terminated"
    await page.wait_for(
        "document.querySelector('.title-line .badge')?.innerText === 'Terminated'", timeout=15
    )
    assert await page.evaluate("document.querySelector('#action-purge').disabled") is False
    await shot(page, "08-terminated")


async def test_a_failed_instance_shows_its_failure_and_can_be_rewound(
    page: Page, host: DevHost, http: httpx.AsyncClient
) -> None:
    failed = await start_orchestration(http, "coordinator", {"not_a_query": True})
    assert (await wait_until(http, failed))["runtimeStatus"] == "Failed"
    await open_monitor(page, host, f"#/instances/{failed}")
    await page.wait_for("document.querySelector('.failure')")
    failure = await page.evaluate("document.querySelector('.failure').innerText")
    assert "query" in failure
    assert "Field required" in failure
    assert await page.evaluate("document.querySelector('#timeline-table tr.failed') !== null")
    assert await page.evaluate("document.querySelector('#action-rewind').disabled") is False
    await shot(page, "09-failed-instance")
    await page.click("#action-rewind")
    await page.wait_for("document.querySelector('#confirm').open")
    await page.click("#confirm-ok")
    await wait_for_notice(page, "Rewind requested")
