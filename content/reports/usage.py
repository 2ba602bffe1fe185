"""Usage: which assets reps use, how widely, and when — per asset, per week, by kind, stage and persona."""

from django.db.models import Count, F, Max
from django.db.models.functions import TruncWeek

from ..models import Asset, AssetKind
from . import scope
from .base import Column, Report, Table, chart, order_by_for, sliced

COLUMNS = [
    Column("asset_id", "Asset id", "int"),
    Column("title", "Asset"),
    Column("kind", "Kind"),
    Column("uses", "Uses", "int"),
    Column("reps", "Distinct reps", "int"),
    Column("deals", "Distinct deals", "int"),
    Column("last_used", "Last used", "datetime"),
]

NOTES = [
    "Uses: every logged use (shared, presented, sent, heard) in the period. Distinct reps and deals count "
    "each "
    "rep or deal once per asset. Last used: the latest use in the period.",
    "Filters: kind narrows assets; stage narrows uses to the funnel stage they were logged at; persona and "
    "competitor narrow uses to deals with that persona or competitor; owner narrows uses to that rep's.",
    "Weeks start on Monday. The persona breakdown counts a use once for each persona of its deal.",
]


def usage_report(filters) -> Report:
    # Queries: totals; per-asset page; the page's asset names; weekly; by kind; by stage; by persona (7).
    uses = scope.usages(filters)
    totals = uses.aggregate(
        uses=Count("id"),
        assets=Count("asset_id", distinct=True),
        reps=Count("user_id", distinct=True),
        deals=Count("deal_id", distinct=True),
    )
    sortable = {
        "uses": (F("uses"), F("asset_id").asc()),
        "reps": (F("reps"), F("asset_id").asc()),
        "deals": (F("deals"), F("asset_id").asc()),
        "last_used": (F("last_used"), F("asset_id").asc()),
        "title": (F("title"), F("asset_id").asc()),
        "kind": (F("kind"), F("asset_id").asc()),
        "asset_id": (F("asset_id"), F("uses").desc()),
    }
    sort, direction, ordering = order_by_for(filters, sortable, "uses")
    # Group on the asset id alone (joining titles only for a title or kind sort), then name the
    # page's assets in one more query: joining 100,000 titles before grouping doubles the cost.
    per_asset = uses.values("asset_id").annotate(
        uses=Count("id"),
        reps=Count("user_id", distinct=True),
        deals=Count("deal_id", distinct=True),
        last_used=Max("used_at"),
    )
    if sort in ("title", "kind"):
        per_asset = per_asset.annotate(title=F("asset__title"), kind=F("asset__kind"))
    rows = list(sliced(per_asset.order_by(*ordering), filters))
    names = {
        a["pk"]: a
        for a in Asset.objects.filter(pk__in=[row["asset_id"] for row in rows]).values("pk", "title", "kind")
    }
    kind_labels = dict(AssetKind.choices)
    rows = [
        {
            "asset_id": row["asset_id"],
            "title": names[row["asset_id"]]["title"],
            "kind": kind_labels.get(names[row["asset_id"]]["kind"], names[row["asset_id"]]["kind"]),
            "uses": row["uses"],
            "reps": row["reps"],
            "deals": row["deals"],
            "last_used": row["last_used"],
        }
        for row in rows
    ]

    weekly = list(
        uses.annotate(week=TruncWeek("used_at")).values("week").annotate(uses=Count("id")).order_by("week")
    )
    for row in weekly:
        row["week"] = row["week"].date() if hasattr(row["week"], "date") else row["week"]
    by_kind = [
        {
            "kind": kind_labels.get(row["asset__kind"], row["asset__kind"]),
            "uses": row["uses"],
            "assets": row["assets"],
        }
        for row in uses.values("asset__kind")
        .annotate(uses=Count("id"), assets=Count("asset_id", distinct=True))
        .order_by("-uses", "asset__kind")
    ]
    by_stage = [
        {"stage": row["stage__name"] or "(no stage logged)", "uses": row["uses"], "assets": row["assets"]}
        for row in uses.values("stage__order", "stage__name")
        .annotate(uses=Count("id"), assets=Count("asset_id", distinct=True))
        .order_by(F("stage__order").asc(nulls_last=True))
    ]
    by_persona = list(
        uses.filter(deal__personas__isnull=False)
        .values(persona=F("deal__personas__name"))
        .annotate(uses=Count("id"))
        .order_by("-uses", "persona")
    )

    breakdown = [Column("uses", "Uses", "int"), Column("assets", "Distinct assets", "int")]
    return Report(
        name="usage",
        title="Usage",
        description="Which assets reps use, how widely and when.",
        filters=filters,
        columns=COLUMNS,
        rows=rows,
        totals={**totals, "weeks": len(weekly)},
        row_count=totals["assets"],
        sort=sort,
        direction=direction,
        chart=chart(
            "line",
            [row["week"].isoformat() for row in weekly],
            [("Uses per week", [row["uses"] for row in weekly])],
            title="Uses per week",
            x_label="Week starting",
            y_label="Uses",
        ),
        notes=NOTES,
        tables=[
            Table(
                "weekly",
                "Uses per week",
                [Column("week", "Week starting", "date"), Column("uses", "Uses", "int")],
                weekly,
                charted=True,
            ),
            Table("by_kind", "By kind", [Column("kind", "Kind"), *breakdown], by_kind),
            Table(
                "by_stage", "By funnel stage (as logged)", [Column("stage", "Stage"), *breakdown], by_stage
            ),
            Table(
                "by_persona",
                "By buyer persona of the deal",
                [Column("persona", "Persona"), Column("uses", "Uses", "int")],
                by_persona,
            ),
        ],
    )
