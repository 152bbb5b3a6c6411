"""HTTP limits app for devhost tests: one function that holds each call until the test sets
`release` (devhost runs in the test's process and loop) and answers with its route value and
how many calls ran at once."""

import asyncio

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
calls = {"running": 0, "most": 0}
entered = asyncio.Event()
release = asyncio.Event()


@app.route(route="hold/{turn}")
async def hold(req: func.HttpRequest) -> func.HttpResponse:
    calls["running"] += 1
    calls["most"] = max(calls["most"], calls["running"])
    entered.set()
    try:
        await release.wait()
    finally:
        calls["running"] -= 1
    return func.HttpResponse(f"{req.route_params['turn']}: {calls['most']}")
