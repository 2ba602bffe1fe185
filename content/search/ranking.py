"""How a match is ranked: text relevance blended with won-deal support and freshness.

    score = relevance × support × freshness

- relevance: the backend's own text score (PostgreSQL `ts_rank` with weights title 1.0, summary and
  taxonomy 0.4, body 0.2, file text 0.1; SQLite `-bm25` with the same ratios 10/4/4/2/1; a trigram
  similarity for typo matches). Scales differ between backends, which is why the blend multiplies:
  the order it produces does not depend on the scale.
- support = 1 + 0.5 × w / (w + 5), w = won deals the asset supported. A proven asset is lifted by
  up to 50%, with diminishing returns (1 won deal: ×1.08, 5: ×1.25, 50: ×1.45), so support breaks
  near-ties and nudges, but a weak text match with a famous asset does not bury a strong one.
- freshness = 0.25 when the asset is past its expiry date (it must not be used: only marketers and
  managers see it at all), 0.95 when it is merely past its review-by date ("review due": still
  approved, so it only loses a tie to an equally relevant fresh asset), else 1.
- boosts (`Boosts`, for one search): × 1.5 for the kind the rep's words named when the search has to
  look beyond that kind, × 1000 for a pinned asset (the battle card of a competitor, or the case
  study of a customer, whose exact name was the query), which puts it first.

Ties fall back to the newest asset, then the highest id, so pages are stable.

A broad query ("pricing") matches a tenth of the library. Only RANK_CANDIDATES of its matches are
ranked by this blend, on both databases: those with the most won-deal support, the newest (highest
id) first among equals, and any pinned match. That is as many as the capped count shows (and one
more, which tells that there are more), more than any rep pages through, and it spares computing the
text score of every match.
"""

from dataclasses import dataclass

from django.db.models import Case, ExpressionWrapper, F, FloatField, Value, When
from django.db.models.functions import Cast

from ..models import AssetKind
from .paging import COUNT_CAP

SUPPORT_WEIGHT = 0.5
SUPPORT_HALF = 5.0
STALE_FACTOR = 0.95
EXPIRED_FACTOR = 0.25
KIND_BOOST = 1.5
PIN_BOOST = 1000.0
RANK_CANDIDATES = COUNT_CAP + 1


@dataclass(frozen=True)
class Boosts:
    """What one search lifts: the kind its words named, and the assets its exact name pins."""

    kind: str = ""
    pinned: tuple[int, ...] = ()

    def __bool__(self):
        return bool(self.kind or self.pinned)

    def sql(self, table: str, id_column: str) -> str:
        """Factors as literal SQL (a known kind, integer ids): no parameters to thread through."""
        factors = []
        if self.kind in AssetKind.values:
            factors.append(f" * (CASE WHEN {table}.kind = '{self.kind}' THEN {KIND_BOOST} ELSE 1.0 END)")
        if self.pinned:
            ids = ", ".join(str(int(pk)) for pk in self.pinned)
            factors.append(f" * (CASE WHEN {table}.{id_column} IN ({ids}) THEN {PIN_BOOST} ELSE 1.0 END)")
        return "".join(factors)


def blend_sql(relevance_sql: str, table: str = "content_asset", *, id_column: str = "id", boosts=None) -> str:
    """SQL for the blended score; its parameters are `blend_params(today)` (the freshness cut-off)."""
    won = f"CAST({table}.won_deal_count AS double precision)"
    # float arithmetic throughout: PostgreSQL's numeric is several times slower over many matches
    return (
        f"(CAST({relevance_sql} AS double precision)"
        f" * (1.0 + {won} * {SUPPORT_WEIGHT} / ({won} + {SUPPORT_HALF}))"
        f" * (CASE WHEN {table}.expires_on <= %s THEN {EXPIRED_FACTOR}"
        f" WHEN {table}.review_by < %s THEN {STALE_FACTOR} ELSE 1.0 END)"
        f"{boosts.sql(table, id_column) if boosts else ''})"
    )


def blended(relevance, *, today, boosts=None):
    """The blend of `blend_sql` as an ORM expression over an asset queryset, `relevance` being an
    expression of the text score (the SQLite backend: the bm25 relevance of each match)."""
    won = Cast("won_deal_count", FloatField())
    support = Value(1.0) + won * Value(SUPPORT_WEIGHT) / (won + Value(SUPPORT_HALF))
    freshness = Case(
        When(expires_on__lte=today, then=Value(EXPIRED_FACTOR)),
        When(review_by__lt=today, then=Value(STALE_FACTOR)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    score = Cast(relevance, FloatField()) * support * freshness
    if boosts and boosts.kind in AssetKind.values:
        score = score * Case(When(kind=boosts.kind, then=Value(KIND_BOOST)), default=Value(1.0))
    if boosts and boosts.pinned:
        score = score * Case(When(pk__in=list(boosts.pinned), then=Value(PIN_BOOST)), default=Value(1.0))
    return ExpressionWrapper(score, output_field=FloatField())


def blend_params(today) -> list:
    """The parameters of `blend_sql`: today's date, for the expiry and the review-by tests."""
    return [today, today]


def blend(relevance: float, *, won_deal_count: int, stale: bool, expired: bool = False) -> float:
    """The same formula in Python (without boosts), for explanations and tests."""
    support = 1.0 + SUPPORT_WEIGHT * won_deal_count / (won_deal_count + SUPPORT_HALF)
    freshness = EXPIRED_FACTOR if expired else STALE_FACTOR if stale else 1.0
    return relevance * support * freshness


# The orders that sort by the asset's own columns rather than by the blended score.
ORDERINGS_BY_COLUMN = ("newest", "most_used", "best_support")


def order_queryset(queryset, ordering: str):
    """Sort search results: relevance (the `score` annotation), newest, most used or best support."""
    if ordering == "newest":
        return queryset.order_by(F("published_at").desc(nulls_last=True), "-id")
    if ordering == "most_used":
        return queryset.order_by("-usage_count", "-won_deal_count", "-id")
    if ordering == "best_support":
        return queryset.order_by("-won_deal_count", "-influenced_revenue", "-usage_count", "-id")
    return queryset.order_by("-score", F("published_at").desc(nulls_last=True), "-id")
