"""The shipped data: enough records of every kind, with references that resolve."""

from __future__ import annotations

import pytest
from tool_runner import shipped


@pytest.mark.parametrize(
    ("domain", "name"),
    [
        ("customer_support", "customers"),
        ("customer_support", "orders"),
        ("customer_support", "tickets"),
        ("smart_city", "sensors"),
        ("smart_city", "readings"),
        ("smart_city", "traffic_segments"),
        ("smart_city", "incidents"),
        ("smart_city", "service_requests"),
        ("enterprise", "inventory"),
        ("enterprise", "purchase_orders"),
        ("enterprise", "policies"),
        ("enterprise", "budgets"),
    ],
)
def test_each_data_file_holds_at_least_fifty_records(domain, name):
    assert len(shipped(domain, name)) >= 50


def test_customer_support_references_resolve():
    customers = {c["customer_id"] for c in shipped("customer_support", "customers")}
    orders = {o["order_id"]: o for o in shipped("customer_support", "orders")}

    assert {o["customer_id"] for o in orders.values()} <= customers
    for ticket in shipped("customer_support", "tickets"):
        assert ticket["customer_id"] in customers
        if ticket["order_id"] is not None:
            assert orders[ticket["order_id"]]["customer_id"] == ticket["customer_id"]


def test_smart_city_references_resolve():
    sensors = {s["sensor_id"] for s in shipped("smart_city", "sensors")}
    segments = {s["segment_id"] for s in shipped("smart_city", "traffic_segments")}
    incidents = {i["incident_id"]: i for i in shipped("smart_city", "incidents")}

    assert {r["sensor_id"] for r in shipped("smart_city", "readings")} == sensors
    for incident in incidents.values():
        assert incident["sensor_id"] is None or incident["sensor_id"] in sensors
        assert incident["segment_id"] is None or incident["segment_id"] in segments
    for segment in shipped("smart_city", "traffic_segments"):
        for incident_id in segment["incident_ids"]:
            assert incidents[incident_id]["segment_id"] == segment["segment_id"]


def test_enterprise_references_resolve():
    skus = {i["sku"] for i in shipped("enterprise", "inventory")}

    for order in shipped("enterprise", "purchase_orders"):
        assert {line["sku"] for line in order["lines"]} <= skus
        assert order["subtotal_jpy"] == sum(line["amount_jpy"] for line in order["lines"])
