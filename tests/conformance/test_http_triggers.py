"""HTTP triggers of an unmodified v2 app: routing, func.HttpRequest / HttpResponse fidelity,
sync and async functions, errors, body limit, CORS and loading quirks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from devhost.host.server import DevHost
from tests.conformance.hosting import base_url, running_host

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def calls_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("log") / "calls.txt"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def surface(
    tmp_path_factory: pytest.TempPathFactory, calls_log: Path
) -> AsyncIterator[DevHost]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HTTP_SURFACE_LOG", str(calls_log))
        async with running_host("http_surface", tmp_path_factory.mktemp("hub")) as devhost:
            yield devhost


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def http(surface: DevHost) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url(surface), timeout=30) as client:
        yield client


async def test_request_fields_reach_the_function(http, surface):
    response = await http.get("/api/echo/42/bob?a=1&a=2&b=x", headers={"X-Custom": "hdr"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    seen = response.json()
    assert seen["method"] == "GET"
    assert seen["url"] == f"{base_url(surface)}/api/echo/42/bob?a=1&a=2&b=x"
    assert seen["route_params"] == {"id": "42", "name": "bob"}
    assert seen["params"] == {"a": "1,2", "b": "x"}
    assert seen["header"] == "hdr"


async def test_a_repeated_header_reaches_the_function_as_one_comma_separated_value(http):
    seen = (await http.get("/api/echo/1", headers=[("X-Custom", "a"), ("X-Custom", "b")])).json()
    assert seen["header"] == "a, b"


async def test_optional_route_parameter_may_be_absent(http):
    seen = (await http.get("/api/echo/7")).json()
    assert seen["route_params"] == {"id": "7"}


async def test_route_constraint_mismatch_is_404(http):
    assert (await http.get("/api/echo/notanumber")).status_code == 404


async def test_post_body_and_get_json(http):
    seen = (await http.post("/api/echo/1", json={"k": [1, 2]})).json()
    assert seen["method"] == "POST"
    assert seen["json"] == {"k": [1, 2]}
    assert seen["content_type"] == "application/json"
    raw = (await http.post("/api/echo/1", content=b"plain text")).json()
    assert raw["body"] == "plain text"
    assert raw["json"] is None


async def test_async_function_with_catch_all_route_and_status_code(http):
    response = await http.put("/api/async-echo/a/b/c%20d")
    assert response.status_code == 201
    assert response.json()["route_params"] == {"rest": "a/b/c d"}


async def test_literal_route_wins_over_parameter(http):
    assert (await http.get("/api/items/special")).text == "special"
    assert (await http.get("/api/items/9")).text == "item 9"


async def test_string_return_is_text_plain_200(http):
    response = await http.get("/api/items/special")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


async def test_none_return_is_204(http):
    assert (await http.get("/api/nothing")).status_code == 204


async def test_response_status_mimetype_headers_and_cookies(http):
    response = await http.get("/api/cookies")
    assert response.status_code == 418
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["X-Reply"] == "yes"
    assert response.headers.get_list("Set-Cookie") == ["a=1", "b=2"]
    assert response.text == "<p>made</p>"


async def test_unhandled_exception_is_empty_500_and_logged_with_its_function(http, caplog):
    response = await http.get("/api/boom")
    assert response.status_code == 500
    assert b"secret" not in response.content
    assert response.content == b""
    (failed,) = [r for r in caplog.records if r.name == "devhost.http"]
    assert failed.getMessage() == "Executed 'Functions.boom' (Failed)"
    assert failed.exc_info is not None
    assert str(failed.exc_info[1]) == "secret internal detail"


async def test_a_content_type_header_the_function_sets_is_kept(http):
    response = await http.get("/api/typed")
    assert response.headers["Content-Type"] == "application/x-ndjson"
    assert response.text == '{"n": 1}\n'


async def test_method_not_in_route_methods_is_404(http):
    assert (await http.get("/api/size")).status_code == 404
    assert (await http.delete("/api/echo/1")).status_code == 404


async def test_unknown_route_is_404(http):
    assert (await http.get("/api/nope")).status_code == 404
    assert (await http.get("/nope")).status_code == 404


async def test_body_up_to_100_mb_is_accepted_and_larger_is_413(http):
    assert (await http.post("/api/size", content=b"x" * 1_000_000)).text == "1000000"
    too_big = await http.post("/api/size", content=b"x" * (100 * 1024 * 1024 + 1))
    assert too_big.status_code == 413


async def test_local_package_named_app_and_namespace_package_load(http):
    assert (await http.get("/api/hello?name=devhost")).text == "Hello, devhost!"


async def test_concurrent_sync_calls_run_on_threads(http):
    responses = await asyncio.gather(*(http.get(f"/api/echo/{n}") for n in range(20)))
    assert [r.json()["route_params"]["id"] for r in responses] == [str(n) for n in range(20)]


async def test_cors_preflight_and_simple_request_for_allowed_origin(http):
    preflight = await http.options(
        "/api/hello",
        headers={"Origin": "http://allowed.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://allowed.example"
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert preflight.headers["Access-Control-Allow-Methods"] == "POST"
    simple = await http.get("/api/hello", headers={"Origin": "http://allowed.example"})
    assert simple.headers["Access-Control-Allow-Origin"] == "http://allowed.example"
    other = await http.get("/api/hello", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


async def test_host_json_with_other_storage_provider_and_setting_values(surface):
    assert surface.settings.hub_name == "SurfaceHub"
    assert surface.settings.storage_provider == "mssql"
    assert surface.webhooks.connection_name == "SQLDB_Connection"


async def test_admin_invoke_runs_non_http_functions(http, calls_log):
    log = calls_log
    assert (await http.post("/admin/functions/on_message", json={"input": "hi"})).status_code == 202
    assert (await http.post("/admin/functions/yearly", json={})).status_code == 202
    for _ in range(100):
        if log.is_file() and len(log.read_text().splitlines()) >= 2:
            break
        await asyncio.sleep(0.02)
    assert sorted(log.read_text().splitlines()) == ["queue:hi", "yearly:past_due=False"]


async def test_admin_invoke_refuses_http_functions_and_unknown_names(http):
    assert (await http.post("/admin/functions/echo", json={})).status_code == 400
    assert (await http.post("/admin/functions/none_such", json={})).status_code == 404


async def test_admin_host_status(http):
    body = (await http.get("/admin/host/status")).json()
    assert body["state"] == "Running"


async def test_context_parameter_gets_name_and_a_fresh_invocation_id(http):
    first, second = [(await http.get("/api/context")).json() for _ in range(2)]
    assert first["function"] == "with_context"
    assert first["invocation"] != second["invocation"]


async def test_routes_starting_with_admin_are_not_served(http):
    assert (await http.get("/api/admin/reserved")).status_code == 404
