"""Freshness: the share of published assets verified within their interval against the team's
target, and the overdue list ranked by how much reps still use and look for them."""

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Asset, AssetKind, SearchLog
from . import scope
from .base import Column, Report, Table, order_by_for, sliced
from .stats import ratio

COLUMNS = [
    Column("asset_id", "Asset id", "int"),
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
        "the "
        "period: the stale assets reps still rely on come first. Kind, stage, persona, competitor and owner "
        "(the asset's owner) narrow the assets.",
    ]


def _count(queryset):
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(_g=Value(1)).values("_g").annotate(n=Count("*")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def freshness_report(filters) -> Report:
    # Queries: totals; by kind; overdue page (3).
    today = timezone.localdate()
    published = scope.assets(filters, Asset.objects.published())
    fresh = Q(review_by__gte=today)
    totals = published.aggregate(published=Count("id"), fresh=Count("id", filter=fresh))
    totals["overdue"] = totals["published"] - totals["fresh"]
    totals["fresh_share"] = ratio(totals["fresh"], totals["published"])
    totals["target_share"] = settings.FRESHNESS_TARGET_PERCENT / 100
    totals["meets_target"] = (
        totals["fresh_share"] is not None and totals["fresh_share"] >= totals["target_share"]
    )
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
    overdue = (
        published.exclude(fresh)
        .annotate(
            uses=_count(scope.usages(filters, by_owner=False).filter(asset_id=OuterRef("pk"))),
            search_clicks=_count(
                SearchLog.objects.filter(
                    clicked_asset_id=OuterRef("pk"),
                    created_at__gte=filters.start_at,
                    created_at__lt=filters.end_before,
                )
            ),
        )
        .annotate(demand=F("uses") + F("search_clicks"))
    )
    sortable = {
        "demand": (F("demand"), F("id").asc()),
        "uses": (F("uses"), F("id").asc()),
        "search_clicks": (F("search_clicks"), F("id").asc()),
        "review_by": (F("review_by"), F("id").asc()),
        "days_overdue": (F("review_by"), F("id").asc()),
        "title": (F("title"), F("id").asc()),
        "asset_id": (F("id"), F("title").asc()),
    }
    sort, direction, ordering = order_by_for(filters, sortable, "demand")
    if sort == "days_overdue":  # more days overdue = an earlier review-by date
        ordering[0] = (
            F("review_by").asc(nulls_first=True)
            if direction == "desc"
            else F("review_by").desc(nulls_last=True)
        )
    rows = [
        {
            "asset_id": row["id"],
            "title": row["title"],
            "kind": kind_labels.get(row["kind"], row["kind"]),
            "owner": row["owner__username"] or "",
            "review_by": row["review_by"],
            "days_overdue": (today - row["review_by"]).days if row["review_by"] else None,
            "uses": row["uses"],
            "search_clicks": row["search_clicks"],
            "demand": row["demand"],
        }
        for row in sliced(
            overdue.values(
                "id", "title", "kind", "owner__username", "review_by", "uses", "search_clicks", "demand"
            ).order_by(*ordering),
            filters,
        )
    ]
    return Report(
        name="freshness",
        title="Freshness",
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
