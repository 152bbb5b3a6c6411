"""The nearest-rank 95th percentile, computed from the top of a descending sort.

Both stores fetch only the largest `p95_top_count(n)` latencies (`TOP k ... ORDER BY DESC`)
instead of reading a whole window; the last of them is the 95th percentile.
"""

from __future__ import annotations


def p95_top_count(count: int) -> int:
    """How many of `count` values, largest first, reach the nearest-rank 95th percentile."""
    if count < 1:
        raise ValueError("count must be >= 1")
    rank = (95 * count + 99) // 100  # ceil(0.95 * count) in integers, free of float error
    return count - rank + 1
