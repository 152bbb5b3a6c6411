"""Proofs of values this app issued: made with a key only the app holds, bound to purpose
and every field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.auth import signing
from core.settings import get_settings

FIELDS = {"workflow_id": "wf-1", "digest": "ab" * 32, "approved": True, "approver": "alice"}


@pytest.fixture(autouse=True)
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "keys" / "signing.key"
    monkeypatch.delenv("WORKFLOW_SIGNING_KEY", raising=False)
    monkeypatch.setenv("WORKFLOW_SIGNING_KEY_FILE", str(path))
    get_settings.cache_clear()
    signing.signing_key.cache_clear()
    yield path
    get_settings.cache_clear()
    signing.signing_key.cache_clear()


def test_a_proof_verifies_only_for_the_same_purpose_and_fields() -> None:
    proof = signing.sign("approval", FIELDS)
    assert signing.verify("approval", dict(reversed(FIELDS.items())), proof)
    assert not signing.verify("agent-task", FIELDS, proof)
    for name, other in [("approved", False), ("approver", "mallory"), ("digest", "cd" * 32)]:
        assert not signing.verify("approval", {**FIELDS, name: other}, proof), name
    assert not signing.verify("approval", FIELDS, None)
    assert not signing.verify("approval", FIELDS, "0" * 64)


def test_without_a_setting_a_private_key_file_is_made_once_and_kept(key_file: Path) -> None:
    proof = signing.sign("approval", FIELDS)
    assert key_file.stat().st_mode & 0o777 == 0o600
    signing.signing_key.cache_clear()
    assert signing.verify("approval", FIELDS, proof), "a restart must keep proofs valid"
    assert [p.name for p in key_file.parent.iterdir()] == ["signing.key"]


def test_the_setting_wins_and_a_short_key_is_refused(
    key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_SIGNING_KEY", "k" * 40)
    get_settings.cache_clear()
    from_setting = signing.sign("approval", FIELDS)
    assert not key_file.exists()
    monkeypatch.setenv("WORKFLOW_SIGNING_KEY", "short")
    get_settings.cache_clear()
    signing.signing_key.cache_clear()
    with pytest.raises(signing.SigningKeyError, match="WORKFLOW_SIGNING_KEY"):
        signing.sign("approval", FIELDS)
    monkeypatch.delenv("WORKFLOW_SIGNING_KEY")
    get_settings.cache_clear()
    signing.signing_key.cache_clear()
    assert signing.sign("approval", FIELDS) != from_setting
