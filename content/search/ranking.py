"""How a match is ranked: text relevance blended with won-deal support and freshness.

    score = relevance × support × freshness

- relevance: the backend's own text score (PostgreSQL `ts_rank` with weights title 1.0, summary and
  taxonomy 0.4, body 0.2, file text 0.1; SQLite `-bm25` with the same ratios 10/4/4/2/1; a trigram
  similarity for typo matches). Scales differ between backends, which is why the blend multiplies:
  the order it produces does not depend on the scale.
- support = 1 + 0.5 × w / (w + 5), w = won deals the asset supported. A proven asset is lifted by
  up to 50%, with diminishing returns (1 won deal: ×1.08, 5: ×1.25, 50: ×1.45), so support breaks
  near-ties and nudges, but a weak text match with a famous asset does not bury a strong one.
- freshness = 0.6 when the asset is past its review-by date ("needs review"), else 1: stale
  content sinks below an equally relevant fresh one, without vanishing.

Ties fall back to the newest asset, then the highest id, so pages are stable.
"""

from django.db.models import F

SUPPORT_WEIGHT = 0.5
SUPPORT_HALF = 5.0
STALE_FACTOR = 0.6


def blend_sql(relevance_sql: str, table: str = "content_asset") -> str:
    """SQL for the blended score; one parameter: today's date (the freshness cut-off)."""
    won = f"CAST({table}.won_deal_count AS double precision)"
    # float arithmetic throughout: PostgreSQL's numeric is several times slower over many matches
    return (
        f"(CAST({relevance_sql} AS double precision)"
        f" * (1.0 + {won} * {SUPPORT_WEIGHT} / ({won} + {SUPPORT_HALF}))"
        f" * (CASE WHEN {table}.review_by < %s THEN {STALE_FACTOR} ELSE 1.0 END))"
    )


def blend(relevance: float, *, won_deal_count: int, stale: bool) -> float:
    """The same formula in Python, for explanations and tests."""
    support = 1.0 + SUPPORT_WEIGHT * won_deal_count / (won_deal_count + SUPPORT_HALF)
    return relevance * support * (STALE_FACTOR if stale else 1.0)


def order_queryset(queryset, ordering: str):
    """Sort search results: relevance (the `score` annotation), newest, most used or best support."""
    if ordering == "newest":
        return queryset.order_by(F("published_at").desc(nulls_last=True), "-id")
    if ordering == "most_used":
        return queryset.order_by("-usage_count", "-won_deal_count", "-id")
    if ordering == "best_support":
        return queryset.order_by("-won_deal_count", "-influenced_revenue", "-usage_count", "-id")
    return queryset.order_by("-score", F("published_at").desc(nulls_last=True), "-id")
