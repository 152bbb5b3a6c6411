"""Retry policies read from the SDK's `retryOptions`: the wait before each attempt grows by the
backoff coefficient up to the maximum interval, and no attempt starts after the retry timeout."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from devhost.engine.retry import RetryPolicy

T0 = datetime(2026, 1, 1, tzinfo=UTC)
millis = st.integers(1, 10**8)


def test_a_policy_without_options_waits_a_second_and_tries_once():
    assert RetryPolicy.from_json({}) == RetryPolicy(timedelta(seconds=1), 1, 1.0, None, None)


@settings(deadline=None)
@given(
    first=millis,
    attempts=st.integers(-3, 20),
    coefficient=st.floats(0.5, 4),
    max_ms=st.none() | millis,
    timeout_ms=st.none() | millis,
)
def test_a_policy_reads_every_option(first, attempts, coefficient, max_ms, timeout_ms):
    options = {
        "firstRetryIntervalInMilliseconds": first,
        "maxNumberOfAttempts": attempts,
        "backoffCoefficient": coefficient,
        "maxRetryIntervalInMilliseconds": max_ms,
        "retryTimeoutInMilliseconds": timeout_ms,
    }
    policy = RetryPolicy.from_json(options)
    assert policy.first_interval == timedelta(milliseconds=first)
    assert policy.max_attempts == max(1, attempts)
    assert policy.backoff_coefficient == coefficient
    assert policy.max_interval == (timedelta(milliseconds=max_ms) if max_ms else None)
    assert policy.timeout == (timedelta(milliseconds=timeout_ms) if timeout_ms else None)


@settings(deadline=None)
@given(
    first=millis,
    coefficient=st.integers(1, 3),
    max_ms=st.none() | millis,
    retry_index=st.integers(0, 6),
)
def test_each_wait_is_the_first_interval_times_the_backoff_capped_at_the_maximum(
    first, coefficient, max_ms, retry_index
):
    policy = RetryPolicy.from_json(
        {
            "firstRetryIntervalInMilliseconds": first,
            "backoffCoefficient": coefficient,
            "maxRetryIntervalInMilliseconds": max_ms,
        }
    )
    expected = timedelta(milliseconds=first * coefficient**retry_index)
    if max_ms is not None:
        expected = min(expected, timedelta(milliseconds=max_ms))
    assert policy.next_delay(retry_index, T0, T0 + timedelta(days=365)) == expected


@settings(deadline=None)
@given(timeout_ms=millis, elapsed_ms=st.integers(0, 2 * 10**8))
def test_no_wait_is_given_once_the_retry_timeout_has_passed(timeout_ms, elapsed_ms):
    policy = RetryPolicy.from_json({"retryTimeoutInMilliseconds": timeout_ms})
    delay = policy.next_delay(0, T0, T0 + timedelta(milliseconds=elapsed_ms))
    assert delay == (None if elapsed_ms >= timeout_ms else timedelta(seconds=1))
