"""The smart-city MCP tool server; served alone (see `agents.serve`) with
`python -m agents.smart_city.server --port 8102` and `MCP_SMART_CITY_URL=http://127.0.0.1:8102/mcp`."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from agents.params import IdempotencyKey, Limit, Text
from agents.serve import serve
from agents.smart_city.models import (
    AnomalyList,
    Congestion,
    District,
    IncidentList,
    IncidentStatus,
    MinLevel,
    RequestCategory,
    RequestPriority,
    RequestStatus,
    SensorReadings,
    SensorType,
    ServiceRequest,
    ServiceRequestList,
    Severity,
    TrafficReport,
)
from agents.smart_city.store import SmartCityStore
from agents.tool_hints import IDEMPOTENT_WRITE, READ_ONLY
from agents.tool_server import ToolServer

SensorId = Annotated[
    str, Field(pattern=r"^SNS-[A-Z]{2}-\d{3}$", description="Sensor id, e.g. SNS-WL-003.")
]
SegmentId = Annotated[str, Field(pattern=r"^SEG-\d{3}$", description="Segment id, e.g. SEG-009.")]
IncidentId = Annotated[
    str, Field(pattern=r"^INC-\d{4}-\d{4}$", description="Incident id, e.g. INC-2025-1250.")
]
Hours = Annotated[int, Field(ge=1, le=24, description="How many hourly readings to return.")]
Location = Annotated[str, Field(min_length=1, max_length=120, description="Place or address.")]

INSTRUCTIONS = (
    "City-operations tools of Yokohama's smart-city platform: IoT sensors (air quality, "
    "noise, river level, road surface temperature, bridge vibration), road traffic, "
    "incidents and citizens' service requests, for the wards 中区 西区 港北区 鶴見区 神奈川区 "
    "青葉区 戸塚区."
)


def create_server(store: SmartCityStore | None = None) -> MCPServer[Any]:
    """A smart-city tool server over `store`, by default a fresh copy of the shipped data."""
    data = store or SmartCityStore()
    server: MCPServer[Any] = ToolServer("smart-city", instructions=INSTRUCTIONS, version="1.0.0")

    @server.tool(annotations=READ_ONLY)
    async def get_sensor_readings(sensor_id: SensorId, hours: Hours = 6) -> SensorReadings:
        """Get a sensor (type, place, unit, thresholds, status) with its latest hourly
        readings, oldest first, and the level of the latest one (normal, warning,
        critical, offline or maintenance)."""
        return data.sensor_readings(sensor_id, hours)

    @server.tool(annotations=READ_ONLY)
    async def list_sensor_anomalies(
        district: District | None = None,
        sensor_type: SensorType | None = None,
        min_level: MinLevel = "warning",
        include_offline: bool = True,
    ) -> AnomalyList:
        """List the sensors whose latest reading crosses a warning or critical threshold,
        and (unless include_offline is false) the sensors sending no data, critical first,
        each with its unresolved incidents."""
        return data.anomalies(
            district=district,
            sensor_type=sensor_type,
            min_level=min_level,
            include_offline=include_offline,
        )

    @server.tool(annotations=READ_ONLY)
    async def get_traffic(
        segment_id: SegmentId | None = None,
        district: District | None = None,
        road: Annotated[str, Field(min_length=1, max_length=60)] | None = None,
        min_congestion: Congestion | None = None,
        limit: Limit = 20,
    ) -> TrafficReport:
        """Get current road traffic by segment: average speed, volume, congestion (free <
        moderate < heavy < standstill), travel time and related incidents. Filters combine;
        road matches part of the road name (e.g. 国道1号)."""
        return data.traffic(
            segment_id=segment_id,
            district=district,
            road=road,
            min_congestion=min_congestion,
            limit=limit,
        )

    @server.tool(annotations=READ_ONLY)
    async def list_incidents(
        status: list[IncidentStatus] | None = None,
        min_severity: Severity | None = None,
        district: District | None = None,
        incident_type: Annotated[str, Field(min_length=1, max_length=40)] | None = None,
        limit: Limit = 20,
    ) -> IncidentList:
        """List city incidents, most severe then newest first. Filters combine: status (any
        of the listed; open incidents are open, dispatched or monitoring), min_severity
        (low < medium < high < critical), district and incident_type (e.g. road_icing)."""
        return data.incidents(
            statuses=status,
            min_severity=min_severity,
            district=district,
            incident_type=incident_type,
            limit=limit,
        )

    @server.tool(annotations=READ_ONLY)
    async def list_service_requests(
        status: list[RequestStatus] | None = None,
        district: District | None = None,
        category: RequestCategory | None = None,
        limit: Limit = 20,
    ) -> ServiceRequestList:
        """List citizens' service requests (potholes, streetlights, garbage, ...), newest
        first. Filters combine."""
        return data.service_requests(
            statuses=status, district=district, category=category, limit=limit
        )

    @server.tool(annotations=IDEMPOTENT_WRITE)
    async def create_service_request(
        idempotency_key: IdempotencyKey,
        category: RequestCategory,
        district: District,
        location: Location,
        description: Text,
        priority: RequestPriority = "normal",
        incident_id: IncidentId | None = None,
    ) -> ServiceRequest:
        """File a service request for city crews, optionally linked to an incident. It
        starts as received; returns the new request with its id."""
        return data.create_service_request(
            idempotency_key=idempotency_key,
            category=category,
            district=district,
            location=location,
            description=description,
            priority=priority,
            incident_id=incident_id,
        )

    return server


if __name__ == "__main__":
    serve(create_server, default_port=8102)
