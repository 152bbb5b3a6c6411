"""Records of the enterprise domain and the results its tools return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Warehouse = Literal["TKY-01", "OSK-01", "FKO-01"]
Department = Literal[
    "営業部",
    "マーケティング部",
    "製造部",
    "研究開発部",
    "情報システム部",
    "人事部",
    "経理部",
    "総務部",
    "品質保証部",
    "物流部",
    "購買部",
    "法務部",
    "経営企画部",
]
Quarter = Literal["Q1", "Q2", "Q3", "Q4"]
ItemCategory = Literal["電子部品", "原材料", "梱包資材", "機械部品", "IT機器", "安全用品", "オフィス用品"]
POStatus = Literal[
    "draft",
    "pending_approval",
    "approved",
    "ordered",
    "partially_received",
    "received",
    "cancelled",
]
PolicyCategory = Literal[
    "procurement",
    "approval",
    "expense",
    "travel",
    "it_security",
    "data_protection",
    "inventory",
    "hr",
    "compliance",
    "quality",
    "facilities",
]

WAREHOUSE_NAMES: dict[str, str] = {
    "TKY-01": "東京第一倉庫 (江東区)",
    "OSK-01": "大阪物流センター (堺市)",
    "FKO-01": "福岡倉庫 (粕屋町)",
}


class Record(BaseModel):
    """A stored record: immutable, changed only by replacing it."""

    model_config = ConfigDict(frozen=True)


class StockLevel(Record):
    warehouse: Warehouse
    on_hand: int
    reserved: int


class InventoryItem(Record):
    sku: str
    name: str
    name_en: str
    category: ItemCategory
    unit: str
    unit_cost_jpy: int
    supplier_id: str
    lead_time_days: int
    reorder_point: int = Field(description="Available quantity below which a warehouse reorders.")
    stock: list[StockLevel]


class POLine(Record):
    sku: str
    description: str
    quantity: int
    unit_price_jpy: int
    amount_jpy: int


class PurchaseOrder(Record):
    po_number: str
    supplier_id: str
    supplier_name: str
    department: Department
    requested_by: str
    status: POStatus
    created_at: datetime
    expected_delivery: date
    approved_by: str | None
    lines: list[POLine]
    subtotal_jpy: int
    tax_jpy: int
    total_jpy: int


class Policy(Record):
    policy_id: str
    category: PolicyCategory
    title: str
    title_en: str
    summary: str
    rules: list[str]
    approval_threshold_jpy: int | None
    owner_department: str
    version: str
    effective_date: date


class Budget(Record):
    budget_id: str
    department: Department
    fiscal_year: int
    quarter: Quarter
    period_start: date
    period_end: date
    allocated_jpy: int
    spent_jpy: int
    committed_jpy: int


class WarehouseStock(BaseModel):
    """Stock of one item in one warehouse."""

    warehouse: Warehouse
    warehouse_name: str
    on_hand: int
    reserved: int
    available: int = Field(description="on_hand - reserved: what can still be reserved.")
    below_reorder_point: bool


class ItemStock(BaseModel):
    """An item with its stock in every warehouse that holds it."""

    sku: str
    name: str
    name_en: str
    category: ItemCategory
    unit: str
    unit_cost_jpy: int
    supplier_id: str
    lead_time_days: int
    reorder_point: int
    total_available: int
    stock: list[WarehouseStock]


class InventoryReport(BaseModel):
    """Items matching an inventory query, in SKU order."""

    total: int
    items: list[ItemStock]


class Reservation(BaseModel):
    """Stock set aside for an order or project."""

    reservation_id: str
    sku: str
    warehouse: Warehouse
    quantity: int
    reference: str
    reserved_at: datetime
    stock_after: WarehouseStock


class PurchaseOrderList(BaseModel):
    """Purchase orders, newest first."""

    total: int
    purchase_orders: list[PurchaseOrder]


class PolicySearchResult(BaseModel):
    """Policies matching a lookup, best match first."""

    total: int
    policies: list[Policy]


class BudgetPeriod(BaseModel):
    """One quarter of a department's budget."""

    quarter: Quarter
    period_start: date
    period_end: date
    allocated_jpy: int
    spent_jpy: int
    committed_jpy: int
    remaining_jpy: int = Field(description="allocated - spent - committed; negative if over.")
    utilization_pct: float = Field(description="(spent + committed) / allocated, in percent.")


class BudgetStatus(BaseModel):
    """A department's budget for a fiscal year (April to March), by quarter and in total."""

    department: Department
    fiscal_year: int
    periods: list[BudgetPeriod]
    allocated_jpy: int
    spent_jpy: int
    committed_jpy: int
    remaining_jpy: int
    over_budget: bool
