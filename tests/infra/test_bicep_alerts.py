"""The article's alerts (error rate, response time, replicas down) exist as metric alerts on
real metrics and notify the action group."""

from __future__ import annotations

from infra_model import bicep, config

ALERTS = "infra/modules/alerts.bicep"


def alerts() -> dict[str, dict]:
    return {
        name: config(res)
        for name, res in bicep(ALERTS)["resources"].items()
        if res["type"] == "Microsoft.Insights/metricAlerts"
    }


def criterion(alert: dict) -> dict:
    (single,) = alert["properties"]["criteria"]["allOf"]
    return single


def test_three_alerts_notify_the_action_group():
    found = alerts()
    assert set(found) == {"errorRate", "responseTime", "replicasDown"}
    for name, alert in found.items():
        assert alert["location"] == "global", name
        assert alert["properties"]["enabled"] is True, name
        (action,) = alert["properties"]["actions"]
        assert action["actionGroupId"]["operator"]["operands"]["operand_1"] == "actionGroup", name


def test_error_rate_counts_5xx_at_the_ingress():
    alert = alerts()["errorRate"]
    rule = criterion(alert)
    assert alert["properties"]["scopes"] == ["containerAppId"]
    assert rule["metricNamespace"] == "Microsoft.App/containerApps"
    assert rule["metricName"] == "Requests"
    assert rule["dimensions"] == [
        {"name": "statusCodeCategory", "operator": "Include", "values": ["5xx"]}
    ]
    assert rule["operator"] == "GreaterThan"
    assert rule["threshold"] == "errorCountThreshold"
    assert alert["properties"]["windowSize"] == "PT5M"
    assert bicep(ALERTS)["parameters"]["errorCountThreshold"]["default"] == 10


def test_response_time_uses_request_duration():
    alert = alerts()["responseTime"]
    rule = criterion(alert)
    assert alert["properties"]["scopes"] == ["applicationInsightsId"]
    assert rule["metricName"] == "requests/duration"
    assert rule["timeAggregation"] == "Average"
    assert alert["properties"]["windowSize"] == "PT10M"
    assert bicep(ALERTS)["parameters"]["responseTimeThresholdMs"]["default"] == 5000


def test_replicas_down_fires_below_one_replica():
    alert = alerts()["replicasDown"]
    rule = criterion(alert)
    assert rule["metricName"] == "Replicas"
    assert rule["operator"] == "LessThan"
    assert rule["threshold"] == 1
    assert rule["timeAggregation"] == "Maximum"


def test_action_group_mails_the_configured_addresses():
    group = config(bicep(ALERTS)["resources"]["actionGroup"])
    assert group["location"] == "global"
    assert len(group["properties"]["groupShortName"]) <= 12
    receivers = group["properties"]["emailReceivers"]
    assert receivers["loop_type"]["detail"]["array_name"] == "emails"
    main = config(bicep("infra/main.bicep")["modules"]["alerts"])["params"]
    assert main["emails"]["operator"]["operands"]["condition"]["function"]["type"] == "empty"
