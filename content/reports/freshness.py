"""Freshness: the share of published assets verified within their interval against the team's
target, and the overdue list ranked by how much reps still use and look for them."""

import datetime

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from ..models import Asset, AssetKind, SearchLog
from . import scope
from .base import TITLES, Column, Report, Table, chosen_sort, page_slice
from .sql import fetch_dicts, materialized, subquery_sql
from .stats import ratio

COLUMNS = [
    Column("asset_id", "Asset id", "int", page=False),
    Column("title", "Asset"),
    Column("kind", "Kind"),
    Column("owner", "Owner"),
    Column("review_by", "Review by", "date"),
    Column("days_overdue", "Days overdue", "int"),
    Column("uses", "Uses in period", "int"),
    Column("search_clicks", "Search clicks in period", "int"),
    Column("demand", "Uses + clicks", "int"),
]


def notes():
    return [
        "Fresh: a published asset whose review-by date (last verification, or publication, plus its "
        "verification "
        "interval) is today or later. Published assets without a review-by date count as overdue.",
        f"Target: {settings.FRESHNESS_TARGET_PERCENT}% of published assets fresh.",
        "The overdue list is ranked by uses in the period plus clicks on the asset from search results in "
        "the period: the stale assets reps still rely on come first. Kind, stage, persona, competitor and owner "
        "(the asset's owner) narrow the assets.",
    ]


SORTS = {
    "demand": "demand",
    "uses": "uses",
    "search_clicks": "search_clicks",
    "review_by": "review_by",
    "days_overdue": "review_by",  # more days overdue = an earlier review-by date
    "title": "title",
    "kind": "kind",
    "owner": "owner_name",
    "asset_id": "id",
}


def overdue_order(filters):
    sort, direction = chosen_sort(filters, SORTS, "demand")
    descending = direction == "desc"
    if sort == "days_overdue":
        descending = not descending
    return sort, direction, f"{SORTS[sort]} {'DESC' if descending else 'ASC'} NULLS LAST, id ASC"


def as_date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def overdue_page(filters, overdue, order_sql):
    """The overdue assets with their uses and search clicks in the period: each count grouped once
    over the period's rows and joined, rather than counted again for every asset."""
    assets_sql, assets_params = subquery_sql(
        overdue.values("id", "title", "kind", "review_by", owner_name=F("owner__username"))
    )
    uses_sql, uses_params = subquery_sql(scope.uses_per_asset(filters, by_owner=False))
    clicks_sql, clicks_params = subquery_sql(
        SearchLog.objects.order_by()
        .filter(clicked_asset__isnull=False, created_at__gte=filters.start_at, created_at__lt=filters.end_before)
        .values("clicked_asset_id")
        .annotate(n=Count("id"))
    )
    # Each count is grouped once, as a CTE (see sql.materialized), then joined.
    sql = (
        f"WITH u AS {materialized()}({uses_sql}), c AS {materialized()}({clicks_sql}) "  # noqa: S608
        "SELECT o.id, o.title, o.kind, o.review_by, o.owner_name, COALESCE(u.n, 0) AS uses, "
        "COALESCE(c.n, 0) AS search_clicks, COALESCE(u.n, 0) + COALESCE(c.n, 0) AS demand "
        f"FROM ({assets_sql}) o LEFT JOIN u ON u.asset_id = o.id "
        f"LEFT JOIN c ON c.clicked_asset_id = o.id ORDER BY {order_sql}"
    )
    params = (*uses_params, *clicks_params, *assets_params)
    offset, limit = page_slice(filters)
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params = (*params, limit, offset)
    return fetch_dicts(sql, params)


def freshness_report(filters) -> Report:
    # Queries: totals; by kind; overdue page (3).
    today = timezone.localdate()
    published = scope.assets(filters, Asset.objects.published())
    fresh = Q(review_by__gte=today)
    totals = published.aggregate(published=Count("id"), fresh=Count("id", filter=fresh))
    totals["overdue"] = totals["published"] - totals["fresh"]
    totals["fresh_share"] = ratio(totals["fresh"], totals["published"])
    totals["target_share"] = settings.FRESHNESS_TARGET_PERCENT / 100
    totals["meets_target"] = totals["fresh_share"] is not None and totals["fresh_share"] >= totals["target_share"]
    kind_labels = dict(AssetKind.choices)
    by_kind = [
        {
            "kind": kind_labels.get(row["kind"], row["kind"]),
            "published": row["published"],
            "fresh": row["fresh"],
            "fresh_share": ratio(row["fresh"], row["published"]),
        }
        for row in published.values("kind")
        .annotate(published=Count("id"), fresh=Count("id", filter=fresh))
        .order_by("kind")
    ]
    sort, direction, order_sql = overdue_order(filters)
    rows = [
        {
            "asset_id": row["id"],
            "title": row["title"],
            "kind": kind_labels.get(row["kind"], row["kind"]),
            "owner": row["owner_name"] or "",
            "review_by": as_date(row["review_by"]),
            "days_overdue": (today - as_date(row["review_by"])).days if row["review_by"] else None,
            "uses": row["uses"],
            "search_clicks": row["search_clicks"],
            "demand": row["demand"],
        }
        for row in overdue_page(filters, published.exclude(fresh), order_sql)
    ]
    return Report(
        name="freshness",
        title=TITLES["freshness"],
        description="The share of published assets verified in time, and the overdue ones reps still use.",
        filters=filters,
        columns=COLUMNS,
        rows=rows,
        totals=totals,
        row_count=totals["overdue"],
        sort=sort,
        direction=direction,
        chart={
            "type": "bar",
            "title": f"Share of published assets fresh by kind (target {settings.FRESHNESS_TARGET_PERCENT}%)",
            "labels": [row["kind"] for row in by_kind],
            "datasets": [
                {
                    "label": "Fresh (%)",
                    "data": [round(100 * (row["fresh_share"] or 0), 1) for row in by_kind],
                },
                {
                    "label": "Target (%)",
                    "data": [settings.FRESHNESS_TARGET_PERCENT for _ in by_kind],
                    "type": "line",
                },
            ],
            "x_label": "Kind",
            "y_label": "Percent fresh",
        },
        notes=notes(),
        tables=[
            Table(
                "by_kind",
                "Fresh share by kind",
                [
                    Column("kind", "Kind"),
                    Column("published", "Published", "int"),
                    Column("fresh", "Fresh", "int"),
                    Column("fresh_share", "Share fresh", "percent"),
                ],
                by_kind,
            )
        ],
    )
