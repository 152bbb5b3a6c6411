"""Auth levels as the host applies them: anonymous, function and admin keys from the
`x-functions-key` header or the `code` query, the system key for the webhook API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from devhost.host.server import DevHost, HostOptions
from tests.conformance.hosting import APPS, base_url, running_host

pytestmark = pytest.mark.asyncio(loop_scope="module")
WEBHOOK = "/runtime/webhooks/durabletask"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def http(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    hub = tmp_path_factory.mktemp("hub")
    async with (
        running_host("http_surface", hub, enforce_keys=True) as devhost,
        httpx.AsyncClient(base_url=base_url(devhost), timeout=10) as client,
    ):
        yield client


async def test_anonymous_function_needs_no_key(http):
    assert (await http.get("/api/hello")).status_code == 200


async def test_function_level_needs_a_function_or_master_key(http):
    assert (await http.get("/api/keyed")).status_code == 401
    assert (await http.get("/api/keyed", headers={"x-functions-key": "wrong"})).status_code == 401
    assert (
        await http.get("/api/keyed", headers={"x-functions-key": "test-function-key"})
    ).status_code == 200
    assert (await http.get("/api/keyed?code=test-function-key")).status_code == 200
    assert (await http.get("/api/keyed?code=test-master-key")).status_code == 200


async def test_admin_level_needs_the_master_key(http):
    assert (await http.get("/api/admin-only?code=test-function-key")).status_code == 401
    assert (await http.get("/api/admin-only?code=test-master-key")).status_code == 200


async def test_webhook_api_needs_the_system_or_master_key(http):
    path = f"{WEBHOOK}/instances/none"
    assert (await http.get(path)).status_code == 401
    assert (await http.get(path, params={"code": "test-function-key"})).status_code == 401
    assert (await http.get(path, params={"code": "test-system-key"})).status_code == 404
    assert (await http.get(path, headers={"x-functions-key": "test-master-key"})).status_code == 404


async def test_admin_api_needs_the_master_key(http):
    path = "/admin/host/status"
    assert (await http.get(path)).status_code == 401
    assert (await http.get(path, params={"code": "test-system-key"})).status_code == 401
    assert (await http.get(path, params={"code": "test-master-key"})).status_code == 200


async def test_unmatched_route_is_404_not_401(http):
    assert (await http.get("/api/nope")).status_code == 404


def test_keys_are_demanded_off_loopback_unless_told_not_to():
    assert DevHost(HostOptions(app_dir=APPS / "patterns")).enforce_keys is False
    assert DevHost(HostOptions(app_dir=APPS / "patterns", host="0.0.0.0")).enforce_keys is True
    told = HostOptions(app_dir=APPS / "patterns", host="0.0.0.0", enforce_keys=False)
    assert DevHost(told).enforce_keys is False


async def test_generated_keys_are_kept_in_the_hub_directory(tmp_path: Path):
    async with running_host("patterns", tmp_path, enforce_keys=True) as first:
        keys = first.keys
        async with httpx.AsyncClient(base_url=base_url(first)) as client:
            status_uri = (
                await client.post(f"{WEBHOOK}/orchestrators/chaining?code={keys.system}")
            ).json()["statusQueryGetUri"]
            # The links the host hands out carry the system key, so following them works.
            assert (await client.get(status_uri)).status_code in (200, 202)
    saved = json.loads((tmp_path / "keys.json").read_text())
    assert saved["master"] == keys.master
    async with running_host("patterns", tmp_path, enforce_keys=True) as second:
        assert second.keys == keys
