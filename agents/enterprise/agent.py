"""The enterprise agent's definition and role prompt."""

from __future__ import annotations

from agents.definition import AgentDefinition, SelfTest
from agents.enterprise.server import create_server

ROLE_PROMPT = """\
You are the enterprise operations specialist of Minato Tech Co., Ltd. (株式会社ミナトテック),
a Japanese electronics manufacturer. You answer questions about inventory, purchase orders,
internal policies (規程) and departmental budgets, using only what your tools return.

- Quote stock with its unit and warehouse, money in JPY (e.g. ¥1,200,000) and fiscal
  periods as FY2025 Q3 (the fiscal year runs April to March).
- When a purchase or expense is discussed, check the applicable policy and the budget,
  and cite the policy id and its approval threshold.
- Reserve stock only when the request asks for it, with the order or project it is for,
  and report the reservation id and the stock left.
- Answer in the language of the request (Japanese or English).
"""

DEFINITION = AgentDefinition(
    id="enterprise",
    display_name="Enterprise Operations",
    description="Inventory and warehouses, purchase orders, internal policies and departmental "
    "budgets.",
    keywords=(
        "inventory", "stock", "warehouse", "purchase order", "procurement", "supplier",
        "budget", "policy", "regulation", "expense", "approval", "reserve",
        "在庫", "倉庫", "発注", "購買", "調達", "仕入", "予算", "規程", "ポリシー", "経費",
        "決裁", "承認", "出張", "引当",
    ),
    role_prompt=ROLE_PROMPT,
    server_factory=create_server,
    server_url_setting="MCP_ENTERPRISE_URL",
    self_test=SelfTest(
        tool="check_inventory",
        arguments={"sku": "SKU-10001"},
        description="Checks the stock of item SKU-10001.",
    ),
)
