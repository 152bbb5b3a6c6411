"""Validation of orchestration inputs: which orchestrators are public, the coordinator's two
input forms, the settings' limits and query length."""

import pytest

from core.models import CoordinatorInput
from orchestrations import names
from triggers.errors import NotFoundError, RequestValidationError
from triggers.start import INPUTS, public_orchestrator
from triggers.workflow_input import coordinator_input, coordinator_request_input, workflow_limits


def test_every_public_orchestrator_has_an_input_validator():
    assert set(INPUTS) == set(names.PUBLIC_ORCHESTRATORS)


@pytest.mark.parametrize("given", ["coordinator", "Coordinator", "BATCH_SWEEP"])
def test_public_orchestrator_names_match_case_insensitively(given: str):
    assert public_orchestrator(given) == given.lower()


@pytest.mark.parametrize("given", ["agent_run", "approval", "self_test_run", "nope", ""])
def test_internal_or_unknown_orchestrator_is_not_found_naming_the_public_ones(given: str):
    with pytest.raises(NotFoundError) as caught:
        public_orchestrator(given)
    detail = caught.value.detail[0]
    assert detail.field == "name"
    assert "batch_sweep, coordinator" in detail.message


def test_bare_request_gets_the_settings_limits(settings_env):
    settings_env(DEFAULT_BUDGET_TOKENS="1234", MAX_AGENT_STEPS="3", APPROVAL_TIMEOUT_SECONDS="60")
    workflow_input = coordinator_request_input({"query": "Is SKU-10001 in stock?"})
    assert workflow_input.limits.model_dump() == {
        "default_budget_tokens": 1234,
        "max_steps": 3,
        "approval_timeout_seconds": 60,
    }
    assert workflow_limits() == workflow_input.limits


def test_full_input_keeps_its_own_limits(settings_env):
    given = {"request": {"query": "hi"}, "limits": {"max_steps": 2}}
    workflow_input = coordinator_input(given)
    assert isinstance(workflow_input, CoordinatorInput)
    assert workflow_input.limits.max_steps == 2


def test_bad_field_of_a_full_input_is_named_by_its_path(settings_env):
    with pytest.raises(RequestValidationError) as caught:
        coordinator_input({"request": {"query": ""}, "limits": {"max_steps": 0}})
    assert {d.field for d in caught.value.detail} == {"request.query", "limits.max_steps"}


def test_query_longer_than_max_query_chars_is_a_validation_error(settings_env):
    settings_env(MAX_QUERY_CHARS="10")
    with pytest.raises(RequestValidationError) as caught:
        coordinator_request_input({"query": "x" * 11})
    assert caught.value.detail[0].field == "query"
    assert "11 characters; at most 10" in caught.value.detail[0].message
    with pytest.raises(RequestValidationError) as full:
        coordinator_input({"request": {"query": "x" * 11}})
    assert full.value.detail[0].field == "request.query"


def test_query_beyond_the_model_limit_is_refused_by_the_model(settings_env):
    with pytest.raises(RequestValidationError) as caught:
        coordinator_request_input({"query": "x" * 4001})
    assert caught.value.detail[0].field == "query"


def test_sweep_input_is_validated():
    assert INPUTS[names.BATCH_SWEEP]({"slot": "manual", "max_parallel": 2})["max_parallel"] == 2
    with pytest.raises(RequestValidationError) as caught:
        INPUTS[names.BATCH_SWEEP]({"max_parallel": 99})
    assert {d.field for d in caught.value.detail} == {"slot", "max_parallel"}
