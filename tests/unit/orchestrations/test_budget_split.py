"""The token budget split: the plan, the agents' shares and the synthesis share fit the budget."""

from hypothesis import given
from hypothesis import strategies as st

from orchestrations.budget import MIN_SYNTHESIS_TOKENS, split_budget


@given(
    budget=st.integers(1, 10**7),
    plan_tokens=st.integers(0, 10**7),
    agents=st.integers(1, 20),
)
def test_plan_agents_and_synthesis_never_exceed_the_budget(budget, plan_tokens, agents):
    split = split_budget(budget, plan_tokens, agents)
    assert isinstance(split.per_agent, int)  # whole tokens: a model's max_tokens is an integer
    assert split.per_agent >= 0
    assert split.synthesis >= MIN_SYNTHESIS_TOKENS
    if plan_tokens + split.synthesis <= budget:
        assert plan_tokens + agents * split.per_agent + split.synthesis <= budget
        # Nothing is left over but the rounding of the equal shares.
        assert budget - (plan_tokens + agents * split.per_agent + split.synthesis) < agents
    else:
        assert split.per_agent == 0


@given(budget=st.integers(1200, 10**7))
def test_the_synthesis_keeps_a_sixth_of_a_large_budget(budget):
    assert split_budget(budget, 0, 1).synthesis == budget // 6


def test_a_worked_example():
    split = split_budget(20_000, 500, 3)
    assert (split.per_agent, split.synthesis) == ((20_000 - 500 - 3333) // 3, 3333)
