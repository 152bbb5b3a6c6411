"""The in-process tool servers: one per agent and process, built by the catalogue's factory,
and without the SDK's OpenTelemetry middleware while the process records no spans."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mcp.server._otel import OpenTelemetryMiddleware
from mcp.server.request_state import RequestStateBoundary
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from core.catalogue import get_catalogue
from core.mcp_transports import in_process_server, reset_in_process_servers


@pytest.fixture(autouse=True)
def fresh_servers() -> Iterator[None]:
    reset_in_process_servers()
    yield
    reset_in_process_servers()


def layers(agent_id: str) -> list[type]:
    return [type(layer) for layer in in_process_server(get_catalogue().get(agent_id)).middleware]


@pytest.mark.parametrize("provider", [trace.ProxyTracerProvider(), trace.NoOpTracerProvider()])
def test_with_telemetry_off_a_server_builds_no_spans_but_keeps_its_request_state_boundary(
    monkeypatch: pytest.MonkeyPatch, provider: trace.TracerProvider
) -> None:
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    assert layers("smart-city") == [RequestStateBoundary]


def test_with_a_tracer_provider_a_server_keeps_its_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = TracerProvider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    assert layers("customer-support") == [OpenTelemetryMiddleware, RequestStateBoundary]


def test_a_server_is_built_once_per_process_until_a_reset() -> None:
    agent = get_catalogue().get("enterprise")
    first = in_process_server(agent)
    assert in_process_server(agent) is first
    reset_in_process_servers()
    assert in_process_server(agent) is not first
