"""The customer-support MCP tool server; served alone (see `agents.serve`) with
`python -m agents.customer_support.server --port 8101` and `MCP_CUSTOMER_SUPPORT_URL=http://127.0.0.1:8101/mcp`."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from agents.customer_support.models import (
    CustomerProfile,
    Order,
    Ticket,
    TicketCategory,
    TicketPriority,
    TicketSearchResult,
    TicketStatus,
    TicketUpdate,
)
from agents.customer_support.store import CustomerSupportStore
from agents.errors import InvalidRequestError
from agents.params import IdempotencyKey, Limit, Text
from agents.serve import serve
from agents.tool_hints import IDEMPOTENT_WRITE, READ_ONLY
from agents.tool_server import ToolServer

CustomerId = Annotated[
    str, Field(pattern=r"^CUST-\d{4}$", description="Customer id, e.g. CUST-0001.")
]
Email = Annotated[
    str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$", description="Email address.")
]
OrderId = Annotated[
    str, Field(pattern=r"^ORD-\d{4}-\d{5}$", description="Order id, e.g. ORD-2025-00042.")
]
TicketId = Annotated[str, Field(pattern=r"^TCK-\d{5}$", description="Ticket id, e.g. TCK-10001.")]
Assignee = Annotated[str, Field(min_length=1, max_length=80, description="Person or team.")]

INSTRUCTIONS = (
    "Customer, order and support-ticket tools of Midori Denki Online, a Japanese consumer "
    "electronics retailer. Ids: customers CUST-0001, orders ORD-2025-00001, tickets TCK-10001."
)


def create_server(store: CustomerSupportStore | None = None) -> MCPServer[Any]:
    """A customer-support tool server over `store`, by default a fresh copy of the shipped data."""
    data = store or CustomerSupportStore()
    server: MCPServer[Any] = ToolServer(
        "customer-support", instructions=INSTRUCTIONS, version="1.0.0"
    )

    @server.tool(annotations=READ_ONLY)
    async def lookup_customer(
        customer_id: CustomerId | None = None, email: Email | None = None
    ) -> CustomerProfile:
        """Find a customer by customer_id or by email (give exactly one). Returns the profile
        (tier, language, contact), the five latest orders and the unresolved tickets."""
        if customer_id is not None and email is None:
            return data.profile(data.customer(customer_id))
        if email is not None and customer_id is None:
            return data.profile(data.customer_by_email(email))
        raise InvalidRequestError("customer_id", "give exactly one of customer_id or email")

    @server.tool(annotations=READ_ONLY)
    async def get_order(order_id: OrderId) -> Order:
        """Get one order: status, lines, total in JPY, payment method, carrier and tracking."""
        return data.order(order_id)

    @server.tool(annotations=READ_ONLY)
    async def get_ticket(ticket_id: TicketId) -> Ticket:
        """Get one support ticket with its full history of notes."""
        return data.ticket(ticket_id)

    @server.tool(annotations=READ_ONLY)
    async def search_tickets(
        status: list[TicketStatus] | None = None,
        min_priority: TicketPriority | None = None,
        category: TicketCategory | None = None,
        customer_id: CustomerId | None = None,
        text: Annotated[str, Field(min_length=1, max_length=200)] | None = None,
        limit: Limit = 20,
    ) -> TicketSearchResult:
        """Search support tickets, most urgent and oldest first. Filters combine: status
        (any of the listed), min_priority (low < normal < high < urgent), category,
        customer_id and text (in subject, description and notes). For the open high-priority
        backlog use status=["open"] and min_priority="high"."""
        return data.search_tickets(
            statuses=status,
            min_priority=min_priority,
            category=category,
            customer_id=customer_id,
            text=text,
            limit=limit,
        )

    @server.tool(annotations=IDEMPOTENT_WRITE)
    async def update_ticket(
        ticket_id: TicketId,
        idempotency_key: IdempotencyKey,
        status: TicketStatus | None = None,
        priority: TicketPriority | None = None,
        assignee: Assignee | None = None,
        note: Text | None = None,
    ) -> TicketUpdate:
        """Update a ticket: set status, priority or assignee and/or append a note (at least
        one). Closed tickets cannot be changed. Returns the ticket and the changed fields."""
        return data.update_ticket(
            ticket_id=ticket_id,
            idempotency_key=idempotency_key,
            status=status,
            priority=priority,
            assignee=assignee,
            note=note,
        )

    return server


if __name__ == "__main__":
    serve(create_server, default_port=8101)
