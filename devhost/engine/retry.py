"""Retry policies of `call_*_with_retry`, computed as the Durable Task Framework does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class RetryPolicy:
    """A retry policy as the extension reads it from the SDK's `retryOptions` JSON."""

    first_interval: timedelta
    max_attempts: int
    backoff_coefficient: float = 1.0
    max_interval: timedelta | None = None
    timeout: timedelta | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RetryPolicy:
        """Read `firstRetryIntervalInMilliseconds`, `maxNumberOfAttempts` and the optional
        `backoffCoefficient`, `maxRetryIntervalInMilliseconds`, `retryTimeoutInMilliseconds`."""
        max_interval = data.get("maxRetryIntervalInMilliseconds")
        timeout = data.get("retryTimeoutInMilliseconds")
        return cls(
            first_interval=timedelta(
                milliseconds=float(data.get("firstRetryIntervalInMilliseconds", 1000))
            ),
            max_attempts=max(1, int(data.get("maxNumberOfAttempts", 1))),
            backoff_coefficient=float(data.get("backoffCoefficient", 1.0)),
            max_interval=timedelta(milliseconds=float(max_interval)) if max_interval else None,
            timeout=timedelta(milliseconds=float(timeout)) if timeout else None,
        )

    def next_delay(
        self, retry_index: int, first_attempt_at: datetime, now: datetime
    ) -> timedelta | None:
        """The wait before the next attempt after failure number `retry_index` (0-based).

        None means give up now: the retry timeout has passed. Like the framework, a timer is
        still created after the last allowed attempt fails; the caller stops after it fires.
        """
        if self.timeout is not None and now >= first_attempt_at + self.timeout:
            return None
        delay = self.first_interval * (self.backoff_coefficient**retry_index)
        if self.max_interval is not None and delay > self.max_interval:
            delay = self.max_interval
        return delay
