"""The batch sweep and the self-test workflow step by step, with their activities and children
answered by the test: which runs the sweep starts, how many at once, under which ids, and what
the self-test reports for each agent."""

from __future__ import annotations

from typing import Any

import pytest

from core.models import AgentAnswer, AgentStatus, CoordinatorInput, CoordinatorResult, SweepResult
from devhost.app_loader import FunctionIndex, load_app
from orchestrations import names
from tests.unit.orchestrations.conftest import ROOT
from tests.unit.orchestrations.scripted import Failure, Task, run


@pytest.fixture(scope="module")
def index() -> FunctionIndex:
    return load_app(ROOT)


def target(key: str) -> dict[str, Any]:
    return {"key": key, "query": f"Review ticket {key}", "query_type": "customer_support"}


class Sweep:
    """The targets found, and each coordinator run's status."""

    def __init__(self, keys: list[str], statuses: dict[str, Any] | None = None) -> None:
        self.keys = keys
        self.statuses = statuses or {}

    def __call__(self, task: Task) -> Any:
        if task.name == names.FIND_SWEEP_TARGETS:
            return {"targets": [target(k) for k in self.keys]}
        if task.name == names.COORDINATOR:
            key = (task.instance_id or "").rsplit(":", 1)[-1]
            return self.statuses.get(key, {"status": "completed"})
        raise AssertionError(f"unexpected task {task.name}")


def sweep_input(**change: Any) -> dict[str, Any]:
    return {
        "slot": "2026-12-02T06",
        "max_parallel": 2,
        "limit": 10,
        "limits": {"default_budget_tokens": 3000},
        "owner": {"oid": "op-1", "name": "Operator"},
        **change,
    }


def test_the_sweep_runs_the_coordinator_per_target_in_batches_with_stable_ids(index) -> None:
    keys = ["T-1", "T-2", "T-3"]
    script = Sweep(keys, {"T-2": {"status": "partial"}, "T-3": {}})
    done = run(index, names.BATCH_SWEEP, sweep_input(), script, instance_id="sweep-1")
    assert done.done, done.error
    (found,) = done.named(names.FIND_SWEEP_TARGETS)
    assert found.input == {
        **sweep_input(),
        "limits": {**found.input["limits"], "default_budget_tokens": 3000},
    }
    runs = done.named(names.COORDINATOR)
    assert [r.instance_id for r in runs] == [f"sweep-1:{k}" for k in keys]
    for key, started in zip(keys, runs, strict=True):
        given = CoordinatorInput.model_validate(started.input)
        assert (given.request.query, given.request.query_type) == (
            f"Review ticket {key}",
            "customer_support",
        )
        assert given.limits.default_budget_tokens == 3000
        assert given.owner is not None
        assert given.owner.oid == "op-1"
    assert SweepResult.model_validate(done.output) == SweepResult(
        slot="2026-12-02T06", workflows={"T-1": "completed", "T-2": "partial", "T-3": "unknown"}
    )
    assert done.statuses[0] == {"phase": "sweeping", "targets": 3, "done": 0}
    assert {"phase": "sweeping", "targets": 3, "done": 2} in done.statuses
    assert done.statuses[-1] == {"phase": "completed", "targets": 3, "done": 3}


def test_at_most_max_parallel_runs_are_started_at_once(index) -> None:
    keys = [f"T-{i}" for i in range(5)]
    done = run(index, names.BATCH_SWEEP, sweep_input(max_parallel=2), Sweep(keys), instance_id="s")
    assert done.done
    batches: dict[int, list[str]] = {}
    for started in done.named(names.COORDINATOR):
        batches.setdefault(started.episode, []).append(started.instance_id or "")
    assert list(batches.values()) == [["s:T-0", "s:T-1"], ["s:T-2", "s:T-3"], ["s:T-4"]]
    assert [s["done"] for s in done.statuses] == [0, 2, 4, 5]
    assert sorted(SweepResult.model_validate(done.output).workflows) == keys


def test_a_sweep_without_targets_completes_at_once(index) -> None:
    done = run(index, names.BATCH_SWEEP, sweep_input(), Sweep([]), instance_id="s")
    assert done.output == {"slot": "2026-12-02T06", "workflows": {}}
    assert done.statuses[-1] == {"phase": "completed", "targets": 0, "done": 0}


