"""Statistics of benchmark samples: percentiles, ratios and summaries. Standard library only,
so the peers' scripts and the main bench share it."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of values, by nearest rank."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least 1
    return ordered[int(rank) - 1]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is not > 0."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def median(values: Sequence[float]) -> float | None:
    """The median, or None for no values."""
    return statistics.median(values) if values else None


def latency_summary(samples_ms: Sequence[float]) -> dict[str, float | int]:
    """p50, p95, mean and count of latency samples in milliseconds."""
    return {
        "p50_ms": percentile(samples_ms, 50),
        "p95_ms": percentile(samples_ms, 95),
        "mean_ms": statistics.fmean(samples_ms),
        "runs": len(samples_ms),
    }


def bucket_means(values: Sequence[float], size: int) -> list[float]:
    """Means of consecutive buckets of `size` values (the last one may be shorter)."""
    if size < 1:
        raise ValueError("size must be >= 1")
    return [statistics.fmean(values[i : i + size]) for i in range(0, len(values), size)]


def elementwise_median(rows: Sequence[Sequence[float]]) -> list[float]:
    """The median of each position across rows of equal length."""
    if not rows:
        return []
    width = min(len(r) for r in rows)
    return [statistics.median(r[i] for r in rows) for i in range(width)]
