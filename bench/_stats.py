"""What the benchmarks compute of their timings."""


def percentile(values, share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or
    below it (`share` 0.95 is the p95); infinity when there are none."""
    ordered = sorted(values)
    if not ordered:
        return float("inf")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
