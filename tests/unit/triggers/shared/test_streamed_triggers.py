"""The app's HTTP triggers as the Python worker calls them under the HTTP streams extension:
what the handler reads of the forwarded request, and what the client gets of its answer."""

import json
import typing

import azure.functions as func
from azurefunctions.extensions.base import RequestTrackerMeta, ResponseTrackerMeta
from starlette.responses import StreamingResponse

from tests.unit.triggers.trigger_requests import streams_request
from triggers.shared.http_streams import streamed, to_http_request, to_response


async def test_the_handler_reads_the_url_the_client_called_and_every_request_field():
    request = streams_request(
        b'{"q": 1}',
        path="/api/coordinator/workflows/wf-1",
        query="a=1&a=2&b=x",
        headers=[
            ("Host", "127.0.0.1:50051"),
            ("X-Forwarded-Host", "coordinator.example"),
            ("X-Forwarded-Proto", "https"),
            ("Accept", "text/html"),
            ("Accept", "application/json"),
        ],
        route_params={"id": "wf-1"},
    )
    seen = await to_http_request(request)
    assert seen.url == "https://coordinator.example/api/coordinator/workflows/wf-1?a=1&a=2&b=x"
    assert seen.method == "POST"
    assert dict(seen.params) == {"a": "1,2", "b": "x"}
    assert seen.headers["accept"] == "text/html, application/json"
    assert dict(seen.route_params) == {"id": "wf-1"}
    assert seen.get_json() == {"q": 1}


async def test_without_forwarded_headers_the_request_url_is_its_own():
    request = streams_request(path="/api/health", headers=[("Host", "localhost:7071")])
    assert (await to_http_request(request)).url == "http://localhost:7071/api/health"


async def test_the_same_path_called_through_another_host_or_scheme_reads_that_host_and_scheme():
    path = "/api/instances/run-1"
    seen = []
    for host, scheme in [("a.example", "https"), ("b.example", "https"), ("a.example", "http")] * 2:
        forwarded = [
            ("Host", "127.0.0.1:50051"),
            ("X-Forwarded-Host", host),
            ("X-Forwarded-Proto", scheme),
        ]
        seen.append((await to_http_request(streams_request(path=path, headers=forwarded))).url)
    assert seen == [
        "https://a.example/api/instances/run-1",
        "https://b.example/api/instances/run-1",
        "http://a.example/api/instances/run-1",
    ] * 2


async def test_characters_that_would_end_the_path_stay_in_it():
    host = [("Host", "localhost:7071")]
    request = streams_request(path="/api/instances/a?b#c", query="x=1", headers=host)
    assert (await to_http_request(request)).url == "http://localhost:7071/api/instances/a%3Fb%23c?x=1"


def test_an_http_response_keeps_status_headers_cookies_and_text_charset():
    answer = func.HttpResponse("hé", status_code=201, mimetype="text/plain", charset="utf-8")
    answer.headers["X-Kept"] = "1"
    answer.headers.add("Set-Cookie", "a=1")
    answer.headers.add("Set-Cookie", "b=2")
    response = to_response(answer)
    assert response.status_code == 201
    assert bytes(response.body) == "hé".encode()
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Kept"] == "1"
    assert response.headers.getlist("Set-Cookie") == ["a=1", "b=2"]


def test_a_starlette_response_goes_out_as_it_is():
    stream = StreamingResponse(iter([b"x"]), media_type="text/event-stream")
    assert to_response(stream) is stream


async def test_a_streamed_handler_shows_the_worker_the_extension_types_and_gets_its_request():
    async def handler(req: func.HttpRequest, client: str) -> func.HttpResponse:
        return func.HttpResponse(json.dumps({"url": req.url, "client": client}))

    served = streamed(handler)
    hints = typing.get_type_hints(served)
    # The checks the worker makes when it indexes an HTTP trigger under the extension.
    assert RequestTrackerMeta.check_type(hints["req"])
    assert ResponseTrackerMeta.check_type(hints["return"])
    assert hints["client"] is str
    assert served.__name__ == "handler"
    request = streams_request(path="/api/x", headers=[("Host", "h:1")])
    response = await served(req=request, client="c")
    assert json.loads(bytes(response.body)) == {"url": "http://h:1/api/x", "client": "c"}


async def test_a_sync_handler_runs_and_answers():
    def handler(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(req.method, status_code=202)

    response = await streamed(handler)(req=streams_request(method="DELETE"))
    assert (response.status_code, bytes(response.body)) == (202, b"DELETE")


async def test_a_very_long_url_is_read_whole():
    path = "/api/instances/" + "a" * 3000
    request = streams_request(path=path, query="x=" + "b" * 3000, headers=[("Host", "h:1")])
    assert (await to_http_request(request)).url == f"http://h:1{path}?x={'b' * 3000}"
