"""What the browser tests do on the Durable monitor page, in the user's terms: open it, find an
instance's row or an action's button, wait for an action's result, save a screenshot."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Locator, Page, expect

from devhost.host.server import DevHost
from tests.browser.coordinator_host import REPO, base_url

SHOTS = REPO / "tests" / "artifacts" / "monitor"


async def open_monitor(page: Page, host: DevHost, fragment: str = "") -> None:
    """Load the monitor at `fragment` (`#/instances/<id>` for one instance)."""
    await page.goto(f"{base_url(host)}/api/monitor{fragment}")


def instance_row(page: Page, instance_id: str) -> Locator:
    """The list's row of `instance_id` (found by its link)."""
    link = page.get_by_role("link", name=instance_id, exact=True)
    return page.get_by_role("row").filter(has=link)


def toolbar_button(page: Page, label: str) -> Locator:
    """An action button of the instance page (`Terminate`, `Rewind`, ...)."""
    return page.get_by_role("toolbar", name="Actions").get_by_role("button", name=label)


async def expect_notice(page: Page, text: str) -> None:
    """Wait until the action's result says `text`; on a timeout, say what the alerts show."""
    try:
        await expect(page.get_by_role("main").get_by_role("status")).to_contain_text(text)
    except AssertionError as exc:
        alerts = await page.get_by_role("alert").all_inner_texts()
        raise AssertionError(f"no notice {text!r}; the alerts say {alerts}") from exc


async def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as tests/artifacts/monitor/<name>.png."""
    path = SHOTS / f"{name}.png"
    await page.screenshot(path=path, full_page=True)
    return path


def status_badge(page: Page) -> Locator:
    """The runtime status shown beside the instance page's title."""
    return page.locator(".title-line .badge")
