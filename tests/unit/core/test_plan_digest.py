"""`Plan.digest()`: what an approval binds to changes with anything the plan would do."""

from hypothesis import given
from hypothesis import strategies as st

from core.models import Plan, PlannedTask

AGENTS = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
TEXT = st.text(min_size=1, max_size=60)
TASKS = st.builds(PlannedTask, agent=AGENTS, task=TEXT)
PLANS = st.builds(
    Plan,
    tasks=st.lists(TASKS, min_size=1, max_size=4),
    needs_approval=st.booleans(),
    rationale=st.text(max_size=40),
)


@given(plan=PLANS)
def test_the_same_plan_has_the_same_digest_after_a_round_trip(plan):
    again = Plan.model_validate_json(plan.model_dump_json())
    assert again.digest() == plan.digest()
    assert len(plan.digest()) == 64
    int(plan.digest(), 16)


@given(plan=PLANS, data=st.data())
def test_plans_that_differ_in_any_task_text_or_flag_have_different_digests(plan, data):
    index = data.draw(st.integers(0, len(plan.tasks) - 1))
    tasks = [t.model_copy() for t in plan.tasks]
    change = data.draw(st.sampled_from(["task", "agent", "needs_approval", "rationale", "order"]))
    if change == "task":
        new = data.draw(TEXT.filter(lambda t: t != tasks[index].task))
        tasks[index] = tasks[index].model_copy(update={"task": new})
        other = plan.model_copy(update={"tasks": tasks})
    elif change == "agent":
        new = data.draw(AGENTS.filter(lambda a: a != tasks[index].agent))
        tasks[index] = tasks[index].model_copy(update={"agent": new})
        other = plan.model_copy(update={"tasks": tasks})
    elif change == "needs_approval":
        other = plan.model_copy(update={"needs_approval": not plan.needs_approval})
    elif change == "rationale":
        new = data.draw(st.text(max_size=40).filter(lambda r: r != plan.rationale))
        other = plan.model_copy(update={"rationale": new})
    else:
        extra = data.draw(TASKS)
        other = plan.model_copy(update={"tasks": [*tasks, extra]})
    assert other.digest() != plan.digest()
