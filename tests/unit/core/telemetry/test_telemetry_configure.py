"""`configure_telemetry`: off with nothing set, OTLP http/protobuf to a local sink, Azure Monitor
with the managed identity, and once per process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import azure.monitor.opentelemetry
import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace import TracerProvider

import core.telemetry.configure as configure
from core.settings import Settings
from core.telemetry import (
    DEFAULT_SERVICE_NAME,
    configure_telemetry,
    otlp_providers,
    record_tokens,
    service_resource,
)
from core.telemetry.spans import tracer


def settings(**values: Any) -> Settings:
    """Settings with no telemetry destination unless `values` name one."""
    unset = {
        "APPLICATIONINSIGHTS_CONNECTION_STRING": None,
        "OTEL_EXPORTER_OTLP_ENDPOINT": None,
        "AZURE_CLIENT_ID": None,
    }
    return Settings(**{**unset, **values})


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Any]]]:
    """Records what configure_telemetry would install globally, instead of installing it."""
    calls: dict[str, list[Any]] = {"tracer": [], "meter": [], "azure_monitor": []}
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    monkeypatch.setattr(configure, "_backend", None)
    monkeypatch.setattr(trace, "set_tracer_provider", calls["tracer"].append)
    monkeypatch.setattr(metrics, "set_meter_provider", calls["meter"].append)
    monkeypatch.setattr(
        azure.monitor.opentelemetry,
        "configure_azure_monitor",
        lambda **options: calls["azure_monitor"].append(options),
    )
    yield calls
    for provider in (*calls["tracer"], *calls["meter"]):
        provider.shutdown()


@contextmanager
def otlp_sink() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A loopback OTLP/HTTP receiver; yields its base URL and the (path, content type) of
    every export it received."""
    received: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_nothing_set_installs_nothing(installed):
    tracer_provider, meter_provider = trace.get_tracer_provider(), metrics.get_meter_provider()

    assert configure_telemetry(settings()) == "off"

    assert installed == {"tracer": [], "meter": [], "azure_monitor": []}
    assert trace.get_tracer_provider() is tracer_provider
    assert metrics.get_meter_provider() is meter_provider


def test_otlp_endpoint_installs_the_sdk(installed):
    assert configure_telemetry(settings(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:1")) == "otlp"

    (tracer_provider,) = installed["tracer"]
    (meter_provider,) = installed["meter"]
    assert isinstance(tracer_provider, TracerProvider)
    assert isinstance(meter_provider, MeterProvider)
    assert tracer_provider.resource.attributes["service.name"] == DEFAULT_SERVICE_NAME
    assert installed["azure_monitor"] == []


def test_connection_string_configures_azure_monitor_with_the_managed_identity(installed):
    chosen = settings(
        APPLICATIONINSIGHTS_CONNECTION_STRING="InstrumentationKey=k;IngestionEndpoint=https://x/",
        AZURE_CLIENT_ID="mi-client-id",
        OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:1",
    )

    assert configure_telemetry(chosen) == "azure_monitor"

    (options,) = installed["azure_monitor"]
    assert options["connection_string"] == chosen.APPLICATIONINSIGHTS_CONNECTION_STRING
    assert options["disable_logging"] is True
    assert type(options["credential"]).__name__ == "ManagedIdentityCredential"
    assert installed["tracer"] == installed["meter"] == []


def test_configuration_happens_once(installed):
    first = configure_telemetry(settings(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:1"))
    again = configure_telemetry(
        settings(APPLICATIONINSIGHTS_CONNECTION_STRING="InstrumentationKey=k")
    )

    assert first == again == "otlp"
    assert len(installed["tracer"]) == 1
    assert installed["azure_monitor"] == []


def test_connection_string_without_a_managed_identity_uses_the_key(installed):
    configure_telemetry(settings(APPLICATIONINSIGHTS_CONNECTION_STRING="InstrumentationKey=k"))

    (options,) = installed["azure_monitor"]
    assert "credential" not in options


def test_service_name_from_the_environment_wins(monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "coordinator-staging")

    assert service_resource().attributes["service.name"] == "coordinator-staging"


def test_otlp_providers_export_protobuf_over_http(monkeypatch):
    with otlp_sink() as (endpoint, received):
        tracer_provider, meter_provider = otlp_providers(endpoint, service_resource())
        monkeypatch.setattr(trace, "get_tracer_provider", lambda: tracer_provider)
        monkeypatch.setattr(metrics, "get_meter_provider", lambda: meter_provider)

        with tracer().start_as_current_span("probe"):
            pass
        record_tokens("enterprise", "gpt-4o", 1, 1)
        tracer_provider.shutdown()
        meter_provider.shutdown()

    assert ("/v1/traces", "application/x-protobuf") in received
    assert ("/v1/metrics", "application/x-protobuf") in received
