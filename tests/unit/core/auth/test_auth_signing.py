"""Proofs of values this app issued: made with a key only the app holds, bound to purpose
and every field."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from datetime import UTC, datetime
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


def test_canonical_form_is_sorted_compact_utf8_json() -> None:
    fields = {"b": [1, {"y": 2, "x": "é"}], "a": "ü"}
    assert signing.canonical(fields) == '{"a":"ü","b":[1,{"x":"é","y":2}]}'.encode()
    when = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert signing.canonical({"at": when}) == signing.canonical({"at": str(when)})
    assert signing.digest(fields) == hashlib.sha256(signing.canonical(fields)).hexdigest()
    assert signing.digest(fields) != signing.digest({**fields, "a": "u"})


def test_a_proof_is_the_hmac_of_purpose_and_canonical_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The proof format is what proofs already in running workflows were made with."""
    key = "k" * signing.MIN_KEY_BYTES
    monkeypatch.setenv("WORKFLOW_SIGNING_KEY", key)
    get_settings.cache_clear()
    message = b"approval\n" + signing.canonical(FIELDS)
    expected = hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
    assert signing.sign("approval", FIELDS) == expected


def test_the_key_file_is_made_in_missing_folders_or_an_existing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in (tmp_path / "a" / "b" / "signing.key", tmp_path / "a" / "other.key"):
        monkeypatch.setenv("WORKFLOW_SIGNING_KEY_FILE", str(path))
        get_settings.cache_clear()
        signing.signing_key.cache_clear()
        assert signing.verify("approval", FIELDS, signing.sign("approval", FIELDS))
        assert len(path.read_text()) == 2 * signing.MIN_KEY_BYTES


def test_a_key_file_needs_at_least_the_minimum_length(key_file: Path) -> None:
    key_file.parent.mkdir(parents=True)
    key_file.write_text("k" * signing.MIN_KEY_BYTES + "\n")
    assert signing.signing_key() == b"k" * signing.MIN_KEY_BYTES
    key_file.write_text("k" * (signing.MIN_KEY_BYTES - 1))
    signing.signing_key.cache_clear()
    with pytest.raises(signing.SigningKeyError, match=f"WORKFLOW_SIGNING_KEY_FILE: {key_file}"):
        signing.signing_key()
