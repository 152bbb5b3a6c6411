"""Sealed orchestrator inputs: an internal orchestrator runs only the input the app sealed for
that orchestrator and that instance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.auth import input_proofs, signing
from core.settings import get_settings

PAYLOAD = {"workflow_id": "wf-1", "agent": "enterprise", "task": "close T-1", "budget_tokens": 900}
VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=10)


@pytest.fixture(autouse=True, scope="module")
def signing_setting() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKFLOW_SIGNING_KEY", "s" * signing.MIN_KEY_BYTES)
        get_settings.cache_clear()
        signing.signing_key.cache_clear()
        yield
    get_settings.cache_clear()
    signing.signing_key.cache_clear()


def test_a_sealed_input_keeps_its_fields_and_verifies_for_its_instance() -> None:
    sealed = input_proofs.seal("agent_run", "wf-1:enterprise", PAYLOAD)
    assert {k: v for k, v in sealed.items() if k != input_proofs.PROOF_FIELD} == PAYLOAD
    assert input_proofs.is_sealed("agent_run", "wf-1:enterprise", sealed)


def test_a_seal_is_the_proof_of_orchestrator_instance_and_input_together() -> None:
    """The sealed fields, by name: the inputs of runs in flight carry proofs made this way."""
    sealed = input_proofs.seal("agent_run", "wf-1:enterprise", PAYLOAD)
    fields = {"orchestration": "agent_run", "instance_id": "wf-1:enterprise", "input": PAYLOAD}
    assert signing.verify(input_proofs.PURPOSE, fields, sealed[input_proofs.PROOF_FIELD])


def test_resealing_a_sealed_input_gives_the_same_proof() -> None:
    sealed = input_proofs.seal("approval", "wf-1:approval", PAYLOAD)
    assert input_proofs.seal("approval", "wf-1:approval", sealed) == sealed


def test_a_seal_does_not_verify_for_another_orchestrator_or_instance() -> None:
    sealed = input_proofs.seal("agent_run", "wf-1:enterprise", PAYLOAD)
    assert not input_proofs.is_sealed("approval", "wf-1:enterprise", sealed)
    assert not input_proofs.is_sealed("agent_run", "wf-2:enterprise", sealed)


def test_a_seal_under_another_purpose_does_not_verify() -> None:
    fields = {"orchestration": "agent_run", "instance_id": "wf-1:enterprise", "input": PAYLOAD}
    forged = {**PAYLOAD, input_proofs.PROOF_FIELD: signing.sign("approval", fields)}
    assert not input_proofs.is_sealed("agent_run", "wf-1:enterprise", forged)


@settings(deadline=None)
@given(name=st.sampled_from(sorted(PAYLOAD)), value=VALUES)
def test_an_input_changed_after_sealing_is_refused(name: str, value: Any) -> None:
    sealed = input_proofs.seal("agent_run", "wf-1:enterprise", PAYLOAD)
    changed = {**sealed, name: value}
    assert input_proofs.is_sealed("agent_run", "wf-1:enterprise", changed) == (
        value == PAYLOAD[name] and type(value) is type(PAYLOAD[name])
    )


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "text",
        ["list"],
        PAYLOAD,
        {**PAYLOAD, "proof": None},
        {**PAYLOAD, "proof": 7},
        {**PAYLOAD, "proof": ""},
    ],
)
def test_an_input_without_a_proof_is_refused(payload: Any) -> None:
    assert not input_proofs.is_sealed("agent_run", "wf-1:enterprise", payload)
