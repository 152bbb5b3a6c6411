"""host.json's HTTP limits: `maxConcurrentRequests` calls run at once, the others wait their
turn, and a call beyond `maxOutstandingRequests` is refused with 429 at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.conformance.hosting import base_url, running_host


async def test_calls_beyond_the_concurrency_limit_wait_and_beyond_the_outstanding_limit_get_429(
    tmp_path: Path,
) -> None:
    """One call runs (maxConcurrentRequests 1), a second waits for it, a third finds two
    outstanding (maxOutstandingRequests 2) and is refused; the waiting one then runs alone."""
    async with (
        running_host("http_limits", tmp_path / "hub") as host,
        httpx.AsyncClient(base_url=base_url(host), timeout=60) as http,
    ):
        (hold,) = host.index.of_type("httpTrigger")
        app = hold.func.__globals__
        # A second round finds the places of the first round's calls free again.
        for turn in ("1", "2"):
            app["entered"].clear()
            app["release"].clear()
            first = asyncio.create_task(http.get(f"/api/hold/{turn}"))
            await asyncio.wait_for(app["entered"].wait(), 30)
            later = [asyncio.create_task(http.get(f"/api/hold/{turn}")) for _ in range(2)]
            try:
                done, waiting = await asyncio.wait(
                    later, timeout=10, return_when=asyncio.FIRST_COMPLETED
                )
                assert [t.result().status_code for t in done] == [429]
                assert not first.done()
            finally:
                app["release"].set()
            answers = [await first, *[await t for t in waiting]]
            assert [(a.status_code, a.text) for a in answers] == [(200, f"{turn}: 1")] * 2
