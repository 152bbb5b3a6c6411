"""Data access of the enterprise domain: the shipped records plus in-memory writes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from agents.enterprise.models import (
    WAREHOUSE_NAMES,
    Budget,
    BudgetPeriod,
    BudgetStatus,
    Department,
    InventoryItem,
    InventoryReport,
    ItemCategory,
    ItemStock,
    Policy,
    PolicyCategory,
    PolicySearchResult,
    POStatus,
    PurchaseOrder,
    PurchaseOrderList,
    Quarter,
    Reservation,
    StockLevel,
    Warehouse,
    WarehouseStock,
)
from agents.errors import InvalidRequestError, RecordNotFoundError
from agents.journal import WriteJournal
from agents.records import index_by, load_records

DATA_DIR = Path(__file__).with_name("data")


class EnterpriseStore:
    """The inventory, purchase orders, policies and budgets one tool server works on."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self._items = index_by(load_records(data_dir / "inventory.json", InventoryItem), "sku")
        orders = load_records(data_dir / "purchase_orders.json", PurchaseOrder)
        self._orders = index_by(orders, "po_number")
        self._policies = index_by(load_records(data_dir / "policies.json", Policy), "policy_id")
        self._budgets = load_records(data_dir / "budgets.json", Budget)
        self._reservations: list[Reservation] = []
        self._journal = WriteJournal()

    def inventory(
        self,
        *,
        sku: str | None = None,
        query: str | None = None,
        category: ItemCategory | None = None,
        warehouse: Warehouse | None = None,
        below_reorder_point: bool = False,
        limit: int = 20,
    ) -> InventoryReport:
        """Items matching every given filter with their stock; `warehouse` narrows the
        stock shown to that warehouse."""
        if sku is not None and sku not in self._items:
            raise RecordNotFoundError("sku", "item", sku)
        needle = query.casefold() if query else None
        found: list[ItemStock] = []
        for item in self._items.values():
            if sku is not None and item.sku != sku:
                continue
            if category is not None and item.category != category:
                continue
            if needle and needle not in f"{item.name}\n{item.name_en}".casefold():
                continue
            stock = _item_stock(item, warehouse)
            if warehouse is not None and not stock.stock:
                continue
            if below_reorder_point and not any(s.below_reorder_point for s in stock.stock):
                continue
            found.append(stock)
        return InventoryReport(total=len(found), items=found[:limit])

    def reserve(
        self, *, idempotency_key: str, sku: str, warehouse: Warehouse, quantity: int, reference: str
    ) -> Reservation:
        """Set `quantity` of an item aside in a warehouse for `reference`, once per key."""
        arguments = {
            "sku": sku,
            "warehouse": warehouse,
            "quantity": quantity,
            "reference": reference,
        }

        def write() -> Reservation:
            item = self._item(sku)
            level = next((s for s in item.stock if s.warehouse == warehouse), None)
            if level is None:
                message = f"item '{sku}' is not stocked at {warehouse}"
                raise InvalidRequestError("warehouse", message)
            available = level.on_hand - level.reserved
            if quantity > available:
                message = f"only {available} {item.unit} of '{sku}' available at {warehouse}"
                raise InvalidRequestError("quantity", message)
            updated = level.model_copy(update={"reserved": level.reserved + quantity})
            stock = [updated if s is level else s for s in item.stock]
            item = item.model_copy(update={"stock": stock})
            self._items[sku] = item
            reservation = Reservation(
                reservation_id=f"RSV-{len(self._reservations) + 1:05d}",
                sku=sku,
                warehouse=warehouse,
                quantity=quantity,
                reference=reference,
                reserved_at=datetime.now(UTC),
                stock_after=_warehouse_stock(item, updated),
            )
            self._reservations.append(reservation)
            return reservation

        return self._journal.apply(idempotency_key, "reserve_inventory", arguments, write)

    def purchase_order(self, po_number: str) -> PurchaseOrder:
        """The purchase order with this number."""
        try:
            return self._orders[po_number]
        except KeyError:
            raise RecordNotFoundError("po_number", "purchase order", po_number) from None

    def purchase_orders(
        self,
        *,
        statuses: list[POStatus] | None = None,
        department: Department | None = None,
        supplier_id: str | None = None,
        limit: int = 20,
    ) -> PurchaseOrderList:
        """Purchase orders matching every given filter, newest first."""
        matches = [
            o
            for o in self._orders.values()
            if (not statuses or o.status in statuses)
            and (department is None or o.department == department)
            and (supplier_id is None or o.supplier_id == supplier_id)
        ]
        matches.sort(key=lambda o: o.created_at, reverse=True)
        return PurchaseOrderList(total=len(matches), purchase_orders=matches[:limit])

    def policies(
        self,
        *,
        policy_id: str | None = None,
        query: str | None = None,
        category: PolicyCategory | None = None,
        limit: int = 5,
    ) -> PolicySearchResult:
        """Policies by id, or those of `category` ranked by how many words of `query` they
        contain (title, summary and rules; Japanese or English)."""
        if policy_id is not None:
            try:
                return PolicySearchResult(total=1, policies=[self._policies[policy_id]])
            except KeyError:
                raise RecordNotFoundError("policy_id", "policy", policy_id) from None
        words = query.casefold().split() if query else []
        scored: list[tuple[int, Policy]] = []
        for policy in self._policies.values():
            if category is not None and policy.category != category:
                continue
            text = "\n".join([policy.title, policy.title_en, policy.summary, *policy.rules])
            score = sum(word in text.casefold() for word in words)
            if score or not words:
                scored.append((score, policy))
        scored.sort(key=lambda pair: (-pair[0], pair[1].policy_id))
        return PolicySearchResult(total=len(scored), policies=[p for _, p in scored[:limit]])

    def budget(
        self, *, department: Department, fiscal_year: int, quarter: Quarter | None = None
    ) -> BudgetStatus:
        """A department's budget for a fiscal year, all quarters or one."""
        rows = [
            b
            for b in self._budgets
            if b.department == department
            and b.fiscal_year == fiscal_year
            and (quarter is None or b.quarter == quarter)
        ]
        if not rows:
            period = f"{department} FY{fiscal_year}" + (f" {quarter}" if quarter else "")
            raise RecordNotFoundError("fiscal_year", "budget", period)
        periods = [_period(b) for b in sorted(rows, key=lambda b: b.quarter)]
        allocated = sum(p.allocated_jpy for p in periods)
        spent = sum(p.spent_jpy for p in periods)
        committed = sum(p.committed_jpy for p in periods)
        remaining = allocated - spent - committed
        return BudgetStatus(
            department=department,
            fiscal_year=fiscal_year,
            periods=periods,
            allocated_jpy=allocated,
            spent_jpy=spent,
            committed_jpy=committed,
            remaining_jpy=remaining,
            over_budget=remaining < 0,
        )

    def _item(self, sku: str) -> InventoryItem:
        try:
            return self._items[sku]
        except KeyError:
            raise RecordNotFoundError("sku", "item", sku) from None


