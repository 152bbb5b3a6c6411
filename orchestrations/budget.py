"""How a workflow's token budget is divided: the plan spends first, the synthesis keeps a
share, and the agents split what is left equally."""

from dataclasses import dataclass

MIN_SYNTHESIS_TOKENS = 200


@dataclass(frozen=True)
class BudgetSplit:
    """Each agent's share and the share kept for the synthesis."""

    per_agent: int
    synthesis: int


def split_budget(budget: int, plan_tokens: int, agents: int) -> BudgetSplit:
    """Shares of what the plan left of `budget` for `agents` agents (at least one): the plan's
    tokens, every agent's share and the synthesis share add up to at most `budget`, unless the
    plan and the synthesis's minimum alone exceed it (then the agents get nothing)."""
    synthesis = max(MIN_SYNTHESIS_TOKENS, budget // 6)
    return BudgetSplit(max(0, (budget - plan_tokens - synthesis) // agents), synthesis)
