"""The smart-city tools, called through the MCP client over the shipped data."""

from __future__ import annotations

import pytest
from tool_runner import shipped

SEVERITY = {"low": 0, "medium": 1, "high": 2, "critical": 3}
CONGESTION = {"free": 0, "moderate": 1, "heavy": 2, "standstill": 3}


def crosses(sensor: dict, value: float, threshold: float) -> bool:
    return value >= threshold if sensor["threshold_direction"] == "above" else value <= threshold


def service_request(**overrides: object) -> dict[str, object]:
    arguments: dict[str, object] = {
        "idempotency_key": "sr-1",
        "category": "pothole",
        "district": "中区",
        "location": "本町通り 4丁目",
        "description": "車道に直径30cmほどの穴があいている。",
    }
    return arguments | overrides


async def test_get_sensor_readings_returns_the_latest_hours_oldest_first(smart_city):
    result = await smart_city.ok("get_sensor_readings", sensor_id="SNS-WL-008", hours=3)

    series = next(s for s in shipped("smart_city", "readings") if s["sensor_id"] == "SNS-WL-008")
    assert [r["value"] for r in result["readings"]] == [r["value"] for r in series["readings"][-3:]]
    assert result["latest"] == result["readings"][-1]
    sensor = result["sensor"]
    assert sensor["sensor_type"] == "water_level"
    assert result["level"] == "critical"
    assert crosses(sensor, result["latest"]["value"], sensor["critical_threshold"])


async def test_get_sensor_readings_reports_offline_and_maintenance_sensors(smart_city):
    sensors = shipped("smart_city", "sensors")
    offline = next(s["sensor_id"] for s in sensors if s["status"] == "offline")
    maintenance = next(s["sensor_id"] for s in sensors if s["status"] == "maintenance")

    assert (await smart_city.ok("get_sensor_readings", sensor_id=offline))["level"] == "offline"
    assert (await smart_city.ok("get_sensor_readings", sensor_id=maintenance))[
        "level"
    ] == "maintenance"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"sensor_id": "WL-008"}, "sensor_id"),
        ({"sensor_id": "SNS-WL-008", "hours": 0}, "hours"),
        ({"sensor_id": "SNS-WL-008", "hours": 25}, "hours"),
    ],
)
async def test_get_sensor_readings_rejects_invalid_arguments_naming_the_field(
    smart_city, arguments, field
):
    error = await smart_city.error("get_sensor_readings", **arguments)

    assert f"\n{field}" in error


async def test_get_sensor_readings_reports_an_unknown_sensor(smart_city):
    error = await smart_city.error("get_sensor_readings", sensor_id="SNS-WL-999")

    assert "sensor_id: sensor 'SNS-WL-999' was not found" in error


async def test_list_sensor_anomalies_reports_every_crossed_threshold_and_offline_sensor(
    smart_city,
):
    result = await smart_city.ok("list_sensor_anomalies")

    sensors = {s["sensor_id"]: s for s in shipped("smart_city", "sensors")}
    latest = {s["sensor_id"]: s["readings"][-1]["value"] for s in shipped("smart_city", "readings")}
    expected = {
        sid
        for sid, s in sensors.items()
        if s["status"] == "offline"
        or (s["status"] == "online" and crosses(s, latest[sid], s["warning_threshold"]))
    }
    assert {a["sensor_id"] for a in result["anomalies"]} == expected
    assert result["total"] == len(expected)
    for anomaly in result["anomalies"]:
        sensor = sensors[anomaly["sensor_id"]]
        if anomaly["level"] == "offline":
            assert anomaly["threshold"] is None
        else:
            assert anomaly["threshold"] == sensor[f"{anomaly['level']}_threshold"]
            assert crosses(sensor, anomaly["latest"]["value"], anomaly["threshold"])
    order = {"critical": 0, "warning": 1, "offline": 2}
    levels = [order[a["level"]] for a in result["anomalies"]]
    assert levels == sorted(levels)


async def test_list_sensor_anomalies_links_unresolved_incidents(smart_city):
    result = await smart_city.ok("list_sensor_anomalies", min_level="critical")

    river = next(a for a in result["anomalies"] if a["sensor_id"] == "SNS-WL-008")
    incidents = {i["incident_id"]: i for i in shipped("smart_city", "incidents")}
    assert river["open_incident_ids"]
    for incident_id in river["open_incident_ids"]:
        assert incidents[incident_id]["sensor_id"] == "SNS-WL-008"
        assert incidents[incident_id]["status"] != "resolved"


async def test_list_sensor_anomalies_filters_by_level_type_and_district(smart_city):
    critical = await smart_city.ok(
        "list_sensor_anomalies", min_level="critical", include_offline=False
    )
    rivers = await smart_city.ok("list_sensor_anomalies", sensor_type="water_level")
    tsurumi = await smart_city.ok("list_sensor_anomalies", district="鶴見区")

    assert critical["total"] > 0
    assert {a["level"] for a in critical["anomalies"]} == {"critical"}
    assert {a["sensor_type"] for a in rivers["anomalies"]} == {"water_level"}
    assert {a["district"] for a in tsurumi["anomalies"]} == {"鶴見区"}


