"""Where telemetry goes, decided once per process from the settings:

- APPLICATIONINSIGHTS_CONNECTION_STRING set: Azure Monitor (`configure_azure_monitor`), signed
  in with the managed identity AZURE_CLIENT_ID names when set (the resource accepts Entra ID
  ingestion only in Azure);
- else OTEL_EXPORTER_OTLP_ENDPOINT set: the OpenTelemetry SDK exporting spans and metrics over
  OTLP http/protobuf to `{endpoint}/v1/traces` and `{endpoint}/v1/metrics`;
- else off: nothing is installed and the API's no-op providers stay, so nothing is printed.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from core.settings import Settings, get_settings

TelemetryBackend = Literal["azure_monitor", "otlp", "off"]
DEFAULT_SERVICE_NAME = "durable-agent-coordinator"

_lock = threading.Lock()
_backend: TelemetryBackend | None = None


def service_resource() -> Resource:
    """The process's resource: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES when set,
    else service.name `durable-agent-coordinator`."""
    detected = Resource.create()
    if str(detected.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        return detected.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    return detected


def otlp_providers(endpoint: str, resource: Resource) -> tuple[TracerProvider, MeterProvider]:
    """A tracer and a meter provider exporting over OTLP http/protobuf to `endpoint`."""
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    base = endpoint.rstrip("/")
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{base}/v1/traces"))
    )
    reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{base}/v1/metrics"))
    return tracer_provider, MeterProvider(resource=resource, metric_readers=[reader])


def _azure_monitor(settings: Settings, connection_string: str) -> None:
    # Imported here: the distro loads every instrumentation it ships, which a process that
    # sends no telemetry should not pay for at cold start.
    from azure.monitor.opentelemetry import configure_azure_monitor

    options: dict[str, Any] = {
        "connection_string": connection_string,
        "resource": service_resource(),
        # The Functions host already ships the worker's log records to Application Insights;
        # exporting them here as well would store every line twice.
        "disable_logging": True,
    }
    if settings.AZURE_CLIENT_ID:
        from azure.identity import ManagedIdentityCredential

        options["credential"] = ManagedIdentityCredential(client_id=settings.AZURE_CLIENT_ID)
    configure_azure_monitor(**options)


def configure_telemetry(settings: Settings | None = None) -> TelemetryBackend:
    """Install the telemetry backend the settings choose, once per process; later calls
    return the backend chosen first and change nothing."""
    global _backend
    with _lock:
        if _backend is not None:
            return _backend
        settings = settings or get_settings()
        if settings.APPLICATIONINSIGHTS_CONNECTION_STRING:
            _azure_monitor(settings, settings.APPLICATIONINSIGHTS_CONNECTION_STRING)
            _backend = "azure_monitor"
        elif settings.OTEL_EXPORTER_OTLP_ENDPOINT:
            tracer_provider, meter_provider = otlp_providers(
                settings.OTEL_EXPORTER_OTLP_ENDPOINT, service_resource()
            )
            trace.set_tracer_provider(tracer_provider)
            metrics.set_meter_provider(meter_provider)
            _backend = "otlp"
        else:
            _backend = "off"
        return _backend
