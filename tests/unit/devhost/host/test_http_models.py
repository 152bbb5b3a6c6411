"""Which HTTP triggers devhost serves the HTTP streams way, and the error it logs for an app
that mixes both models (the Python worker would not load the `func.HttpRequest` ones)."""

from collections.abc import Callable
from pathlib import Path

import azure.functions as func
import pytest
from starlette.requests import Request

from devhost.app_loader import FunctionIndex, FunctionInfo
from devhost.host.http_triggers import http_functions, to_web_response


def streaming(req: Request) -> None: ...


def plain(req: func.HttpRequest) -> None: ...


def trigger(name: str, handler: Callable[..., None]) -> FunctionInfo:
    binding: dict[str, object] = {"type": "httpTrigger", "name": "req", "route": name}
    return FunctionInfo(name, "httpTrigger", binding, [binding], handler)


def test_a_trigger_taking_a_starlette_request_is_served_as_a_stream(caplog):
    served = http_functions(FunctionIndex(Path("."), [trigger("a", streaming)]), "api")
    assert [f.streaming for f in served] == [True]
    assert "HTTP streams" not in caplog.text


def test_an_app_mixing_both_models_is_told_which_triggers_the_worker_would_not_load(caplog):
    functions = [trigger("a", streaming), trigger("b", plain), trigger("c", plain)]
    served = http_functions(FunctionIndex(Path("."), functions), "api")
    assert {f.function.name: f.streaming for f in served} == {"a": True, "b": False, "c": False}
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.getMessage() == (
        "Functions b, c take func.HttpRequest while others take the HTTP streams extension's "
        "Request: once an app imports the extension, the Python worker requires every HTTP "
        "trigger to take its Request and does not load these"
    )


def test_an_app_of_plain_triggers_only_is_not_warned(caplog):
    http_functions(FunctionIndex(Path("."), [trigger("b", plain)]), "api")
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.parametrize("route", ["admin/reserved", "Admin", "/ADMIN/x/"])
def test_a_trigger_routed_under_admin_is_not_served_and_the_log_says_why(caplog, route):
    served = http_functions(
        FunctionIndex(Path("."), [trigger("ok", plain), trigger(route, plain)]), "api"
    )
    assert [f.function.name for f in served] == ["ok"]
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.getMessage() == (
        f"Function '{route}' is not served: its route '{route.strip('/')}' starts with the "
        "reserved 'admin' segment"
    )


def test_a_return_value_the_worker_does_not_answer_with_names_its_type():
    with pytest.raises(TypeError) as refused:
        to_web_response(42)
    assert str(refused.value) == "unsupported HTTP return type int"