async def test_list_sensor_anomalies_rejects_an_unknown_district(smart_city):
    error = await smart_city.error("list_sensor_anomalies", district="渋谷区")

    assert "\ndistrict" in error


async def test_get_traffic_lists_congested_segments_worst_first(smart_city):
    result = await smart_city.ok("get_traffic", min_congestion="heavy", limit=100)

    expected = {
        s["segment_id"]
        for s in shipped("smart_city", "traffic_segments")
        if CONGESTION[s["congestion"]] >= CONGESTION["heavy"]
    }
    assert {s["segment_id"] for s in result["segments"]} == expected
    ranks = [-CONGESTION[s["congestion"]] for s in result["segments"]]
    assert ranks == sorted(ranks)


async def test_get_traffic_finds_one_segment_or_a_road(smart_city):
    one = await smart_city.ok("get_traffic", segment_id="SEG-009")
    road = await smart_city.ok("get_traffic", road="国道1号")

    assert [s["segment_id"] for s in one["segments"]] == ["SEG-009"]
    assert road["total"] > 0
    assert all("国道1号" in s["road"] for s in road["segments"])


async def test_get_traffic_reports_an_unknown_segment(smart_city):
    error = await smart_city.error("get_traffic", segment_id="SEG-999")

    assert "segment_id: traffic segment 'SEG-999' was not found" in error


async def test_list_incidents_lists_open_severe_incidents_most_severe_first(smart_city):
    result = await smart_city.ok(
        "list_incidents", status=["open", "dispatched"], min_severity="high", limit=100
    )

    expected = {
        i["incident_id"]
        for i in shipped("smart_city", "incidents")
        if i["status"] in {"open", "dispatched"} and SEVERITY[i["severity"]] >= SEVERITY["high"]
    }
    assert expected
    assert {i["incident_id"] for i in result["incidents"]} == expected
    severities = [-SEVERITY[i["severity"]] for i in result["incidents"]]
    assert severities == sorted(severities)


async def test_list_incidents_filters_by_district_and_type(smart_city):
    result = await smart_city.ok("list_incidents", incident_type="road_icing", limit=100)
    district = await smart_city.ok("list_incidents", district="港北区", limit=100)

    assert result["total"] > 0
    assert {i["incident_type"] for i in result["incidents"]} == {"road_icing"}
    assert {i["district"] for i in district["incidents"]} == {"港北区"}


async def test_list_incidents_rejects_an_unknown_status(smart_city):
    error = await smart_city.error("list_incidents", status=["closed"])

    assert "\nstatus" in error


async def test_list_service_requests_lists_newest_first_with_filters(smart_city):
    result = await smart_city.ok("list_service_requests", status=["received"], limit=100)

    created = [r["created_at"] for r in result["requests"]]
    assert created == sorted(created, reverse=True)
    assert {r["status"] for r in result["requests"]} == {"received"}


async def test_create_service_request_files_a_received_request(smart_city):
    before = await smart_city.ok("list_service_requests", limit=1)

    request = await smart_city.ok(
        "create_service_request", **service_request(incident_id="INC-2025-1250", priority="high")
    )

    assert request["status"] == "received"
    assert request["channel"] == "agent"
    assert request["incident_id"] == "INC-2025-1250"
    after = await smart_city.ok("list_service_requests", limit=1)
    assert after["total"] == before["total"] + 1
    assert after["requests"][0] == request


async def test_create_service_request_with_the_same_key_files_one_request(smart_city):
    before = await smart_city.ok("list_service_requests", limit=1)

    first = await smart_city.ok("create_service_request", **service_request())
    second = await smart_city.ok("create_service_request", **service_request())

    assert second == first
    after = await smart_city.ok("list_service_requests", limit=1)
    assert after["total"] == before["total"] + 1


async def test_create_service_request_with_a_new_key_files_another_request(smart_city):
    first = await smart_city.ok("create_service_request", **service_request())
    second = await smart_city.ok("create_service_request", **service_request(idempotency_key="sr-2"))

    assert second["request_id"] != first["request_id"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"district": "渋谷区"}, "district"),
        ({"category": "fireworks"}, "category"),
        ({"description": ""}, "description"),
        ({"idempotency_key": "has space"}, "idempotency_key"),
        ({"incident_id": "1250"}, "incident_id"),
    ],
)
async def test_create_service_request_rejects_invalid_arguments_naming_the_field(
    smart_city, overrides, field
):
    error = await smart_city.error("create_service_request", **service_request(**overrides))

    assert f"\n{field}" in error


async def test_create_service_request_reports_an_unknown_incident_and_files_nothing(smart_city):
    before = await smart_city.ok("list_service_requests", limit=1)

    error = await smart_city.error(
        "create_service_request", **service_request(incident_id="INC-2025-9999")
    )

    assert "incident_id: incident 'INC-2025-9999' was not found" in error
    after = await smart_city.ok("list_service_requests", limit=1)
    assert after["total"] == before["total"]
