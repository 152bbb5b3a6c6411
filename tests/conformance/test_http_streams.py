"""HTTP triggers written for the HTTP streams extension: the function gets a Starlette
`Request` and its `StreamingResponse` reaches the client part by part, as it is produced."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from devhost.host.server import DevHost
from tests.conformance.hosting import base_url, running_host

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def streams(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevHost]:
    async with running_host("http_streams", tmp_path_factory.mktemp("hub")) as devhost:
        yield devhost


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def http(streams: DevHost) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url(streams), timeout=30) as client:
        yield client


async def test_each_part_reaches_the_client_before_the_function_produces_the_next(http):
    async with http.stream("GET", "/api/ticks/a") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        parts = response.aiter_text()
        # The second part is produced only after the release below: a host that waited for
        # the whole body would never hand over the first.
        assert await anext(parts) == "data: first\n\n"
        assert (await http.post("/api/release/a")).status_code == 202
        assert "".join([part async for part in parts]) == "data: second\n\n"


async def test_the_request_carries_route_values_query_headers_and_body(http, streams):
    # As the host forwards a request to the worker: the client's host and scheme in
    # X-Forwarded-Host / -Proto, whatever the client itself put there.
    headers = {"X-Custom": "hdr", "X-Forwarded-Host": "forged.example"}
    response = await http.post("/api/echo/42?a=1&a=2", content=b"payload", headers=headers)
    assert response.status_code == 201
    assert response.headers["X-Echo"] == "yes"
    assert response.json() == {
        "method": "POST",
        "url": f"{base_url(streams)}/api/echo/42?a=1&a=2",
        "path_params": {"id": "42"},
        "query": [["a", "1"], ["a", "2"]],
        "header": "hdr",
        "forwarded": [f"127.0.0.1:{streams.port}", "http"],
        "body": "payload",
    }


async def test_a_client_that_leaves_ends_the_stream(http):
    async with http.stream("GET", "/api/ticks/b") as response:
        assert await anext(response.aiter_text()) == "data: first\n\n"
    await http.post("/api/release/b")
    for _ in range(50):
        if "b" in (await http.get("/api/closed")).json():
            break
        await asyncio.sleep(0.1)
    assert "b" in (await http.get("/api/closed")).json()


async def test_cors_headers_go_out_with_a_streamed_response(http):
    headers = {"Origin": "http://allowed.example"}
    async with http.stream("GET", "/api/ticks/c", headers=headers) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "http://allowed.example"
        await http.post("/api/release/c")
        await response.aread()


async def test_a_value_that_is_not_a_response_is_sent_as_json(http):
    response = await http.get("/api/plain?name=ada")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"plain": True, "name": "ada"}


async def test_a_function_that_raises_answers_an_empty_500_and_is_logged(http, caplog):
    response = await http.get("/api/fails")
    assert (response.status_code, response.content) == (500, b"")
    (failed,) = [r for r in caplog.records if r.name == "devhost.http"]
    assert failed.getMessage() == "Executed 'Functions.fails' (Failed)"
    assert failed.exc_info is not None
    assert str(failed.exc_info[1]) == "this function fails"