def _warehouse_stock(item: InventoryItem, level: StockLevel) -> WarehouseStock:
    available = level.on_hand - level.reserved
    return WarehouseStock(
        warehouse=level.warehouse,
        warehouse_name=WAREHOUSE_NAMES[level.warehouse],
        on_hand=level.on_hand,
        reserved=level.reserved,
        available=available,
        below_reorder_point=available < item.reorder_point,
    )


def _item_stock(item: InventoryItem, warehouse: Warehouse | None) -> ItemStock:
    stock = [
        _warehouse_stock(item, s)
        for s in item.stock
        if warehouse is None or s.warehouse == warehouse
    ]
    return ItemStock(
        sku=item.sku,
        name=item.name,
        name_en=item.name_en,
        category=item.category,
        unit=item.unit,
        unit_cost_jpy=item.unit_cost_jpy,
        supplier_id=item.supplier_id,
        lead_time_days=item.lead_time_days,
        reorder_point=item.reorder_point,
        total_available=sum(s.available for s in stock),
        stock=stock,
    )


def _period(budget: Budget) -> BudgetPeriod:
    used = budget.spent_jpy + budget.committed_jpy
    utilization = round(100 * used / budget.allocated_jpy, 1) if budget.allocated_jpy else 0.0
    return BudgetPeriod(
        quarter=budget.quarter,
        period_start=budget.period_start,
        period_end=budget.period_end,
        allocated_jpy=budget.allocated_jpy,
        spent_jpy=budget.spent_jpy,
        committed_jpy=budget.committed_jpy,
        remaining_jpy=budget.allocated_jpy - used,
        utilization_pct=utilization,
    )
