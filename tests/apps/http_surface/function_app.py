"""HTTP surface app for devhost tests: a local package named `app`, a namespace package, a
sibling module, blueprints registered both ways, plain functions only."""

import azure.functions as func
from app import admin_routes, echo_routes

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_blueprint(echo_routes.bp)
app.register_functions(admin_routes.bp)


@app.route(route="hello", auth_level=func.AuthLevel.ANONYMOUS)
def hello(req: func.HttpRequest) -> func.HttpResponse:
    from shared_text.greeting import greet

    return func.HttpResponse(greet(req.params.get("name", "world")))


@app.route(route="keyed")
def keyed(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("function level ok")


@app.route(route="admin-only", auth_level=func.AuthLevel.ADMIN)
def admin_only(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("admin level ok")


@app.queue_trigger(arg_name="msg", queue_name="work", connection="AzureWebJobsStorage")
def on_message(msg: str) -> None:
    from sibling_log import record

    record(f"queue:{msg}")


@app.route(route="admin/reserved", methods=["GET"])
def reserved_admin_route(req: func.HttpRequest) -> func.HttpResponse:
    """Never served: the host reserves routes that start with `admin`."""
    return func.HttpResponse("should not be reachable")
