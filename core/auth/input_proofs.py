"""Proofs on the inputs of internal orchestrators (`agent_run`, `approval`, `self_test_run`):
the app seals an input for one orchestrator and one instance id, and that orchestrator runs
only an input whose proof verifies. A start through the Durable webhooks (with the system
key) has no proof, and a proof copied from one instance does not verify for another."""

from __future__ import annotations

from typing import Any

from core.auth.signing import sign, verify

PURPOSE = "orchestration-input"
PROOF_FIELD = "proof"
"""The key of the proof in a sealed input."""


def _fields(orchestration: str, instance_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    unsealed = {k: v for k, v in payload.items() if k != PROOF_FIELD}
    return {"orchestration": orchestration, "instance_id": instance_id, "input": unsealed}


def seal(orchestration: str, instance_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """`payload` with this app's proof that it is the input of `orchestration`'s instance
    `instance_id`."""
    proof = sign(PURPOSE, _fields(orchestration, instance_id, payload))
    return {**payload, PROOF_FIELD: proof}


def is_sealed(orchestration: str, instance_id: str, payload: Any) -> bool:
    """Whether `payload` carries this app's proof for `orchestration`'s instance `instance_id`."""
    if not isinstance(payload, dict) or not isinstance(payload.get(PROOF_FIELD), str):
        return False
    return verify(PURPOSE, _fields(orchestration, instance_id, payload), payload[PROOF_FIELD])
