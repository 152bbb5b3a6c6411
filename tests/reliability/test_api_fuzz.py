"""Fuzz the HTTP API from its own OpenAPI document: no input makes it answer 5xx, and every
4xx answer is JSON naming the problem."""

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.apphost import AppHost, running_app

# Long-running work is not the fuzzer's business: requests ask for no approval waits and the
# coordinator returns at once (202) instead of waiting for the result.
FUZZ_SETTINGS = {"ORCHESTRATE_WAIT_SECONDS": "0", "APPROVAL_TIMEOUT_SECONDS": "1"}
EXAMPLES_PER_OPERATION = 300


@pytest.fixture(scope="module")
def fuzzed_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    state = tmp_path_factory.mktemp("fuzz")
    with running_app(state, enforce_keys=False, settings=FUZZ_SETTINGS) as host:
        yield host


@pytest.fixture(scope="module")
def api_schema(fuzzed_host: AppHost):
    document = httpx.get(f"{fuzzed_host.url}/api/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=f"{fuzzed_host.url}/api")
    return schema


def check(case: schemathesis.Case) -> None:
    """One generated request: never a 5xx; a refusal is JSON that names the problem."""
    response = case.call(timeout=30)
    where = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500, where
    if 400 <= response.status_code < 500 and response.status_code != 401:
        assert "application/json" in str(response.headers.get("content-type")), where
        body = response.json()
        assert body.get("error"), where
        assert body.get("detail"), where


def test_no_input_gives_a_server_error_and_every_refusal_names_the_problem(api_schema):
    cases = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def fuzz(case: schemathesis.Case) -> None:
            nonlocal cases
            cases += 1
            check(case)

        fuzz()
    print(f"{cases} generated requests")
    assert cases >= 1000
