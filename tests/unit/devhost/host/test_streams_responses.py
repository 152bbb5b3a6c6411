"""A streams-extension response reaches the client with the same bytes whether devhost sends
it whole (one write) or part by part as the ASGI app produces it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from starlette.background import BackgroundTask
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from devhost.host.http_streams import send_response, whole_response


class PartByPart(Response):
    """A plain response that devhost cannot take as whole, so it goes through ASGI."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def answers() -> dict[str, Response]:
    cookie = Response(b"x", status_code=201, headers={"Location": "/l", "Retry-After": "2"})
    cookie.set_cookie("a", "1")
    cookie.set_cookie("b", "2")
    return {
        "json": JSONResponse({"a": [1, "\u00e9"]}, status_code=202, headers={"X-One": "1"}),
        "text": PlainTextResponse("hello", headers={"Vary": "Accept"}),
        "cookies": cookie,
        "typeless": Response(b"raw bytes"),
        "empty": Response(b"", status_code=200),
    }


async def raw_answer(port: int, name: str, method: str = "GET") -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{method} /{name} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    kept = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"date:")]
    return b"\r\n".join(kept) + b"\r\n\r\n" + body


@pytest.fixture
async def served() -> AsyncIterator[tuple[int, list[str]]]:
    ran: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        name, _, how = request.match_info["name"].partition("-")
        response = answers()[name] if name in answers() else Response(b"done")
        if how == "parts":
            part_by_part = PartByPart(status_code=response.status_code)
            part_by_part.body, part_by_part.raw_headers = response.body, response.raw_headers
            response = part_by_part
        elif how == "background":
            response.background = BackgroundTask(ran.append, name)
        return await send_response(request, {"type": "http"}, response)

    app = web.Application()
    app.router.add_route("*", "/{name}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield port, ran
    await runner.cleanup()


@pytest.mark.parametrize("name", sorted(answers()))
@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_a_whole_response_sends_the_bytes_of_the_part_by_part_one(served, name, method):
    port, _ = served
    assert whole_response(answers()[name]) is not None
    whole = await raw_answer(port, name, method)
    parts = await raw_answer(port, f"{name}-parts", method)
    if method == "HEAD":
        # An answer to HEAD has no body (RFC 9110 9.3.2), as Kestrel sends it; only the
        # part-by-part path writes one after the headers.
        head, _, _ = parts.partition(b"\r\n\r\n")
        parts = head + b"\r\n\r\n"
    assert whole == parts
    assert whole.startswith(b"HTTP/1.1 ")


async def test_a_response_with_a_background_task_runs_it(served):
    port, ran = served
    assert b"\r\n\r\nhello" in await raw_answer(port, "text-background")
    assert ran == ["text"]
