"""Step times counted in buckets, and medians and 90th percentiles read back from the counts.

A time of s seconds falls in bucket 0 when s < 1, else in bucket k = 1 + floor(ln s / ln γ), the times
from γ^(k-1) to γ^k, with γ = (1 + ERROR) / (1 - ERROR). Every time in bucket k is within ERROR (1%) of
the bucket's value 2γ^k / (γ + 1) (bucket 0's is 0: within a second). A percentile read from the counts
interpolates between the values of the two neighbouring ranks as PostgreSQL's `percentile_cont` does
between the times themselves, so it is within 1% (or a second) of the exact figure: the dashboard says
so, and tests/test_dashboard_rollup.py checks it on random data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta

ERROR = 0.01
GAMMA = (1 + ERROR) / (1 - ERROR)


def bucket_sql(span: str) -> str:
    """Return SQL for the bucket of the interval expression `span` (NULL stays NULL)."""
    seconds = f"EXTRACT(EPOCH FROM {span})"
    return (
        f"CASE WHEN {span} IS NULL THEN NULL WHEN {seconds} < 1 THEN 0 "
        f"ELSE 1 + floor(ln({seconds}) / {math.log(GAMMA)!r})::int END"
    )


def bucket_of(span: timedelta) -> int:
    """The bucket of one time, as `bucket_sql` computes it (for tests)."""
    seconds = span.total_seconds()
    return 0 if seconds < 1 else 1 + math.floor(math.log(seconds) / math.log(GAMMA))


def bucket_value(bucket: int) -> float:
    """The seconds a bucket stands for: within ERROR of every time in it."""
    return 0.0 if bucket <= 0 else 2 * GAMMA**bucket / (GAMMA + 1)


def percentile(counts: Mapping[int, int], fraction: float) -> timedelta | None:
    """Return the continuous percentile (as `percentile_cont`) of the times counted in `counts`."""
    ordered = sorted((bucket, n) for bucket, n in counts.items() if n > 0)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    position = fraction * (total - 1)
    lower_rank = math.floor(position)
    lower = _value_at_rank(ordered, lower_rank)
    upper = _value_at_rank(ordered, min(lower_rank + 1, total - 1))
    return timedelta(seconds=lower + (upper - lower) * (position - lower_rank))


def _value_at_rank(ordered: list[tuple[int, int]], rank: int) -> float:
    """The value of the `rank`-th time (from 0) of the sorted bucket counts."""
    seen = 0
    for bucket, n in ordered:
        seen += n
        if seen > rank:
            return bucket_value(bucket)
    return bucket_value(ordered[-1][0])
