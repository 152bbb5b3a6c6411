"""Data access of the customer-support domain: the shipped records plus in-memory writes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from agents.customer_support.models import (
    PRIORITY_RANK,
    Customer,
    CustomerProfile,
    Order,
    Ticket,
    TicketCategory,
    TicketNote,
    TicketPriority,
    TicketSearchResult,
    TicketStatus,
    TicketUpdate,
)
from agents.errors import InvalidRequestError, RecordNotFoundError
from agents.journal import WriteJournal
from agents.records import index_by, load_records

DATA_DIR = Path(__file__).with_name("data")
_UNRESOLVED = frozenset({"open", "in_progress", "waiting_on_customer"})


class CustomerSupportStore:
    """The customers, orders and tickets one tool server works on."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        customers = load_records(data_dir / "customers.json", Customer)
        self._customers = index_by(customers, "customer_id")
        self._by_email = {c.email.lower(): c for c in self._customers.values()}
        self._orders = index_by(load_records(data_dir / "orders.json", Order), "order_id")
        self._tickets = index_by(load_records(data_dir / "tickets.json", Ticket), "ticket_id")
        self._journal = WriteJournal()

    def customer(self, customer_id: str) -> Customer:
        """The customer with this id."""
        try:
            return self._customers[customer_id]
        except KeyError:
            raise RecordNotFoundError("customer_id", "customer", customer_id) from None

    def customer_by_email(self, email: str) -> Customer:
        """The customer registered with this email address (case-insensitive)."""
        try:
            return self._by_email[email.lower()]
        except KeyError:
            raise RecordNotFoundError("email", "customer", email) from None

    def profile(self, customer: Customer) -> CustomerProfile:
        """The customer with their five latest orders and their unresolved tickets."""
        orders = sorted(
            (o for o in self._orders.values() if o.customer_id == customer.customer_id),
            key=lambda o: o.ordered_at,
            reverse=True,
        )
        tickets = [
            t
            for t in self._tickets.values()
            if t.customer_id == customer.customer_id and t.status in _UNRESOLVED
        ]
        return CustomerProfile(customer=customer, recent_orders=orders[:5], open_tickets=tickets)

    def order(self, order_id: str) -> Order:
        """The order with this id."""
        try:
            return self._orders[order_id]
        except KeyError:
            raise RecordNotFoundError("order_id", "order", order_id) from None

    def ticket(self, ticket_id: str) -> Ticket:
        """The ticket with this id, as last updated."""
        try:
            return self._tickets[ticket_id]
        except KeyError:
            raise RecordNotFoundError("ticket_id", "ticket", ticket_id) from None

    def search_tickets(
        self,
        *,
        statuses: list[TicketStatus] | None = None,
        min_priority: TicketPriority | None = None,
        category: TicketCategory | None = None,
        customer_id: str | None = None,
        text: str | None = None,
        limit: int = 20,
    ) -> TicketSearchResult:
        """Tickets matching every given filter, most urgent first, then oldest first."""
        floor = PRIORITY_RANK[min_priority] if min_priority else 0
        needle = text.casefold() if text else None
        matches = [
            t
            for t in self._tickets.values()
            if (not statuses or t.status in statuses)
            and PRIORITY_RANK[t.priority] >= floor
            and (category is None or t.category == category)
            and (customer_id is None or t.customer_id == customer_id)
            and (needle is None or needle in _searchable(t))
        ]
        matches.sort(key=lambda t: (-PRIORITY_RANK[t.priority], t.created_at))
        return TicketSearchResult(total=len(matches), tickets=matches[:limit])

    def update_ticket(
        self,
        *,
        ticket_id: str,
        idempotency_key: str,
        status: TicketStatus | None = None,
        priority: TicketPriority | None = None,
        assignee: str | None = None,
        note: str | None = None,
        author: str = "customer-support-agent",
    ) -> TicketUpdate:
        """Change a ticket's status, priority or assignee and/or append a note, once per key."""
        if status is None and priority is None and assignee is None and note is None:
            raise InvalidRequestError(
                "status", "give at least one of status, priority, assignee or note"
            )
        arguments = {
            "ticket_id": ticket_id,
            "status": status,
            "priority": priority,
            "assignee": assignee,
            "note": note,
            "author": author,
        }

        def write() -> TicketUpdate:
            ticket = self.ticket(ticket_id)
            if ticket.status == "closed":
                raise InvalidRequestError(
                    "ticket_id", f"ticket '{ticket_id}' is closed; open a new ticket instead"
                )
            fields = {"status": status, "priority": priority, "assignee": assignee}
            changes: dict[str, object] = {
                k: v for k, v in fields.items() if v is not None and getattr(ticket, k) != v
            }
            now = datetime.now(UTC)
            notes = ticket.notes
            if note is not None:
                notes = [*notes, TicketNote(at=now, author=author, text=note)]
                changes["notes"] = notes
            if changes:
                ticket = ticket.model_copy(update={**changes, "updated_at": now})
                self._tickets[ticket_id] = ticket
            return TicketUpdate(ticket=ticket, changed=sorted(changes))

        return self._journal.apply(idempotency_key, "update_ticket", arguments, write)


def _searchable(ticket: Ticket) -> str:
    parts = [ticket.subject, ticket.description, *(n.text for n in ticket.notes)]
    return "\n".join(parts).casefold()
