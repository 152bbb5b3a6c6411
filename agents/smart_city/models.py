"""Records of the smart-city domain and the results its tools return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

District = Literal["中区", "西区", "港北区", "鶴見区", "神奈川区", "青葉区", "戸塚区"]
SensorType = Literal[
    "air_quality_pm25", "noise", "water_level", "road_surface_temp", "bridge_vibration"
]
SensorStatus = Literal["online", "offline", "maintenance"]
Level = Literal["normal", "warning", "critical", "offline", "maintenance"]
AnomalyLevel = Literal["warning", "critical", "offline"]
MinLevel = Literal["warning", "critical"]
Congestion = Literal["free", "moderate", "heavy", "standstill"]
Severity = Literal["low", "medium", "high", "critical"]
IncidentStatus = Literal["open", "dispatched", "monitoring", "resolved"]
RequestCategory = Literal[
    "pothole",
    "streetlight",
    "garbage",
    "graffiti",
    "noise_complaint",
    "tree_maintenance",
    "water_leak",
    "illegal_parking",
]
RequestPriority = Literal["low", "normal", "high", "urgent"]
RequestStatus = Literal["received", "assigned", "in_progress", "completed", "rejected"]

CONGESTION_RANK: dict[str, int] = {"free": 0, "moderate": 1, "heavy": 2, "standstill": 3}
SEVERITY_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2, "critical": 3}


class Record(BaseModel):
    """A stored record: immutable, changed only by replacing it."""

    model_config = ConfigDict(frozen=True)


class Sensor(Record):
    sensor_id: str
    sensor_type: SensorType
    district: District
    location: str
    latitude: float
    longitude: float
    unit: str
    warning_threshold: float
    critical_threshold: float
    threshold_direction: Literal["above", "below"] = Field(
        description="Whether readings above or below the thresholds are anomalous."
    )
    status: SensorStatus
    installed_on: date


class Reading(Record):
    at: datetime
    value: float


class SensorSeries(Record):
    sensor_id: str
    readings: list[Reading]


class TrafficSegment(Record):
    segment_id: str
    road: str
    district: District
    from_point: str
    to_point: str
    length_km: float
    speed_limit_kmh: int
    average_speed_kmh: float
    volume_vehicles_per_hour: int
    congestion: Congestion
    travel_time_min: float
    observed_at: datetime
    incident_ids: list[str]


class Incident(Record):
    incident_id: str
    incident_type: str
    title: str
    description: str
    severity: Severity
    status: IncidentStatus
    district: District
    location: str
    segment_id: str | None
    sensor_id: str | None
    reported_at: datetime
    assigned_unit: str | None
    resolved_at: datetime | None


class ServiceRequest(Record):
    request_id: str
    category: RequestCategory
    district: District
    location: str
    description: str
    priority: RequestPriority
    status: RequestStatus
    channel: Literal["app", "phone", "web", "counter", "agent"]
    incident_id: str | None
    created_at: datetime
    updated_at: datetime


class SensorReadings(BaseModel):
    """A sensor, its latest readings (oldest first) and the level of the latest one."""

    sensor: Sensor
    level: Level
    latest: Reading | None
    readings: list[Reading]


class SensorAnomaly(BaseModel):
    """A sensor whose latest reading crosses a threshold, or which sends no data."""

    sensor_id: str
    sensor_type: SensorType
    district: District
    location: str
    level: AnomalyLevel
    latest: Reading | None
    threshold: float | None = Field(description="The threshold crossed, if any.")
    unit: str
    open_incident_ids: list[str] = Field(description="Unresolved incidents about this sensor.")


class AnomalyList(BaseModel):
    """Current sensor anomalies, critical first."""

    total: int
    anomalies: list[SensorAnomaly]


class TrafficReport(BaseModel):
    """Traffic segments, most congested first."""

    total: int
    segments: list[TrafficSegment]


class IncidentList(BaseModel):
    """Incidents, most severe first, then newest first."""

    total: int
    incidents: list[Incident]


class ServiceRequestList(BaseModel):
    """Citizen service requests, newest first."""

    total: int
    requests: list[ServiceRequest]
