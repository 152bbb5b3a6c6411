"""The enterprise MCP tool server; served alone (see `agents.serve`) with
`python -m agents.enterprise.server --port 8103` and `MCP_ENTERPRISE_URL=http://127.0.0.1:8103/mcp`."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from agents.enterprise.models import (
    BudgetStatus,
    Department,
    InventoryReport,
    ItemCategory,
    PolicyCategory,
    PolicySearchResult,
    POStatus,
    PurchaseOrder,
    PurchaseOrderList,
    Quarter,
    Reservation,
    Warehouse,
)
from agents.enterprise.store import EnterpriseStore
from agents.errors import InvalidRequestError
from agents.params import IdempotencyKey, Limit
from agents.serve import serve
from agents.tool_hints import IDEMPOTENT_WRITE, READ_ONLY
from agents.tool_server import ToolServer

Sku = Annotated[str, Field(pattern=r"^SKU-\d{5}$", description="Item code, e.g. SKU-10001.")]
PONumber = Annotated[
    str, Field(pattern=r"^PO-\d{4}-\d{4}$", description="Purchase order number, e.g. PO-2025-0042.")
]
PolicyId = Annotated[
    str, Field(pattern=r"^POL-[A-Z]{3}-\d{3}$", description="Policy id, e.g. POL-PRC-001.")
]
SupplierId = Annotated[str, Field(pattern=r"^SUP-\d{3}$", description="Supplier id, e.g. SUP-001.")]
Query = Annotated[str, Field(min_length=1, max_length=200, description="Words to look for.")]
FiscalYear = Annotated[
    int, Field(ge=2000, le=2100, description="Fiscal year (FY2025 = April 2025 to March 2026).")
]

INSTRUCTIONS = (
    "Back-office tools of Minato Tech Co., Ltd. (株式会社ミナトテック), a Japanese electronics "
    "manufacturer: inventory in three warehouses (TKY-01 Tokyo, OSK-01 Osaka, FKO-01 Fukuoka), "
    "purchase orders, internal policies and departmental budgets."
)


def create_server(store: EnterpriseStore | None = None) -> MCPServer[Any]:
    """An enterprise tool server over `store`, by default a fresh copy of the shipped data."""
    data = store or EnterpriseStore()
    server: MCPServer[Any] = ToolServer("enterprise", instructions=INSTRUCTIONS, version="1.0.0")

    @server.tool(annotations=READ_ONLY)
    async def check_inventory(
        sku: Sku | None = None,
        query: Query | None = None,
        category: ItemCategory | None = None,
        warehouse: Warehouse | None = None,
        below_reorder_point: bool = False,
        limit: Limit = 20,
    ) -> InventoryReport:
        """Check stock: on hand, reserved and available per warehouse, and whether it is
        below the reorder point. Filters combine: sku, query (part of the Japanese or
        English name), category, warehouse and below_reorder_point."""
        return data.inventory(
            sku=sku,
            query=query,
            category=category,
            warehouse=warehouse,
            below_reorder_point=below_reorder_point,
            limit=limit,
        )

    @server.tool(annotations=IDEMPOTENT_WRITE)
    async def reserve_inventory(
        idempotency_key: IdempotencyKey,
        sku: Sku,
        warehouse: Warehouse,
        quantity: Annotated[int, Field(ge=1, le=100_000, description="Units to reserve.")],
        reference: Annotated[
            str, Field(min_length=1, max_length=80, description="Order or project it is for.")
        ],
    ) -> Reservation:
        """Reserve available stock of an item in one warehouse for an order or project.
        Fails if less is available; returns the reservation and the stock after it."""
        return data.reserve(
            idempotency_key=idempotency_key,
            sku=sku,
            warehouse=warehouse,
            quantity=quantity,
            reference=reference,
        )

    @server.tool(annotations=READ_ONLY)
    async def get_purchase_order(po_number: PONumber) -> PurchaseOrder:
        """Get one purchase order: supplier, department, status, approver, lines and
        totals in JPY (tax 10%), expected delivery."""
        return data.purchase_order(po_number)

    @server.tool(annotations=READ_ONLY)
    async def list_purchase_orders(
        status: list[POStatus] | None = None,
        department: Department | None = None,
        supplier_id: SupplierId | None = None,
        limit: Limit = 20,
    ) -> PurchaseOrderList:
        """List purchase orders, newest first. Filters combine: status (any of the
        listed), department and supplier_id."""
        return data.purchase_orders(
            statuses=status, department=department, supplier_id=supplier_id, limit=limit
        )

    @server.tool(annotations=READ_ONLY)
    async def lookup_policy(
        policy_id: PolicyId | None = None,
        query: Query | None = None,
        category: PolicyCategory | None = None,
        limit: Annotated[int, Field(ge=1, le=20, description="Most policies to return.")] = 5,
    ) -> PolicySearchResult:
        """Look up internal policies (規程): by policy_id, or by query words (Japanese or
        English, e.g. "出張 宿泊費" or "travel") and/or category. Returns each policy's
        summary, rules, approval threshold and owner."""
        if policy_id is not None and (query is not None or category is not None):
            raise InvalidRequestError("policy_id", "give policy_id alone, or query/category")
        return data.policies(policy_id=policy_id, query=query, category=category, limit=limit)

    @server.tool(annotations=READ_ONLY)
    async def get_budget_status(
        department: Department, fiscal_year: FiscalYear = 2025, quarter: Quarter | None = None
    ) -> BudgetStatus:
        """Get a department's budget for a fiscal year (all quarters, or one): allocated,
        spent, committed, remaining in JPY and utilization per quarter and in total."""
        return data.budget(department=department, fiscal_year=fiscal_year, quarter=quarter)

    return server


if __name__ == "__main__":
    serve(create_server, default_port=8103)
