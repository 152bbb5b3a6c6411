"""The idempotent write log shared by the tool servers."""

from __future__ import annotations

import pytest

from agents.errors import IdempotencyConflictError, InvalidRequestError
from agents.journal import WriteJournal


def test_a_key_applies_its_write_once_and_replays_the_result():
    journal = WriteJournal()
    writes: list[int] = []

    def write() -> int:
        writes.append(1)
        return len(writes)

    first = journal.apply("k", "tool", {"a": 1}, write)
    second = journal.apply("k", "tool", {"a": 1}, write)

    assert (first, second, writes) == (1, 1, [1])


def test_a_key_reused_with_other_arguments_is_refused():
    journal = WriteJournal()
    journal.apply("k", "tool", {"a": 1}, lambda: "done")

    with pytest.raises(IdempotencyConflictError, match="idempotency_key: 'k' was already used"):
        journal.apply("k", "tool", {"a": 2}, lambda: "again")


def test_a_failed_write_does_not_use_up_its_key():
    journal = WriteJournal()

    def fail() -> str:
        raise InvalidRequestError("quantity", "too many")

    with pytest.raises(InvalidRequestError):
        journal.apply("k", "tool", {"a": 1}, fail)
    result = journal.apply("k", "tool", {"a": 1}, lambda: "done")

    assert result == "done"
