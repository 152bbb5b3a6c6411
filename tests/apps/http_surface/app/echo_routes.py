"""Routes that echo the request back, in sync and async functions."""

import asyncio
import json

import azure.functions as func

bp = func.Blueprint()


def describe(req: func.HttpRequest) -> dict:
    try:
        body_json = req.get_json()
    except ValueError:
        body_json = None
    return {
        "method": req.method,
        "url": req.url,
        "params": dict(req.params),
        "route_params": dict(req.route_params),
        "header": req.headers.get("X-Custom"),
        "content_type": req.headers.get("content-type"),
        "body": req.get_body().decode(errors="replace"),
        "json": body_json,
    }


@bp.route(
    route="echo/{id:int}/{name?}", methods=["GET", "POST"], auth_level=func.AuthLevel.ANONYMOUS
)
def echo(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(describe(req)), mimetype="application/json")


@bp.route(route="async-echo/{*rest}", auth_level=func.AuthLevel.ANONYMOUS)
async def async_echo(req: func.HttpRequest) -> func.HttpResponse:
    await asyncio.sleep(0)
    return func.HttpResponse(
        json.dumps(describe(req)), mimetype="application/json", status_code=201
    )


@bp.route(route="items/special", auth_level=func.AuthLevel.ANONYMOUS)
def special_item(req: func.HttpRequest) -> str:
    return "special"


@bp.route(route="items/{id}", auth_level=func.AuthLevel.ANONYMOUS)
def any_item(req: func.HttpRequest) -> str:
    return f"item {req.route_params['id']}"


@bp.route(route="size", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
async def size(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(str(len(req.get_body())))


@bp.route(route="boom", auth_level=func.AuthLevel.ANONYMOUS)
def boom(req: func.HttpRequest) -> func.HttpResponse:
    raise RuntimeError("secret internal detail")


@bp.route(route="cookies", auth_level=func.AuthLevel.ANONYMOUS)
def cookies(req: func.HttpRequest) -> func.HttpResponse:
    response = func.HttpResponse("<p>made</p>", status_code=418, mimetype="text/html")
    response.headers["X-Reply"] = "yes"
    response.headers.add("Set-Cookie", "a=1")
    response.headers.add("Set-Cookie", "b=2")
    return response


@bp.route(route="typed", auth_level=func.AuthLevel.ANONYMOUS)
def typed(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse('{"n": 1}\n', headers={"Content-Type": "application/x-ndjson"})


@bp.route(route="nothing", auth_level=func.AuthLevel.ANONYMOUS)
def nothing(req: func.HttpRequest) -> None:
    return None


@bp.route(route="context", auth_level=func.AuthLevel.ANONYMOUS)
def with_context(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    body = {"function": context.function_name, "invocation": context.invocation_id}
    return func.HttpResponse(json.dumps(body), mimetype="application/json")
