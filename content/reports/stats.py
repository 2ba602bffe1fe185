"""Honest statistics: the Wilson score interval for a win rate, and lift against a baseline.

The Wilson interval stays inside [0, 1] and is sensible for small samples, unlike p ± 1.96·se;
its lower bound is the score we sort by, so that 2 wins out of 2 does not outrank 80 out of 100.
"""

import math

Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


def lift(rate: float | None, baseline: float | None) -> float | None:
    """Relative lift: rate / baseline − 1 (0.25 means a win rate 25% higher than the baseline)."""
    if rate is None or not baseline:
        return None
    return rate / baseline - 1


def ratio(part, whole) -> float | None:
    return part / whole if whole else None


def wilson_lower_sql(won: str, closed: str, z: float = Z_95) -> str:
    """The Wilson lower bound as a SQL expression over two integer columns (SQRT exists on
    PostgreSQL and, registered by Django, on SQLite)."""
    z2 = z * z
    p = f"(CAST({won} AS REAL) / {closed})"
    return (
        f"(({p} + {z2} / (2.0 * {closed}) - {z} * SQRT({p} * (1 - {p}) / {closed} + {z2} / (4.0 * {closed} "
        f"* {closed})))"
        f" / (1 + {z2} / {closed}))"
    )
