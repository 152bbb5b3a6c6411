"""Reading JSON bodies, validating them, and the JSON answers every failure turns into."""

import inspect
import json

import aiohttp
import azure.functions as func
import pytest
from starlette.responses import Response

from core.models import CoordinatorRequest
from tests.unit.triggers.trigger_requests import http_request, streams_request
from triggers.shared.endpoint import MAX_BODY_BYTES, api_endpoint, json_response, parse, read_json
from triggers.shared.errors import (
    ConflictError,
    InvalidJsonError,
    PayloadTooLargeError,
    RequestValidationError,
)


def body_of(response: func.HttpResponse) -> dict:
    assert response.mimetype == "application/json"
    return json.loads(response.get_body())


def streamed_body(response: Response) -> dict:
    assert response.headers["Content-Type"] == "application/json"
    return json.loads(bytes(response.body))


def test_read_json_parses_the_body():
    assert read_json(http_request({"query": "hi"})) == {"query": "hi"}


def test_empty_body_is_invalid_json_when_required_and_none_otherwise():
    with pytest.raises(InvalidJsonError) as caught:
        read_json(http_request(raw=b"  "))
    assert caught.value.detail[0].field == "body"
    assert "required" in caught.value.detail[0].message
    assert read_json(http_request(raw=b""), required=False) is None


@pytest.mark.parametrize(
    "raw",
    [b'{"query":', b"not json", b'{"a": NaN}', b"\xff\xfe\xfa", b"[" * 100_000],
    ids=["truncated", "text", "nan", "not-utf8", "deeply-nested"],
)
def test_malformed_body_is_invalid_json_naming_the_body(raw: bytes):
    with pytest.raises(InvalidJsonError) as caught:
        read_json(http_request(raw=raw))
    assert caught.value.status_code == 400
    assert caught.value.body().model_dump() == {
        "error": "invalid_json",
        "detail": [{"field": "body", "message": caught.value.detail[0].message}],
    }


def test_body_over_the_limit_is_payload_too_large():
    with pytest.raises(PayloadTooLargeError) as caught:
        read_json(http_request(raw=b" " * (MAX_BODY_BYTES + 1)))
    assert caught.value.status_code == 413
    assert str(MAX_BODY_BYTES) in caught.value.detail[0].message


def test_parse_names_every_bad_field():
    with pytest.raises(RequestValidationError) as caught:
        parse(CoordinatorRequest, {"query": 5, "require_approval": "maybe", "colour": "red"})
    fields = {d.field for d in caught.value.detail}
    assert fields == {"query", "require_approval", "colour"}


def test_parse_of_a_non_object_names_the_body():
    with pytest.raises(RequestValidationError) as caught:
        parse(CoordinatorRequest, ["query"])
    assert [d.field for d in caught.value.detail] == ["body"]


def test_json_response_writes_models_in_json_mode_without_excluded_fields():
    response = json_response(CoordinatorRequest(query="hi"), 202, {"Retry-After": "2"}, {"context"})
    assert response.status_code == 202
    assert response.headers["Retry-After"] == "2"
    body = body_of(response)
    assert body["query_type"] == "general"
    assert "context" not in body


async def test_api_endpoint_answers_an_api_error_with_its_status_body_and_headers():
    @api_endpoint
    async def handler(req: func.HttpRequest) -> func.HttpResponse:
        raise ConflictError.about("id", "busy", {"Retry-After": "1"})

    response = await handler(req=streams_request())
    assert response.status_code == 409
    assert response.headers["Retry-After"] == "1"
    assert streamed_body(response) == {
        "error": "conflict",
        "detail": [{"field": "id", "message": "busy"}],
    }


async def test_api_endpoint_answers_503_when_the_durable_backend_is_unreachable():
    @api_endpoint
    async def handler(req: func.HttpRequest) -> func.HttpResponse:
        raise aiohttp.ClientConnectionError("connection refused")

    response = await handler(req=streams_request())
    assert response.status_code == 503
    assert streamed_body(response)["error"] == "durable_unavailable"


async def test_api_endpoint_answers_500_json_without_the_exception_text(caplog):
    @api_endpoint
    async def handler(req: func.HttpRequest) -> func.HttpResponse:
        raise RuntimeError("secret internals")

    response = await handler(req=streams_request())
    assert response.status_code == 500
    body = streamed_body(response)
    assert body["error"] == "internal_error"
    assert "secret internals" not in json.dumps(body)
    assert "secret internals" in caplog.text


def test_api_endpoint_keeps_the_handler_signature_for_the_worker():
    async def handler(req: func.HttpRequest, client: str) -> func.HttpResponse:
        raise NotImplementedError

    wrapped = api_endpoint(handler)
    assert wrapped.__name__ == "handler"
    assert list(inspect.signature(wrapped).parameters) == ["req", "client"]
