"""The enterprise tools, called through the MCP client over the shipped data."""

from __future__ import annotations

import pytest
from tool_runner import shipped


def stocked_item(min_available: int = 10) -> tuple[str, str, int]:
    """An item, a warehouse holding it and what is available there."""
    for item in shipped("enterprise", "inventory"):
        for level in item["stock"]:
            available = level["on_hand"] - level["reserved"]
            if available >= min_available:
                return item["sku"], level["warehouse"], available
    raise AssertionError("no item has enough stock")


def reservation(sku: str, warehouse: str, **overrides: object) -> dict[str, object]:
    arguments: dict[str, object] = {
        "idempotency_key": "rsv-1",
        "sku": sku,
        "warehouse": warehouse,
        "quantity": 5,
        "reference": "受注 SO-2025-1187",
    }
    return arguments | overrides


async def available_at(enterprise, sku: str, warehouse: str) -> int:
    report = await enterprise.ok("check_inventory", sku=sku, warehouse=warehouse)
    return report["items"][0]["stock"][0]["available"]


async def test_check_inventory_by_sku_shows_available_stock_per_warehouse(enterprise):
    report = await enterprise.ok("check_inventory", sku="SKU-10001")

    item = report["items"][0]
    assert report["total"] == 1
    assert item["sku"] == "SKU-10001"
    for level in item["stock"]:
        assert level["available"] == level["on_hand"] - level["reserved"]
        assert level["below_reorder_point"] == (level["available"] < item["reorder_point"])
    assert item["total_available"] == sum(level["available"] for level in item["stock"])


async def test_check_inventory_finds_items_by_japanese_or_english_name(enterprise):
    japanese = await enterprise.ok("check_inventory", query="ベアリング")
    english = await enterprise.ok("check_inventory", query="bearing")

    assert japanese["total"] >= 1
    assert [i["sku"] for i in english["items"]] == [i["sku"] for i in japanese["items"]]


async def test_check_inventory_lists_items_below_their_reorder_point(enterprise):
    report = await enterprise.ok("check_inventory", below_reorder_point=True, limit=100)

    expected = {
        item["sku"]
        for item in shipped("enterprise", "inventory")
        if any(s["on_hand"] - s["reserved"] < item["reorder_point"] for s in item["stock"])
    }
    assert expected
    assert {i["sku"] for i in report["items"]} == expected


async def test_check_inventory_narrows_stock_to_one_warehouse(enterprise):
    report = await enterprise.ok("check_inventory", warehouse="FKO-01", category="IT機器")

    assert report["total"] > 0
    for item in report["items"]:
        assert item["category"] == "IT機器"
        assert [s["warehouse"] for s in item["stock"]] == ["FKO-01"]


async def test_check_inventory_rejects_bad_and_unknown_skus(enterprise):
    malformed = await enterprise.error("check_inventory", sku="10001")
    unknown = await enterprise.error("check_inventory", sku="SKU-99999")

    assert "\nsku" in malformed
    assert "sku: item 'SKU-99999' was not found" in unknown


async def test_reserve_inventory_sets_stock_aside(enterprise):
    sku, warehouse, available = stocked_item()

    result = await enterprise.ok("reserve_inventory", **reservation(sku, warehouse))

    assert result["reservation_id"].startswith("RSV-")
    assert result["stock_after"]["available"] == available - 5
    assert await available_at(enterprise, sku, warehouse) == available - 5


async def test_reserve_inventory_with_the_same_key_reserves_once(enterprise):
    sku, warehouse, available = stocked_item()

    first = await enterprise.ok("reserve_inventory", **reservation(sku, warehouse))
    second = await enterprise.ok("reserve_inventory", **reservation(sku, warehouse))

    assert second == first
    assert await available_at(enterprise, sku, warehouse) == available - 5


async def test_reserve_inventory_refuses_more_than_available(enterprise):
    sku, warehouse, available = stocked_item()

    error = await enterprise.error(
        "reserve_inventory", **reservation(sku, warehouse, quantity=available + 1)
    )

    assert f"quantity: only {available} " in error
    assert await available_at(enterprise, sku, warehouse) == available