class SelfTest:
    """The catalogue's agents and each one's self-test answer."""

    def __init__(self, answers: dict[str, AgentStatus], admitted: bool = True) -> None:
        self.answers = answers
        self.admitted = admitted

    def __call__(self, task: Task) -> Any:
        if task.name == names.ADMIT_INPUT:
            return self.admitted
        if task.name == names.SELF_TEST_AGENTS:
            return {"agents": list(self.answers)}
        if task.name == names.SELF_TEST_AGENT:
            agent = task.input["agent"]
            return AgentAnswer(agent=agent, status=self.answers[agent], answer="ok").model_dump(
                mode="json"
            )
        raise AssertionError(f"unexpected task {task.name}")


def self_test(
    index, script: SelfTest, parent: str | None = "wf-1"
) -> tuple[Any, CoordinatorResult]:
    request = {"query": "health check", "query_type": "health"}
    done = run(
        index,
        names.SELF_TEST,
        request,
        script,
        instance_id="wf-1:self-test",
        parent_instance_id=parent,
    )
    assert done.done, done.error
    return done, CoordinatorResult.model_validate(done.output)


def test_the_self_test_asks_every_agent_and_reports_for_the_parent_run(index) -> None:
    script = SelfTest({"customer-support": AgentStatus.OK, "smart-city": AgentStatus.OK})
    done, result = self_test(index, script)
    asked = done.named(names.SELF_TEST_AGENT)
    assert [t.input for t in asked] == [
        {"workflow_id": "wf-1", "agent": "customer-support"},
        {"workflow_id": "wf-1", "agent": "smart-city"},
    ]
    assert (result.workflow_id, result.query, result.query_type) == (
        "wf-1",
        "health check",
        "health",
    )
    assert (result.status, result.answer, result.offline) == (
        "self_test",
        "All agents' tools answered.",
        True,
    )
    assert result.failed_agents == []
    assert [a.agent for a in result.agents] == ["customer-support", "smart-city"]


def test_the_self_test_names_every_agent_that_did_not_answer(index) -> None:
    script = SelfTest(
        {
            "customer-support": AgentStatus.FAILED,
            "smart-city": AgentStatus.OK,
            "enterprise": AgentStatus.MAX_STEPS,
        }
    )
    _, result = self_test(index, script)
    assert result.failed_agents == ["customer-support", "enterprise"]
    assert result.answer == "Self-test failed for: customer-support, enterprise."


def test_a_self_test_started_on_its_own_reports_under_its_own_id(index) -> None:
    _, result = self_test(index, SelfTest({"enterprise": AgentStatus.OK}), parent=None)
    assert result.workflow_id == "wf-1:self-test"


def test_a_self_test_on_an_input_the_app_did_not_seal_runs_nothing(index) -> None:
    script = SelfTest({"enterprise": AgentStatus.OK}, admitted=False)
    done = run(index, names.SELF_TEST, {"query": "q"}, script, instance_id="x")
    assert "self_test_run refused its input" in (done.error or "")
    assert done.named(names.SELF_TEST_AGENT) == []


def test_a_failing_target_search_fails_the_sweep(index) -> None:
    class Broken(Sweep):
        def __call__(self, task: Task) -> Any:
            if task.kind == "timer":
                return None
            if task.name == names.FIND_SWEEP_TARGETS:
                return Failure("tool server down")
            return super().__call__(task)

    done = run(index, names.BATCH_SWEEP, sweep_input(), Broken([]), instance_id="s")
    assert not done.done
    assert "tool server down" in (done.error or "")
    assert len(done.named(names.FIND_SWEEP_TARGETS)) == 3


class FlakySelfTest(SelfTest):
    """A self-test whose `step` fails once before it answers; timers fire."""

    def __init__(self, step: str) -> None:
        super().__init__({"enterprise": AgentStatus.OK})
        self.step, self.failed = step, False

    def __call__(self, task: Task) -> Any:
        if task.kind == "timer":
            return None
        if task.name == self.step and not self.failed:
            self.failed = True
            return Failure(f"{self.step} briefly down")
        return super().__call__(task)


@pytest.mark.parametrize("step", [names.SELF_TEST_AGENTS, names.SELF_TEST_AGENT])
def test_the_self_test_retries_its_catalogue_read_and_each_agents_call(index, step: str) -> None:
    done, result = self_test(index, FlakySelfTest(step))
    assert len(done.named(step)) == 2
    assert result.failed_agents == []
    (catalogue, *_) = done.named(names.SELF_TEST_AGENTS)
    assert catalogue.input == {}
