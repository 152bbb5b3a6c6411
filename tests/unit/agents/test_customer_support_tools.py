"""The customer-support tools, called through the MCP client over the shipped data."""

from __future__ import annotations

import pytest
from tool_runner import shipped

RANK = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
UNRESOLVED = {"open", "in_progress", "waiting_on_customer"}


def open_ticket_id(min_rank: int = 0) -> str:
    """A ticket of the shipped data that is open, for update tests."""
    return next(
        t["ticket_id"]
        for t in shipped("customer_support", "tickets")
        if t["status"] == "open" and RANK[t["priority"]] >= min_rank
    )


async def test_lookup_customer_by_id_returns_profile_orders_and_open_tickets(customer_support):
    profile = await customer_support.ok("lookup_customer", customer_id="CUST-0006")

    assert profile["customer"]["customer_id"] == "CUST-0006"
    assert profile["customer"]["language"] == "en"
    orders = profile["recent_orders"]
    assert 1 <= len(orders) <= 5
    assert all(o["customer_id"] == "CUST-0006" for o in orders)
    assert [o["ordered_at"] for o in orders] == sorted((o["ordered_at"] for o in orders), reverse=True)
    expected_open = {
        t["ticket_id"]
        for t in shipped("customer_support", "tickets")
        if t["customer_id"] == "CUST-0006" and t["status"] in UNRESOLVED
    }
    assert {t["ticket_id"] for t in profile["open_tickets"]} == expected_open


async def test_lookup_customer_by_email_ignores_case(customer_support):
    customer = shipped("customer_support", "customers")[0]

    profile = await customer_support.ok("lookup_customer", email=customer["email"].upper())

    assert profile["customer"]["customer_id"] == customer["customer_id"]


@pytest.mark.parametrize(
    "arguments",
    [{}, {"customer_id": "CUST-0001", "email": "shota.yamada1@example.jp"}],
    ids=["neither", "both"],
)
async def test_lookup_customer_needs_exactly_one_key(customer_support, arguments):
    error = await customer_support.error("lookup_customer", **arguments)

    assert "customer_id: give exactly one of customer_id or email" in error


async def test_lookup_customer_rejects_malformed_id_naming_the_field(customer_support):
    error = await customer_support.error("lookup_customer", customer_id="12")

    assert "customer_id" in error
    assert "pattern" in error


async def test_lookup_customer_reports_unknown_id_and_email(customer_support):
    by_id = await customer_support.error("lookup_customer", customer_id="CUST-9999")
    by_email = await customer_support.error("lookup_customer", email="nobody@example.jp")

    assert "customer_id: customer 'CUST-9999' was not found" in by_id
    assert "email: customer 'nobody@example.jp' was not found" in by_email


async def test_get_order_returns_lines_that_add_up_to_the_total(customer_support):
    order = await customer_support.ok("get_order", order_id="ORD-2025-00042")

    assert order["order_id"] == "ORD-2025-00042"
    lines = order["lines"]
    assert order["total_jpy"] == sum(line["quantity"] * line["unit_price_jpy"] for line in lines)


async def test_get_order_rejects_bad_and_unknown_ids(customer_support):
    malformed = await customer_support.error("get_order", order_id="42")
    unknown = await customer_support.error("get_order", order_id="ORD-2025-99999")

    assert "order_id" in malformed
    assert "order_id: order 'ORD-2025-99999' was not found" in unknown


async def test_get_ticket_returns_the_ticket_and_reports_unknown_ids(customer_support):
    ticket = await customer_support.ok("get_ticket", ticket_id="TCK-10002")
    unknown = await customer_support.error("get_ticket", ticket_id="TCK-99999")

    assert ticket["ticket_id"] == "TCK-10002"
    assert isinstance(ticket["notes"], list)
    assert "ticket_id: ticket 'TCK-99999' was not found" in unknown


async def test_search_tickets_lists_the_open_high_priority_backlog(customer_support):
    result = await customer_support.ok(
        "search_tickets", status=["open"], min_priority="high", limit=100
    )

    expected = {
        t["ticket_id"]
        for t in shipped("customer_support", "tickets")
        if t["status"] == "open" and RANK[t["priority"]] >= RANK["high"]
    }
    assert expected, "the shipped data must have an open high-priority backlog"
    assert result["total"] == len(expected)
    assert {t["ticket_id"] for t in result["tickets"]} == expected
    keys = [(-RANK[t["priority"]], t["created_at"]) for t in result["tickets"]]
    assert keys == sorted(keys)


