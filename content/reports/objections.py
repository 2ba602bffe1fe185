"""Objections: the objections reps hear most, by stage and competitor, with the effectiveness of
the objection entries that answer them."""

from dataclasses import replace

from django.db.models import Count, F, Max, Sum

from ..models import AssetKind, UsageAction
from . import scope
from .base import TITLES, Column, Report, Table, chart, order_by_for, sliced
from .effectiveness import asset_figures, baseline, describe
from .sql import named_by_stage

COLUMNS = [
    Column("asset_id", "Entry id", "int", page=False),
    Column("title", "Objection entry"),
    Column("heard", "Times heard", "int"),
    Column("deals", "Deals heard in", "int"),
    Column("last_heard", "Last heard", "datetime"),
    Column("closed_deals", "Closed deals used in", "int", sortable=False),
    Column("won", "Won", "int", sortable=False),
    Column("win_rate", "Win rate", "percent", sortable=False),
    Column("baseline", "Baseline win rate", "percent", sortable=False),
    Column(
        "lift", "Lift", "lift", sortable=False, help="How much higher (or lower) the win rate is than the baseline."
    ),
    Column("ci_low", "95% interval low", "percent", sortable=False),
    Column("ci_high", "95% interval high", "percent", sortable=False),
    Column("enough_data", "Enough data", "bool", sortable=False),
]

NOTES = [
    'Times heard: "heard this objection" uses of objection entries logged in the period '
    "(stage: the stage the use was logged at; competitor and persona: of the deal; "
    "owner: the rep who heard it).",
    "Effectiveness figures are those of the Effectiveness report for the entry (any logged use of it on or "
    "before the close of deals closed in the period), with the same not-enough-data rule.",
]


def heard_by_stage(entries, heard) -> list[dict]:
    """Times heard per stage as logged, in the stages' order: from the daily rollup when it answers
    the filters, else from the uses; grouped on the stage id, then named."""
    if scope.rollup_answers(entries):
        per_stage = (
            scope.usage_days(entries)
            .filter(action=UsageAction.HEARD)
            .values("stage_id")
            .annotate(heard=Sum("use_count"))
        )
    else:
        per_stage = heard.values("stage_id").annotate(heard=Count("id"))
    return named_by_stage(per_stage, "g.heard AS heard")


def objections_report(filters) -> Report:
    # Queries: totals; per-entry page; effectiveness baseline; effectiveness of the page's entries;
    # heard by stage (from the daily rollup when it answers the filters); heard by competitor (6).
    entries = replace(filters, kind=AssetKind.OBJECTION)
    heard = scope.usages(entries).filter(action=UsageAction.HEARD)
    totals = heard.aggregate(
        heard=Count("id"), entries=Count("asset_id", distinct=True), deals=Count("deal_id", distinct=True)
    )
    sortable = {
        "heard": (F("heard"), F("asset_id").asc()),
        "deals": (F("deals"), F("asset_id").asc()),
        "last_heard": (F("last_heard"), F("asset_id").asc()),
        "title": (F("title"), F("asset_id").asc()),
        "asset_id": (F("asset_id"), F("heard").desc()),
    }
    sort, direction, ordering = order_by_for(filters, sortable, "heard")
    page = list(
        sliced(
            heard.values("asset_id")
            .annotate(
                title=F("asset__title"),
                heard=Count("id"),
                deals=Count("deal_id", distinct=True),
                last_heard=Max("used_at"),
            )
            .order_by(*ordering),
            filters,
        )
    )
    base = baseline(entries)
    ids = [row["asset_id"] for row in page]
    figures = (
        {
            row["asset_id"]: describe(row, base["win_rate"])
            for row in asset_figures(replace(entries, stage=None), asset_ids=ids, paginate=False)
        }
        if ids
        else {}
    )
    empty = {
        "closed_deals": 0,
        "won": 0,
        "win_rate": None,
        "baseline": base["win_rate"],
        "lift": None,
        "ci_low": None,
        "ci_high": None,
        "enough_data": False,
    }
    rows = []
    for row in page:
        effect = figures.get(row["asset_id"], empty)
        rows.append({**row, **{key: effect[key] for key in empty}})

    by_stage = [
        {"heard": int(row["heard"]), "stage": row["name"] or "(no stage logged)"}
        for row in heard_by_stage(entries, heard)
    ]
    by_competitor = list(
        heard.filter(deal__competitors__isnull=False)
        .values(competitor=F("deal__competitors__name"))
        .annotate(heard=Count("id"))
        .order_by("-heard", "competitor")
    )
    return Report(
        name="objections",
        title=TITLES["objections"],
        description="The objections heard most, by stage and competitor, with their entries' effectiveness.",
        filters=filters,
        columns=COLUMNS,
        rows=rows,
        totals={**totals, "baseline_win_rate": base["win_rate"]},
        row_count=totals["entries"],
        sort=sort,
        direction=direction,
        chart=chart(
            "bar",
            [row["stage"] for row in by_stage],
            [("Times heard", [row["heard"] for row in by_stage])],
            title="Objections heard, by funnel stage",
            x_label="Stage",
            y_label="Times heard",
        ),
        notes=NOTES,
        tables=[
            Table(
                "by_stage",
                "Heard by stage",
                [Column("stage", "Stage"), Column("heard", "Times heard", "int")],
                by_stage,
            ),
            Table(
                "by_competitor",
                "Heard by competitor in the deal",
                [Column("competitor", "Competitor"), Column("heard", "Times heard", "int")],
                by_competitor,
            ),
        ],
    )
