"""`check_approval`: the approval workflow counts a decision only when this activity finds the
app's proof of exactly the grant it would carry out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from activities.approvals import check_approval
from core.approvals import sign_grant
from core.auth import signing
from core.models import ApprovalGrant, CheckApprovalInput, CoveredCall
from core.settings import get_settings

GRANT = ApprovalGrant(
    workflow_id="wf-1",
    approval_id="wf-1:approval",
    digest="ab" * 32,
    covers=[CoveredCall(digest="cd" * 32, key="wf-1:planned:0")],
    approver="alice",
    approved=True,
    expires_at="2026-12-02T12:00:00+00:00",
)


@pytest.fixture(autouse=True)
def signing_setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("WORKFLOW_SIGNING_KEY", "a" * signing.MIN_KEY_BYTES)
    get_settings.cache_clear()
    signing.signing_key.cache_clear()
    yield
    get_settings.cache_clear()
    signing.signing_key.cache_clear()


def check(grant: ApprovalGrant, proof: str) -> bool:
    return check_approval(CheckApprovalInput(grant=grant, proof=proof).model_dump(mode="json"))


def test_the_apps_proof_of_the_grant_is_accepted() -> None:
    assert check(GRANT, sign_grant(GRANT)) is True


def test_a_proof_of_another_grant_or_no_proof_is_refused() -> None:
    denied = GRANT.model_copy(update={"approved": False})
    assert check(GRANT, sign_grant(denied)) is False
    assert check(GRANT.model_copy(update={"approver": "mallory"}), sign_grant(GRANT)) is False
    assert check(GRANT, "") is False
