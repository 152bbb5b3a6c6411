"""The monitor's list of waiting approvals, in a real browser: change requests stop at the
gate and show there with agent, tool, arguments and reason; one is approved from its row and
runs, the others are denied together and change nothing."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from playwright.async_api import Page, expect

from devhost.host.server import DevHost
from tests.browser.coordinator_host import start_coordinator, wait_until
from tests.browser.monitor import expect_notice, open_monitor, shot

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHANGES = {
    "TCK-10004": "Mark support ticket TCK-10004 as resolved, the customer confirmed the fix",
    "TCK-10012": "Mark support ticket TCK-10012 as resolved, the customer confirmed the fix",
    "TCK-10013": "サポートチケット TCK-10013 を解決済みにしてください",
}


async def waiting_calls(http: httpx.AsyncClient, count: int) -> list[dict]:
    deadline = time.monotonic() + 60
    while True:
        answer = await http.get("/api/monitor/api/approvals")
        calls = [a for a in answer.json()["approvals"] if a["kind"] == "tool_call"]
        if len(calls) >= count or time.monotonic() > deadline:
            return calls
        await asyncio.sleep(0.2)


def output_of(status: dict) -> dict:
    output = status["output"]
    return output if isinstance(output, dict) else json.loads(output)


def update_of(status: dict) -> dict:
    calls = [c for a in output_of(status)["agents"] for c in a["tool_calls"]]
    return next(c for c in calls if c["tool"] == "update_ticket")


async def test_changes_wait_in_the_list_and_are_decided_one_by_one_and_in_bulk(
    page: Page, host: DevHost, http: httpx.AsyncClient
) -> None:
    runs = {key: await start_coordinator(http, query=query) for key, query in CHANGES.items()}
    calls = await waiting_calls(http, len(runs))
    by_ticket = {c["arguments"]["ticket_id"]: c for c in calls}
    assert set(by_ticket) >= set(runs)
    await open_monitor(page, host)
    waiting = page.get_by_role("region", name="Approvals waiting")
    await expect(waiting).to_contain_text("update_ticket")
    await expect(waiting).to_contain_text('ticket_id="TCK-10004"')
    await expect(waiting).to_contain_text("which changes data")
    await shot(page, "10-approvals-waiting")
    await waiting.get_by_label("Approver (used when sign-in is off)").fill("Ada Admin")
    row = waiting.locator(f'tr[data-approval="{by_ticket["TCK-10004"]["approval_id"]}"]')
    await row.get_by_role("button", name="Approve this call").click()
    await expect_notice(page, "Approved 1 approval")
    for ticket in ("TCK-10012", "TCK-10013"):
        await waiting.get_by_label(f"Select update_ticket of {runs[ticket]}").check()
    await waiting.get_by_label("Approver (used when sign-in is off)").fill("Ada Admin")
    await waiting.get_by_role("button", name="Deny selected", exact=True).click()
    await expect_notice(page, "Denied 2 approvals")
    approved = await wait_until(http, runs["TCK-10004"])
    assert update_of(approved).get("error") is None
    for ticket in ("TCK-10012", "TCK-10013"):
        denied = await wait_until(http, runs[ticket])
        assert update_of(denied)["error"].startswith("Not carried out: Denied by Ada Admin")
        assert "Changes not made" in output_of(denied)["answer"]
    await shot(page, "11-approvals-decided")
