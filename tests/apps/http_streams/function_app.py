"""HTTP streams app for devhost tests: every HTTP trigger takes the extension's `Request`, as
the Python worker requires once the app imports `azurefunctions.extensions.http.fastapi`."""

import asyncio
from collections.abc import AsyncIterator

import azure.functions as func
from azurefunctions.extensions.http.fastapi import (
    JSONResponse,
    PlainTextResponse,
    Request,
    Response,
    StreamingResponse,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
released: dict[str, asyncio.Event] = {}
closed: list[str] = []


async def ticks(name: str) -> AsyncIterator[str]:
    """`first`, then `second` once `/api/release/{name}` was called; records the close."""
    gate = released.setdefault(name, asyncio.Event())
    try:
        yield "data: first\n\n"
        await gate.wait()
        yield "data: second\n\n"
    finally:
        closed.append(name)


@app.route(route="ticks/{name}", methods=["GET"])
async def stream_ticks(req: Request) -> StreamingResponse:
    name = req.path_params["name"]
    return StreamingResponse(ticks(name), media_type="text/event-stream")


@app.route(route="release/{name}", methods=["POST"])
async def release(req: Request) -> Response:
    released.setdefault(req.path_params["name"], asyncio.Event()).set()
    return PlainTextResponse("released", status_code=202)


@app.route(route="closed", methods=["GET"])
async def closed_streams(req: Request) -> JSONResponse:
    return JSONResponse(closed)


@app.route(route="echo/{id:int}", methods=["GET", "POST"])
async def echo(req: Request) -> JSONResponse:
    body = await req.body()
    return JSONResponse(
        {
            "method": req.method,
            "url": str(req.url),
            "path_params": req.path_params,
            "query": sorted(req.query_params.multi_items()),
            "header": req.headers.get("x-custom"),
            "forwarded": [
                req.headers.get("x-forwarded-host"),
                req.headers.get("x-forwarded-proto"),
            ],
            "body": body.decode(),
        },
        status_code=201,
        headers={"X-Echo": "yes"},
    )


@app.route(route="plain", methods=["GET"])
async def plain(req: Request) -> dict:  # the worker accepts only the bare class here
    return {"plain": True, "name": req.query_params.get("name")}


@app.route(route="fails", methods=["GET"])
async def fails(req: Request) -> Response:
    raise RuntimeError("this function fails")
