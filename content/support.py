"""Won-deal support, as DESIGN.md defines it: an asset supports a closed-won deal when a usage of
it in that deal was logged on or before the day the deal closed (content.models.supports_deal).

The per-asset figures (uses, won deals supported, influenced revenue in the reporting currency and
per currency) are stored on Asset so that
the library can sort 100,000 assets by them through an index; `refresh_support` recomputes them in
one UPDATE with correlated subqueries, and is called whenever usage or a deal's outcome changes.
"""

from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, Exists, F, IntegerField, JSONField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .caching import library_changed, reports_changed
from .jobs import job_handler, job_start
from .models import Asset, Deal, DealStatus, Usage, supports_deal
from .money import by_currency, reporting_currency

MONEY = DecimalField(max_digits=16, decimal_places=2)


def supporting_use(asset_ref, deal_ref="pk"):
    """A use of the asset that supports the deal (content.models.supports_deal)."""
    return Usage.objects.filter(supports_deal(OuterRef("close_date")), asset=asset_ref, deal=OuterRef(deal_ref))


def won_deals_supported_by(asset_ref):
    return Deal.objects.filter(status=DealStatus.WON).filter(Exists(supporting_use(asset_ref)))


def _scalar(queryset, expression, output_field):
    """A one-value subquery: the aggregate of `queryset`, grouped by nothing."""
    return Subquery(
        queryset.order_by().annotate(_one=Value(1)).values("_one").annotate(v=expression).values("v")[:1],
        output_field=output_field,
    )


def live_usage_count():
    """The asset row's use count, computed live."""
    return Coalesce(_scalar(Usage.objects.filter(asset=OuterRef("pk")), Count("id"), IntegerField()), 0)


def support_annotations():
    """Annotations computing the support figures live, for one asset row at a time."""
    asset = OuterRef(OuterRef("pk"))
    won = won_deals_supported_by(asset)
    return {
        "live_usage_count": live_usage_count(),
        "live_won_deal_count": Coalesce(_scalar(won, Count("id"), IntegerField()), 0),
        "live_influenced_revenue": Coalesce(
            _scalar(
                won.filter(currency=reporting_currency()), Sum("amount"), DecimalField(max_digits=16, decimal_places=2)
            ),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
    }


def revenue_by_currency(asset_ids=None) -> dict[int, dict[str, str]]:
    """{asset id: {currency: won amount}} of the won deals each asset supports, each deal once per
    asset; assets without any are left out. One query: distinct (asset, deal) pairs, summed."""
    pairs = Usage.objects.supporting().filter(deal__status=DealStatus.WON)
    if asset_ids is not None:
        asset_ids = list(asset_ids)
        if not asset_ids:
            return {}
        pairs = pairs.filter(asset_id__in=asset_ids)
    pairs = (
        pairs.annotate(d_currency=F("deal__currency"), d_amount=F("deal__amount"))
        .values("asset_id", "deal_id", "d_currency", "d_amount")
        .distinct()
        .order_by()
    )
    inner, params = pairs.query.sql_with_params()
    sql = (
        f"SELECT p.asset_id, p.d_currency, SUM(p.d_amount) FROM ({inner}) p "  # noqa: S608 (ORM-built SQL)
        "GROUP BY p.asset_id, p.d_currency"
    )
    rows: dict[int, list] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for asset_id, currency, total in cursor.fetchall():
            rows.setdefault(asset_id, []).append((currency, total))
    return {asset_id: by_currency(amounts) for asset_id, amounts in rows.items()}


def refresh_support(asset_ids=None, *, uses_only: bool = False) -> int:
    """Recompute the stored support figures of the given assets (all when None). Returns rows updated.
    `uses_only`: only the use count can have moved (uses logged in deals that are not won, which
    support no won deal), so the won-deal figures are left as they are."""
    asset_ids = None if asset_ids is None else list(asset_ids)
    assets = Asset.objects.all() if asset_ids is None else Asset.objects.filter(pk__in=asset_ids)
    if uses_only:
        updated = assets.update(usage_count=live_usage_count())
        reports_changed()  # a bulk write sends no model signal
        return updated
    annotations = support_annotations()
    # searches rank by won deals, related assets also by their revenue: kept ones are stale when these move
    won_moves = (
        asset_ids is None
        or assets.exclude(
            won_deal_count=annotations["live_won_deal_count"],
            influenced_revenue=annotations["live_influenced_revenue"],
        ).exists()
    )
    updated = assets.update(
        usage_count=annotations["live_usage_count"],
        won_deal_count=annotations["live_won_deal_count"],
        influenced_revenue=annotations["live_influenced_revenue"],
        influenced_revenue_by_currency=Value({}, output_field=JSONField()),
    )
    revenue = revenue_by_currency(asset_ids)
    Asset.objects.bulk_update(
        [Asset(pk=pk, influenced_revenue_by_currency=totals) for pk, totals in revenue.items()],
        ["influenced_revenue_by_currency"],
        batch_size=500,
    )
    # bulk writes skip model signals: say here that every cached figure is now stale
    reports_changed()
    if won_moves:
        library_changed()
    return updated


def refresh_support_later(asset_ids) -> None:
    """The same refresh by a worker, once the transaction commits: for a write whose author should
    not wait for it (a buyer opening a link of much-used assets, where it takes up to a second)."""
    job_start(kind="refresh_support", params={"asset_ids": sorted(set(asset_ids))})


@job_handler("refresh_support")
def _refresh_support_job(*, job, progress) -> dict:
    return {"updated": refresh_support(job.params["asset_ids"])}


def refresh_support_for_deals(deal_ids) -> int:
    """After deals change outcome or close date: refresh every asset used in them."""
    asset_ids = Usage.objects.filter(deal_id__in=list(deal_ids)).values_list("asset_id", flat=True).distinct()
    return refresh_support(list(asset_ids))


__all__ = [
    "refresh_support",
    "refresh_support_for_deals",
    "refresh_support_later",
    "revenue_by_currency",
    "support_annotations",
    "won_deals_supported_by",
]
