"""Data access of the smart-city domain: the shipped records plus in-memory writes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from agents.errors import RecordNotFoundError
from agents.journal import WriteJournal
from agents.records import index_by, load_records
from agents.smart_city.models import (
    CONGESTION_RANK,
    SEVERITY_RANK,
    AnomalyLevel,
    AnomalyList,
    Congestion,
    District,
    Incident,
    IncidentList,
    IncidentStatus,
    Level,
    MinLevel,
    Reading,
    RequestCategory,
    RequestPriority,
    RequestStatus,
    Sensor,
    SensorAnomaly,
    SensorReadings,
    SensorSeries,
    SensorType,
    ServiceRequest,
    ServiceRequestList,
    Severity,
    TrafficReport,
    TrafficSegment,
)

DATA_DIR = Path(__file__).with_name("data")


class SmartCityStore:
    """The sensors, traffic, incidents and service requests one tool server works on."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self._sensors = index_by(load_records(data_dir / "sensors.json", Sensor), "sensor_id")
        series = load_records(data_dir / "readings.json", SensorSeries)
        self._readings = {s.sensor_id: s.readings for s in series}
        segments = load_records(data_dir / "traffic_segments.json", TrafficSegment)
        self._segments = index_by(segments, "segment_id")
        incidents = load_records(data_dir / "incidents.json", Incident)
        self._incidents = index_by(incidents, "incident_id")
        requests = load_records(data_dir / "service_requests.json", ServiceRequest)
        self._requests = index_by(requests, "request_id")
        self._journal = WriteJournal()

    def sensor_readings(self, sensor_id: str, hours: int) -> SensorReadings:
        """A sensor with its readings of the last `hours` hours it reported and their level."""
        sensor = self._sensor(sensor_id)
        readings = self._readings.get(sensor_id, [])
        latest = readings[-1] if readings else None
        return SensorReadings(
            sensor=sensor, level=_level(sensor, latest), latest=latest, readings=readings[-hours:]
        )

    def anomalies(
        self,
        *,
        district: District | None = None,
        sensor_type: SensorType | None = None,
        min_level: MinLevel = "warning",
        include_offline: bool = True,
    ) -> AnomalyList:
        """Sensors whose latest reading is at `min_level` or worse, and offline sensors."""
        found: list[SensorAnomaly] = []
        for sensor in self._sensors.values():
            if district and sensor.district != district:
                continue
            if sensor_type and sensor.sensor_type != sensor_type:
                continue
            readings = self._readings.get(sensor.sensor_id, [])
            latest = readings[-1] if readings else None
            anomaly = _anomaly(sensor, latest, min_level, include_offline)
            if anomaly is None:
                continue
            level, threshold = anomaly
            open_incidents = [
                i.incident_id
                for i in self._incidents.values()
                if i.sensor_id == sensor.sensor_id and i.status != "resolved"
            ]
            found.append(
                SensorAnomaly(
                    sensor_id=sensor.sensor_id,
                    sensor_type=sensor.sensor_type,
                    district=sensor.district,
                    location=sensor.location,
                    level=level,
                    latest=latest,
                    threshold=threshold,
                    unit=sensor.unit,
                    open_incident_ids=open_incidents,
                )
            )
        order = {"critical": 0, "warning": 1, "offline": 2}
        found.sort(key=lambda a: (order[a.level], a.sensor_id))
        return AnomalyList(total=len(found), anomalies=found)

    def traffic(
        self,
        *,
        segment_id: str | None = None,
        district: District | None = None,
        road: str | None = None,
        min_congestion: Congestion | None = None,
        limit: int = 20,
    ) -> TrafficReport:
        """Traffic segments matching every given filter, most congested first."""
        if segment_id is not None and segment_id not in self._segments:
            raise RecordNotFoundError("segment_id", "traffic segment", segment_id)
        floor = CONGESTION_RANK[min_congestion] if min_congestion else 0
        matches = [
            s
            for s in self._segments.values()
            if (segment_id is None or s.segment_id == segment_id)
            and (district is None or s.district == district)
            and (road is None or road in s.road)
            and CONGESTION_RANK[s.congestion] >= floor
        ]
        matches.sort(key=lambda s: (-CONGESTION_RANK[s.congestion], s.average_speed_kmh))
        return TrafficReport(total=len(matches), segments=matches[:limit])

    def incidents(
        self,
        *,
        statuses: list[IncidentStatus] | None = None,
        min_severity: Severity | None = None,
        district: District | None = None,
        incident_type: str | None = None,
        limit: int = 20,
    ) -> IncidentList:
        """Incidents matching every given filter, most severe first, then newest first."""
        floor = SEVERITY_RANK[min_severity] if min_severity else 0
        matches = [
            i
            for i in self._incidents.values()
            if (not statuses or i.status in statuses)
            and SEVERITY_RANK[i.severity] >= floor
            and (district is None or i.district == district)
            and (incident_type is None or i.incident_type == incident_type)
        ]
        matches.sort(key=lambda i: (-SEVERITY_RANK[i.severity], -i.reported_at.timestamp()))
        return IncidentList(total=len(matches), incidents=matches[:limit])

    def service_requests(
        self,
        *,
        statuses: list[RequestStatus] | None = None,
        district: District | None = None,
        category: RequestCategory | None = None,
        limit: int = 20,
    ) -> ServiceRequestList:
        """Service requests matching every given filter, newest first."""
        matches = [
            r
            for r in self._requests.values()
            if (not statuses or r.status in statuses)
            and (district is None or r.district == district)
            and (category is None or r.category == category)
        ]
        matches.sort(key=lambda r: r.created_at, reverse=True)
        return ServiceRequestList(total=len(matches), requests=matches[:limit])

    def create_service_request(
        self,
        *,
        idempotency_key: str,
        category: RequestCategory,
        district: District,
        location: str,
        description: str,
        priority: RequestPriority = "normal",
        incident_id: str | None = None,
    ) -> ServiceRequest:
        """File a new service request, once per key; it starts as `received`."""
        arguments = {
            "category": category,
            "district": district,
            "location": location,
            "description": description,
            "priority": priority,
            "incident_id": incident_id,
        }

        def write() -> ServiceRequest:
            if incident_id is not None and incident_id not in self._incidents:
                raise RecordNotFoundError("incident_id", "incident", incident_id)
            now = datetime.now(UTC)
            request = ServiceRequest(
                request_id=f"SR-{now.year}-{len(self._requests) + 1:05d}",
                category=category,
                district=district,
                location=location,
                description=description,
                priority=priority,
                status="received",
                channel="agent",
                incident_id=incident_id,
                created_at=now,
                updated_at=now,
            )
            self._requests[request.request_id] = request
            return request

        return self._journal.apply(idempotency_key, "create_service_request", arguments, write)

    def _sensor(self, sensor_id: str) -> Sensor:
        try:
            return self._sensors[sensor_id]
        except KeyError:
            raise RecordNotFoundError("sensor_id", "sensor", sensor_id) from None


def _level(sensor: Sensor, latest: Reading | None) -> Level:
    """How the latest reading compares with the sensor's thresholds."""
    if sensor.status != "online":
        return sensor.status
    if latest is None:
        return "offline"
    sign = 1 if sensor.threshold_direction == "above" else -1
    if sign * latest.value >= sign * sensor.critical_threshold:
        return "critical"
    if sign * latest.value >= sign * sensor.warning_threshold:
        return "warning"
    return "normal"


def _anomaly(
    sensor: Sensor, latest: Reading | None, min_level: MinLevel, include_offline: bool
) -> tuple[AnomalyLevel, float | None] | None:
    """The anomaly level and crossed threshold of a sensor, if it is to be reported."""
    level = _level(sensor, latest)
    if level == "offline":
        return ("offline", None) if include_offline else None
    if level == "critical":
        return "critical", sensor.critical_threshold
    if level == "warning" and min_level == "warning":
        return "warning", sensor.warning_threshold
    return None
