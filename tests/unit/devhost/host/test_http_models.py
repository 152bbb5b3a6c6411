"""Which HTTP triggers devhost serves the HTTP streams way, and the error it logs for an app
that mixes both models (the Python worker would not load the `func.HttpRequest` ones)."""

from collections.abc import Callable
from pathlib import Path

import azure.functions as func
from starlette.requests import Request

from devhost.app_loader import FunctionIndex, FunctionInfo
from devhost.host.http_triggers import http_functions


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
    assert record.getMessage().startswith("Functions b, c take func.HttpRequest")


def test_an_app_of_plain_triggers_only_is_not_warned(caplog):
    http_functions(FunctionIndex(Path("."), [trigger("b", plain)]), "api")
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
