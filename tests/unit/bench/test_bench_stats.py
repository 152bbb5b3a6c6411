"""Statistics helpers of the benchmark."""

import pytest

from bench import stats


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert stats.percentile(values, 50) == 50
    assert stats.percentile(values, 95) == 95
    assert stats.percentile(values, 100) == 100
    assert stats.percentile(values, 0) == 1


def test_percentile_of_unsorted_and_single_values():
    assert stats.percentile([5.0, 1.0, 3.0], 50) == 3.0
    assert stats.percentile([7.0], 95) == 7.0


def test_percentile_rejects_no_values_and_out_of_range_q():
    with pytest.raises(ValueError, match="no values"):
        stats.percentile([], 50)
    with pytest.raises(ValueError, match="between 0 and 100"):
        stats.percentile([1.0], 101)


def test_ratio_is_none_when_undefined():
    assert stats.ratio(10.0, 4.0) == 2.5
    assert stats.ratio(None, 4.0) is None
    assert stats.ratio(1.0, None) is None
    assert stats.ratio(1.0, 0.0) is None


def test_latency_summary():
    summary = stats.latency_summary([1.0, 2.0, 3.0, 4.0])
    assert summary == {"p50_ms": 2.0, "p95_ms": 4.0, "mean_ms": 2.5, "runs": 4}


def test_bucket_means_keep_a_short_last_bucket():
    assert stats.bucket_means([1.0, 3.0, 5.0, 7.0, 9.0], 2) == [2.0, 6.0, 9.0]
    with pytest.raises(ValueError, match="size"):
        stats.bucket_means([1.0], 0)


def test_elementwise_median_over_runs():
    assert stats.elementwise_median([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]]) == [2.0, 20.0]
    assert stats.elementwise_median([]) == []