async def test_reserve_inventory_refuses_a_warehouse_without_the_item(enterprise):
    item = next(i for i in shipped("enterprise", "inventory") if len(i["stock"]) < 3)
    held = {s["warehouse"] for s in item["stock"]}
    missing = next(w for w in ("TKY-01", "OSK-01", "FKO-01") if w not in held)

    error = await enterprise.error("reserve_inventory", **reservation(item["sku"], missing))

    assert f"warehouse: item '{item['sku']}' is not stocked at {missing}" in error


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"warehouse": "NGY-01"}, "warehouse"),
        ({"reference": ""}, "reference"),
        ({"idempotency_key": ""}, "idempotency_key"),
    ],
)
async def test_reserve_inventory_rejects_invalid_arguments_naming_the_field(
    enterprise, overrides, field
):
    arguments = reservation("SKU-10001", "TKY-01") | overrides

    error = await enterprise.error("reserve_inventory", **arguments)

    assert f"\n{field}" in error


async def test_get_purchase_order_returns_lines_and_totals_that_add_up(enterprise):
    order = await enterprise.ok("get_purchase_order", po_number="PO-2025-0042")

    assert order["po_number"] == "PO-2025-0042"
    assert order["subtotal_jpy"] == sum(line["amount_jpy"] for line in order["lines"])
    assert order["total_jpy"] == order["subtotal_jpy"] + order["tax_jpy"]


async def test_get_purchase_order_rejects_bad_and_unknown_numbers(enterprise):
    malformed = await enterprise.error("get_purchase_order", po_number="42")
    unknown = await enterprise.error("get_purchase_order", po_number="PO-2025-9999")

    assert "\npo_number" in malformed
    assert "po_number: purchase order 'PO-2025-9999' was not found" in unknown


async def test_list_purchase_orders_filters_by_status_and_department(enterprise):
    pending = await enterprise.ok("list_purchase_orders", status=["pending_approval"])
    production = await enterprise.ok("list_purchase_orders", department="製造部", limit=100)

    assert pending["total"] > 0
    assert {o["status"] for o in pending["purchase_orders"]} == {"pending_approval"}
    assert {o["department"] for o in production["purchase_orders"]} == {"製造部"}
    created = [o["created_at"] for o in production["purchase_orders"]]
    assert created == sorted(created, reverse=True)


async def test_lookup_policy_by_id(enterprise):
    result = await enterprise.ok("lookup_policy", policy_id="POL-APR-001")

    assert result["total"] == 1
    policy = result["policies"][0]
    assert policy["title"] == "決裁権限規程"
    assert policy["approval_threshold_jpy"] == 1000000


async def test_lookup_policy_ranks_by_matching_words_in_either_language(enterprise):
    japanese = await enterprise.ok("lookup_policy", query="出張 宿泊費")
    english = await enterprise.ok("lookup_policy", query="travel", category="travel")

    assert japanese["policies"][0]["policy_id"] == "POL-TRV-001"
    assert english["total"] > 0
    assert {p["category"] for p in english["policies"]} == {"travel"}


async def test_lookup_policy_refuses_an_id_with_a_query_and_unknown_ids(enterprise):
    mixed = await enterprise.error("lookup_policy", policy_id="POL-APR-001", query="決裁")
    unknown = await enterprise.error("lookup_policy", policy_id="POL-APR-999")

    assert "policy_id: give policy_id alone, or query/category" in mixed
    assert "policy_id: policy 'POL-APR-999' was not found" in unknown


async def test_get_budget_status_sums_the_quarters(enterprise):
    status = await enterprise.ok("get_budget_status", department="製造部")

    assert [p["quarter"] for p in status["periods"]] == ["Q1", "Q2", "Q3", "Q4"]
    assert status["allocated_jpy"] == sum(p["allocated_jpy"] for p in status["periods"])
    assert status["remaining_jpy"] == (
        status["allocated_jpy"] - status["spent_jpy"] - status["committed_jpy"]
    )
    assert status["over_budget"] == (status["remaining_jpy"] < 0)
    for period in status["periods"]:
        used = period["spent_jpy"] + period["committed_jpy"]
        assert period["utilization_pct"] == round(100 * used / period["allocated_jpy"], 1)


async def test_get_budget_status_for_one_quarter(enterprise):
    status = await enterprise.ok("get_budget_status", department="営業部", quarter="Q3")

    expected = next(
        b
        for b in shipped("enterprise", "budgets")
        if b["department"] == "営業部" and b["quarter"] == "Q3"
    )
    assert [p["quarter"] for p in status["periods"]] == ["Q3"]
    assert status["spent_jpy"] == expected["spent_jpy"]


async def test_get_budget_status_rejects_unknown_departments_and_years(enterprise):
    department = await enterprise.error("get_budget_status", department="Sales")
    year = await enterprise.error("get_budget_status", department="営業部", fiscal_year=2019)

    assert "\ndepartment" in department
    assert "fiscal_year: budget '営業部 FY2019' was not found" in year
