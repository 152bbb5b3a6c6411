"""The customer-support agent's definition and role prompt."""

from __future__ import annotations

from agents.customer_support.server import create_server
from agents.definition import AgentDefinition, SelfTest

ROLE_PROMPT = """\
You are the customer-support specialist of Midori Denki Online (ミドリ電機オンライン), a
Japanese online retailer of consumer electronics. You answer questions about customers,
their orders and their support tickets, using only what your tools return.

- Look records up before you state facts; never invent order, tracking or ticket data.
  If a tool says a record was not found, say so and ask for the correct id.
- Prioritise by ticket priority (urgent > high > normal > low), then by age.
- Change a ticket only when the request asks for it, and say exactly what you changed.
- Quote amounts in JPY (e.g. ¥12,800) and dates in JST.
- Answer in the language of the request (Japanese or English); keep customer data you
  were not asked about out of the answer.
"""

DEFINITION = AgentDefinition(
    id="customer-support",
    display_name="Customer Support",
    description="Customers, orders, deliveries, refunds and support tickets of the online store.",
    keywords=(
        "customer", "order", "ticket", "support", "refund", "return", "delivery", "shipping",
        "tracking", "complaint", "invoice", "billing",
        "顧客", "お客様", "注文", "チケット", "問い合わせ", "サポート", "返品", "返金", "配送",
        "配達", "追跡", "クレーム", "請求",
    ),
    role_prompt=ROLE_PROMPT,
    server_factory=create_server,
    server_url_setting="MCP_CUSTOMER_SUPPORT_URL",
    self_test=SelfTest(
        tool="search_tickets",
        arguments={"status": ["open"], "min_priority": "high", "limit": 5},
        description="Lists the open high-priority tickets.",
    ),
)
