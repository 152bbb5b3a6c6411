"""The offline synthesis reads as one answer in the request's language, and the offline
planner routes by whole keywords of the shipped catalogue."""

from __future__ import annotations

from activities.planning import offline_plan
from activities.synthesis import offline_synthesis
from core.catalogue import get_catalogue
from core.models import AgentAnswer, AgentStatus, CoordinatorRequest, SynthesisInput

OFFLINE = "Offline answer (rule-based; no language model was used)."


def synthesis_of(query: str, *answers: AgentAnswer) -> str:
    work = SynthesisInput(
        workflow_id="wf", request=CoordinatorRequest(query=query), answers=list(answers)
    )
    return offline_synthesis(work).answer


def test_the_synthesis_gives_each_answer_under_its_agent_once_marked_offline() -> None:
    good = AgentAnswer(
        agent="inventory",
        status=AgentStatus.OK,
        answer=f"{OFFLINE}\ncheck_inventory for sku SKU-1 found 1 item:\n- SKU-1 Bolt: stock 3",
    )
    failed = AgentAnswer(
        agent="traffic", status=AgentStatus.FAILED, error="tool server unavailable"
    )

    answer = synthesis_of("Is SKU-1 in stock, and is traffic heavy?", good, failed)

    assert answer.splitlines() == [
        OFFLINE,
        "From inventory:",
        "check_inventory for sku SKU-1 found 1 item:",
        "- SKU-1 Bolt: stock 3",
        "traffic could not answer: tool server unavailable.",
    ]


def test_a_japanese_request_gets_a_japanese_synthesis() -> None:
    failed = AgentAnswer(agent="traffic", status=AgentStatus.FAILED, error="timeout")

    answer = synthesis_of("渋滞していますか?", failed)

    assert answer.splitlines() == [
        "オフライン応答です(ルールベース。言語モデルは使用していません)。",
        "traffic は回答できませんでした: timeout。",
    ]


def test_a_keyword_inside_another_word_does_not_route() -> None:
    plan = offline_plan(
        CoordinatorRequest(query="Which SKUs are below their reorder point?"), get_catalogue()
    )

    assert [task.agent for task in plan.tasks] == ["enterprise"]


def test_a_plural_of_a_keyword_routes() -> None:
    plan = offline_plan(CoordinatorRequest(query="List my orders"), get_catalogue())

    assert [task.agent for task in plan.tasks] == ["customer-support"]
