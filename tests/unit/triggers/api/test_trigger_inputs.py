"""Validation of orchestration inputs: which orchestrators are public, the public request
models only (limits from the settings, the caller as owner), and query length."""

import pytest

from core.auth import DEVELOPMENT_PRINCIPAL
from orchestrations import names
from triggers.api.start import INPUTS, public_orchestrator
from triggers.shared.errors import NotFoundError, RequestValidationError
from triggers.shared.workflow_input import coordinator_input, sweep_input, workflow_limits


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


def test_request_gets_the_settings_limits_and_the_caller_as_owner(settings_env):
    settings_env(DEFAULT_BUDGET_TOKENS="1234", MAX_AGENT_STEPS="3", APPROVAL_TIMEOUT_SECONDS="60")
    workflow_input = coordinator_input({"query": "Is SKU-10001 in stock?"}, DEVELOPMENT_PRINCIPAL)
    assert workflow_input.limits.model_dump() == {
        "default_budget_tokens": 1234,
        "max_steps": 3,
        "approval_timeout_seconds": 60,
    }
    assert workflow_limits() == workflow_input.limits
    assert workflow_input.owner is not None
    assert workflow_input.owner.oid == DEVELOPMENT_PRINCIPAL.oid


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"request": {"query": "hi"}, "limits": {"max_steps": 50}}, "request"),
        ({"query": "hi", "limits": {"default_budget_tokens": 10**12}}, "limits"),
        ({"query": "hi", "owner": {"oid": "someone-else"}}, "owner"),
    ],
)
def test_limits_and_owner_cannot_come_from_the_body(settings_env, body: dict, field: str):
    with pytest.raises(RequestValidationError) as caught:
        coordinator_input(body, DEVELOPMENT_PRINCIPAL)
    assert field in {d.field for d in caught.value.detail}


def test_query_longer_than_max_query_chars_is_a_validation_error(settings_env):
    settings_env(MAX_QUERY_CHARS="10")
    with pytest.raises(RequestValidationError) as caught:
        coordinator_input({"query": "x" * 11}, DEVELOPMENT_PRINCIPAL)
    assert caught.value.detail[0].field == "query"
    assert "11 characters; at most 10" in caught.value.detail[0].message


def test_query_beyond_the_model_limit_is_refused_by_the_model(settings_env):
    with pytest.raises(RequestValidationError) as caught:
        coordinator_input({"query": "x" * 4001}, DEVELOPMENT_PRINCIPAL)
    assert caught.value.detail[0].field == "query"


def test_sweep_takes_its_parallelism_and_limits_from_the_settings(settings_env):
    settings_env(BATCH_SWEEP_MAX_PARALLEL="4", MAX_AGENT_STEPS="2")
    sweep = sweep_input({"slot": "manual", "limit": 5}, DEVELOPMENT_PRINCIPAL)
    assert (sweep.max_parallel, sweep.limit, sweep.limits.max_steps) == (4, 5, 2)
    with pytest.raises(RequestValidationError) as caught:
        sweep_input({"max_parallel": 20, "limits": {"max_steps": 50}}, None)
    assert {d.field for d in caught.value.detail} == {"slot", "max_parallel", "limits"}
