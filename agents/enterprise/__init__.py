"""The enterprise agent: inventory, purchasing, budgets and internal policies of a manufacturer."""
