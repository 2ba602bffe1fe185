"""Objections: the objections reps hear most, by stage and competitor, with the effectiveness of
the objection entries that answer them."""

from dataclasses import replace

from django.db import connection
from django.db.models import Count, F, Sum

from ..models import Asset, AssetKind, UsageAction
from . import scope
from .base import TITLES, Column, Report, Table, chart, chosen_sort, page_slice
from .effectiveness import asset_figures, baseline, describe
from .sql import as_datetime, fetch_dicts, materialized, named_by_stage, subquery_sql

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


# The per-entry sorts, by the page's column names (whitelisted), each with its tiebreak.
SORT_SQL = {
    "heard": ("heard", "asset_id ASC"),
    "deals": ("deals", "asset_id ASC"),
    "last_heard": ("last_heard", "asset_id ASC"),
    "title": ("title", "asset_id ASC"),
    "asset_id": ("asset_id", "heard DESC"),
}


def heard_entries(heard, filters, sort: str, direction: str) -> tuple[dict, list[dict]]:
    """(totals, page): the times heard, entries and distinct deals of the period, and the page of
    entries with their times heard, deals and last heard, in one pass over the uses heard: they are
    grouped per entry and deal once, and both the totals and the entries are read from that (two
    passes took twice as long at 10 million uses). One query."""
    uses, params = subquery_sql(heard.values("asset_id", "deal_id", "used_at"))
    column, tiebreak = SORT_SQL[sort]
    order = f"{column} {'DESC' if direction == 'desc' else 'ASC'} NULLS LAST, {tiebreak}"
    offset, limit = page_slice(filters)
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    asset_table = connection.ops.quote_name(Asset._meta.db_table)
    rows = fetch_dicts(
        f"WITH h AS {materialized()}(SELECT u.asset_id AS asset_id, u.deal_id AS deal_id, COUNT(*) AS n, "  # noqa: S608
        f"MAX(u.used_at) AS last_heard FROM ({uses}) u GROUP BY u.asset_id, u.deal_id), "
        f"e AS {materialized()}(SELECT h.asset_id AS asset_id, SUM(h.n) AS heard, COUNT(*) AS deals, "
        "MAX(h.last_heard) AS last_heard FROM h GROUP BY h.asset_id) "
        "SELECT t.heard AS total_heard, t.deals AS total_deals, (SELECT COUNT(*) FROM e) AS total_entries, "
        "p.asset_id AS asset_id, p.title AS title, p.heard AS heard, p.deals AS deals, p.last_heard AS last_heard "
        "FROM (SELECT COALESCE(SUM(h.n), 0) AS heard, COUNT(DISTINCT h.deal_id) AS deals FROM h) t "
        "LEFT JOIN (SELECT e.asset_id AS asset_id, a.title AS title, e.heard AS heard, e.deals AS deals, "
        f"e.last_heard AS last_heard FROM e JOIN {asset_table} a ON a.id = e.asset_id ORDER BY {order}{page}) p "
        f"ON TRUE ORDER BY {order}",
        params,
    )
    first = rows[0]
    totals = {
        "heard": int(first["total_heard"]),
        "entries": int(first["total_entries"]),
        "deals": int(first["total_deals"]),
    }
    entries = [
        {
            "asset_id": row["asset_id"],
            "title": row["title"],
            "heard": int(row["heard"]),
            "deals": int(row["deals"]),
            "last_heard": as_datetime(row["last_heard"]),
        }
        for row in rows
        if row["asset_id"] is not None
    ]
    return totals, entries


def objections_report(filters) -> Report:
    # Queries: totals with the per-entry page; effectiveness baseline; effectiveness of the page's
    # entries; heard by stage (from the daily rollup when it answers the filters); heard by
    # competitor (5).
    entries = replace(filters, kind=AssetKind.OBJECTION)
    heard = scope.usages(entries).filter(action=UsageAction.HEARD)
    sort, direction = chosen_sort(filters, SORT_SQL, "heard")
    totals, page = heard_entries(heard, filters, sort, direction)
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
