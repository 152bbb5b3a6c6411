"""Records of the customer-support domain and the results its tools return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Tier = Literal["standard", "silver", "gold", "platinum"]
OrderStatus = Literal["pending", "processing", "shipped", "delivered", "cancelled", "returned"]
TicketStatus = Literal["open", "in_progress", "waiting_on_customer", "resolved", "closed"]
TicketPriority = Literal["low", "normal", "high", "urgent"]
TicketCategory = Literal[
    "shipping", "billing", "product_defect", "return_refund", "account", "technical"
]

PRIORITY_RANK: dict[str, int] = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


class Record(BaseModel):
    """A stored record: immutable, changed only by replacing it."""

    model_config = ConfigDict(frozen=True)


class Customer(Record):
    customer_id: str
    name: str
    name_kana: str | None
    email: str
    phone: str
    prefecture: str
    tier: Tier
    language: Literal["ja", "en"]
    member_since: date
    lifetime_value_jpy: int


class OrderLine(Record):
    sku: str
    product_name: str
    quantity: int
    unit_price_jpy: int


class Order(Record):
    order_id: str
    customer_id: str
    ordered_at: datetime
    status: OrderStatus
    lines: list[OrderLine]
    total_jpy: int
    payment_method: str
    carrier: str | None
    tracking_number: str | None
    delivered_at: datetime | None


class TicketNote(Record):
    at: datetime
    author: str
    text: str


class Ticket(Record):
    ticket_id: str
    customer_id: str
    order_id: str | None
    subject: str
    description: str
    category: TicketCategory
    priority: TicketPriority
    status: TicketStatus
    channel: Literal["email", "phone", "chat", "web"]
    created_at: datetime
    updated_at: datetime
    assignee: str | None
    notes: list[TicketNote]


class CustomerProfile(BaseModel):
    """A customer with their latest orders and their unresolved tickets."""

    customer: Customer
    recent_orders: list[Order] = Field(description="Latest orders first, at most five.")
    open_tickets: list[Ticket] = Field(description="Tickets not yet resolved or closed.")


class TicketSearchResult(BaseModel):
    """Tickets matching a search, most urgent and oldest first."""

    total: int = Field(description="Number of matching tickets, before the limit.")
    tickets: list[Ticket]


class TicketUpdate(BaseModel):
    """A ticket after an update, and which of its fields the update changed."""

    ticket: Ticket
    changed: list[str]