async def test_search_tickets_combines_filters_and_applies_the_limit(customer_support):
    result = await customer_support.ok(
        "search_tickets", status=["resolved", "closed"], category="billing", limit=2
    )

    assert result["total"] >= len(result["tickets"])
    assert len(result["tickets"]) <= 2
    assert all(
        t["status"] in {"resolved", "closed"} and t["category"] == "billing"
        for t in result["tickets"]
    )


async def test_search_tickets_finds_text_in_subject_and_description(customer_support):
    result = await customer_support.ok("search_tickets", text="返品", limit=100)

    assert result["total"] > 0
    assert all("返品" in t["subject"] + t["description"] for t in result["tickets"])


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"status": ["pending"]}, "status"),
        ({"min_priority": "critical"}, "min_priority"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
    ],
)
async def test_search_tickets_rejects_invalid_filters_naming_the_field(
    customer_support, arguments, field
):
    error = await customer_support.error("search_tickets", **arguments)

    assert f"\n{field}" in error


async def test_update_ticket_changes_fields_and_appends_a_note(customer_support):
    ticket_id = open_ticket_id()

    update = await customer_support.ok(
        "update_ticket",
        ticket_id=ticket_id,
        idempotency_key="upd-1",
        status="in_progress",
        assignee="中村 誠 (Tier2)",
        note="配送業者に調査を依頼しました。",
    )

    assert update["changed"] == ["assignee", "notes", "status"]
    stored = await customer_support.ok("get_ticket", ticket_id=ticket_id)
    assert stored == update["ticket"]
    assert stored["status"] == "in_progress"
    assert stored["notes"][-1]["text"] == "配送業者に調査を依頼しました。"


async def test_update_ticket_with_the_same_key_applies_once(customer_support):
    ticket_id = open_ticket_id()
    before = await customer_support.ok("get_ticket", ticket_id=ticket_id)
    arguments = {"ticket_id": ticket_id, "idempotency_key": "retry-7", "note": "お客様へ連絡済み"}

    first = await customer_support.ok("update_ticket", **arguments)
    second = await customer_support.ok("update_ticket", **arguments)

    assert second == first
    after = await customer_support.ok("get_ticket", ticket_id=ticket_id)
    assert len(after["notes"]) == len(before["notes"]) + 1


async def test_update_ticket_refuses_a_key_reused_for_another_change(customer_support):
    ticket_id = open_ticket_id()
    await customer_support.ok(
        "update_ticket", ticket_id=ticket_id, idempotency_key="k-1", priority="urgent"
    )

    error = await customer_support.error(
        "update_ticket", ticket_id=ticket_id, idempotency_key="k-1", priority="low"
    )

    assert "idempotency_key: 'k-1' was already used for a different update_ticket call" in error
    stored = await customer_support.ok("get_ticket", ticket_id=ticket_id)
    assert stored["priority"] == "urgent"


async def test_update_ticket_requires_an_idempotency_key(customer_support):
    error = await customer_support.error("update_ticket", ticket_id=open_ticket_id(), note="x")

    assert "\nidempotency_key" in error
    assert "Field required" in error


async def test_update_ticket_requires_something_to_change(customer_support):
    error = await customer_support.error(
        "update_ticket", ticket_id=open_ticket_id(), idempotency_key="empty"
    )

    assert "status: give at least one of status, priority, assignee or note" in error


async def test_update_ticket_refuses_closed_and_unknown_tickets(customer_support):
    closed = next(
        t["ticket_id"] for t in shipped("customer_support", "tickets") if t["status"] == "closed"
    )

    closed_error = await customer_support.error(
        "update_ticket", ticket_id=closed, idempotency_key="c-1", status="open"
    )
    unknown_error = await customer_support.error(
        "update_ticket", ticket_id="TCK-99999", idempotency_key="c-2", note="x"
    )

    assert f"ticket_id: ticket '{closed}' is closed" in closed_error
    assert "ticket_id: ticket 'TCK-99999' was not found" in unknown_error
    stored = await customer_support.ok("get_ticket", ticket_id=closed)
    assert stored["status"] == "closed"
