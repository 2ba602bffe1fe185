"""Usage: which assets reps use, how widely, and when — per asset, per week, by kind, stage and persona."""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Sum
from django.db.models.functions import Coalesce, TruncDate

from ..models import BUYER_VIEW, Asset, AssetKind, Deal
from . import scope
from .base import TITLES, Column, Report, Table, chart, complete_weeks, order_by_for, sliced
from .sql import fetch_dicts, materialized, named_by_stage, subquery_sql

COLUMNS = [
    Column("asset_id", "Asset id", "int", page=False),
    Column("title", "Asset"),
    Column("kind", "Kind"),
    Column("uses", "Uses", "int"),
    Column("logged", "Logged by reps", "int"),
    Column("buyer_views", "Buyer views", "int"),
    Column("reps", "Distinct reps", "int"),
    Column("deals", "Distinct deals", "int"),
    Column("last_used", "Last used", "datetime"),
]

NOTES = [
    "Uses: every use in the period, of two sources told apart in their own columns. Logged by reps: the uses "
    "a rep logged (shared, presented, sent, heard). Buyer views: a buyer's first view of the asset through a "
    "tracked link, once per asset and deal, recorded for the rep who sent the link. Distinct reps and deals "
    "count each rep or deal once per asset. Last used: the latest use in the period.",
    "Filters: kind narrows assets; stage narrows uses to the funnel stage they were logged at; persona and "
    "competitor narrow uses to deals with that persona or competitor; owner narrows uses to that rep's "
    "(a buyer's view is the sender's); source keeps only the uses logged by reps or only buyer views.",
    "Weeks start on Monday. The weekly chart shows the complete weeks of the period only (a part-week at "
    "either end would look like a dip); the weekly table lists every week the period touches. The persona "
    "breakdown counts a use once for each persona of its deal.",
]


def by_source() -> dict:
    """The two sources of use counted apart, as aggregates (content.models.BUYER_VIEW)."""
    return {"logged": Count("id", filter=~BUYER_VIEW), "buyer_views": Count("id", filter=BUYER_VIEW)}


class Tally:
    """Where the figures that add up over days are read from: the uses themselves, or the daily
    rollup (UsageDay) when it answers the filters (scope.rollup_answers). Both give the same
    numbers; distinct reps and deals do not add up over days (page_people)."""

    def __init__(self, filters, uses):
        self.rollup = scope.rollup_answers(filters)
        self.rows = scope.usage_days(filters) if self.rollup else uses

    def counts(self) -> dict:
        """Uses, and the two sources of use apart."""
        if self.rollup:
            return {
                "uses": Sum("use_count"),
                "logged": Coalesce(Sum("use_count", filter=~BUYER_VIEW), 0),
                "buyer_views": Coalesce(Sum("use_count", filter=BUYER_VIEW), 0),
            }
        return {"uses": Count("id"), **by_source()}

    def latest(self):
        return Max("last_used" if self.rollup else "used_at")

    def day(self):
        return F("day") if self.rollup else TruncDate("used_at")


def uses_by_kind(per_asset) -> list[dict]:
    """Uses and distinct assets per asset kind from the uses per asset (`n`, one row each), joined
    to the assets for their kind, rather than joining every use to its asset before grouping."""
    per_asset, params = subquery_sql(per_asset)
    asset_table = connection.ops.quote_name(Asset._meta.db_table)
    return fetch_dicts(
        f"WITH p AS {materialized()}({per_asset}) "  # noqa: S608
        f"SELECT a.kind AS kind, SUM(p.n) AS uses, COUNT(*) AS assets FROM p JOIN {asset_table} a "
        "ON a.id = p.asset_id GROUP BY a.kind ORDER BY uses DESC, a.kind ASC",
        params,
    )


def uses_by_stage(per_stage) -> list[dict]:
    """Uses and distinct assets per stage as logged (grouped on the stage id: NULL in the uses, 0
    in the rollup, neither a stage), then named, rather than sorting every use by its stage."""
    return named_by_stage(per_stage, "g.uses AS uses, g.assets AS assets")


def distinct_people(uses) -> dict:
    """The reps and the deals with a use among `uses`: each rep and deal asked whether it has one
    (an index probe each, stopping at the first), rather than sorting every use of the period by
    rep and by deal; the same numbers as counting them distinct. One query."""
    users = get_user_model().objects.order_by()
    reps, rep_params = subquery_sql(users.filter(Exists(uses.filter(user_id=OuterRef("pk")))).values("pk"))
    deals, deal_params = subquery_sql(
        Deal.objects.order_by().filter(Exists(uses.filter(deal_id=OuterRef("pk")))).values("pk")
    )
    row = fetch_dicts(
        f"SELECT (SELECT COUNT(*) FROM ({reps}) r) AS reps, (SELECT COUNT(*) FROM ({deals}) d) AS deals",  # noqa: S608
        rep_params + deal_params,
    )[0]
    return {"reps": int(row["reps"]), "deals": int(row["deals"])}


def page_people(filters, uses, asset_ids, *, deals=None) -> dict:
    """{asset id: row} with the distinct reps and deals of each of the page's assets, and its title
    and kind. Each distinct (asset, rep) and (asset, deal) pair is found first (hashed), then the
    pairs are counted per asset: COUNT(DISTINCT) sorts every use of each asset twice, seven times
    slower at 10 million uses (docs/benchmarks.md). The reps come from their rollup (a row per
    asset, rep and day) and the deals from the pairs' rollup (a row per asset and deal) when they
    answer the filters. `deals`: {asset id: distinct deals} already counted (a ranking by them),
    then not counted again. No query for an empty page."""
    if not asset_ids:
        return {}
    page = uses.filter(asset_id__in=asset_ids)
    if scope.reps_rollup_answers(filters):
        rep_pairs = scope.rep_days(filters).filter(asset_id__in=asset_ids).values("asset_id", "user_id").distinct()
    else:
        rep_pairs = page.values("asset_id", "user_id").distinct()  # neither is ever NULL
    reps, rep_params = subquery_sql(rep_pairs)

    def per_asset(pairs: str) -> str:
        return f"(SELECT p.asset_id AS asset_id, COUNT(*) AS n FROM ({pairs}) p GROUP BY p.asset_id)"  # noqa: S608

    deal_join, deal_params = "", ()
    if deals is None:
        if scope.deal_pairs_answer(filters):
            deal_pairs = scope.deal_pairs_in_period(filters).filter(asset_id__in=asset_ids)
        else:
            deal_pairs = page.distinct()
        deal_sql, deal_params = subquery_sql(deal_pairs.values("asset_id", "deal_id"))
        deal_join = f"LEFT JOIN {per_asset(deal_sql)} d ON d.asset_id = a.id "
    asset_table = connection.ops.quote_name(Asset._meta.db_table)
    rows = fetch_dicts(
        f"SELECT a.id AS asset_id, COALESCE(r.n, 0) AS reps, {'COALESCE(d.n, 0)' if deals is None else '0'} AS deals, "  # noqa: S608
        f"a.title AS title, a.kind AS kind FROM {asset_table} a "
        f"LEFT JOIN {per_asset(reps)} r ON r.asset_id = a.id {deal_join}"
        f"WHERE a.id IN ({', '.join(['%s'] * len(asset_ids))})",
        rep_params + deal_params + tuple(asset_ids),
    )
    if deals is not None:
        for row in rows:
            row["deals"] = deals[row["asset_id"]]
    return {row["asset_id"]: row for row in rows}


def people_ranking(filters, sort, ordering):
    """The assets ranked by distinct deals from the pairs' rollup, or by distinct reps from theirs,
    when the sort is on them and the rollup answers the filters; else None. An asset has a use in
    the period exactly when it has a pair (or a rep's day) in it, so the ranking holds the same
    assets as the uses would."""
    if sort == "deals" and scope.deal_pairs_answer(filters):
        # counted on a column of the pairs' index (never NULL), so the index alone is read
        pairs = scope.deal_pairs_in_period(filters).values("asset_id")
        return pairs.annotate(deals=Count("deal_id")).order_by(*ordering)
    if sort == "reps" and scope.reps_rollup_answers(filters):
        return (
            scope.rep_days(filters)
            .values("asset_id")
            .annotate(reps=Count("user_id", distinct=True))
            .order_by(*ordering)
        )
    return None


def weeks_of(per_day) -> list[dict]:
    """The days' figures added up per week (weeks start on Monday), in order."""
    weeks = {}
    for row in per_day:
        day = row["on_day"].date() if hasattr(row["on_day"], "date") else row["on_day"]
        week = weeks.setdefault(
            day - datetime.timedelta(days=day.weekday()), {"uses": 0, "logged": 0, "buyer_views": 0}
        )
        for key in week:
            week[key] += row[key]
    return [{"week": week, **figures} for week, figures in sorted(weeks.items())]


def usage_report(filters) -> Report:
    # Queries: per-asset page; the page's distinct reps and deals with the asset names; distinct reps
    # and deals in total; per day (for the weeks, and the logged uses and buyer views in total); by
    # kind (which also gives the total uses and assets); by stage; by persona (7). The per-asset page,
    # days, kinds and stages come from the daily rollup when it answers the filters (Tally). Sorted
    # by distinct reps or deals that a rollup answers: the ranking, then the page's uses (8).
    uses = scope.usages(filters)
    tally = Tally(filters, uses)
    sortable = {
        "uses": (F("uses"), F("asset_id").asc()),
        "logged": (F("logged"), F("asset_id").asc()),
        "buyer_views": (F("buyer_views"), F("asset_id").asc()),
        "reps": (F("reps"), F("asset_id").asc()),
        "deals": (F("deals"), F("asset_id").asc()),
        "last_used": (F("last_used"), F("asset_id").asc()),
        "title": (F("title"), F("asset_id").asc()),
        "kind": (F("kind"), F("asset_id").asc()),
        "asset_id": (F("asset_id"), F("uses").desc()),
    }
    sort, direction, ordering = order_by_for(filters, sortable, "uses")
    # Rank the assets on what the sort needs and nothing more: distinct reps and deals per asset
    # need every (asset, rep) and (asset, deal) pair of the period, so they are counted for all
    # assets only when the sort is on them (from their rollup when it answers, else from the uses),
    # and otherwise for the page's assets alone.
    ranking = people_ranking(filters, sort, ordering)
    if ranking is not None:
        ranked = list(sliced(ranking, filters))
        figures = {
            row["asset_id"]: row
            for row in tally.rows.filter(asset_id__in=[row["asset_id"] for row in ranked])
            .values("asset_id")
            .annotate(**tally.counts(), last_used=tally.latest())
        }
        page = [figures[row["asset_id"]] for row in ranked]
        known = {row["asset_id"]: row["deals"] for row in ranked} if sort == "deals" else None
    else:
        if sort in ("reps", "deals"):
            per_asset = uses.values("asset_id").annotate(
                uses=Count("id"),
                last_used=Max("used_at"),
                **by_source(),
                reps=Count("user_id", distinct=True),
                deals=Count("deal_id", distinct=True),
            )
        else:
            per_asset = tally.rows.values("asset_id").annotate(**tally.counts(), last_used=tally.latest())
        if sort in ("title", "kind"):
            per_asset = per_asset.annotate(title=F("asset__title"), kind=F("asset__kind"))
        page = list(sliced(per_asset.order_by(*ordering), filters))
        known = None
    details = page_people(filters, uses, [row["asset_id"] for row in page], deals=known)
    kind_labels = dict(AssetKind.choices)
    rows = []
    for row in page:
        detail = details[row["asset_id"]]
        rows.append(
            {
                "asset_id": row["asset_id"],
                "title": detail["title"],
                "kind": kind_labels.get(detail["kind"], detail["kind"]),
                "uses": row["uses"],
                "logged": row["logged"],
                "buyer_views": row["buyer_views"],
                "reps": detail["reps"],
                "deals": detail["deals"],
                "last_used": row["last_used"],
            }
        )

    by_kind = [
        {"kind": kind_labels.get(row["kind"], row["kind"]), "uses": int(row["uses"]), "assets": int(row["assets"])}
        for row in uses_by_kind(scope.uses_per_asset(filters))
    ]
    weekly = weeks_of(tally.rows.values(on_day=tally.day()).annotate(**tally.counts()).order_by())
    people = distinct_people(uses)
    # Each asset has one kind and each day one week, so the kinds' figures add up to the period's
    # uses and assets, and the weeks' to its logged uses and buyer views.
    totals = {
        "uses": sum(row["uses"] for row in by_kind),
        "logged": sum(row["logged"] for row in weekly),
        "buyer_views": sum(row["buyer_views"] for row in weekly),
        "assets": sum(row["assets"] for row in by_kind),
        **people,
    }

    by_week = {row["week"]: row for row in weekly}
    charted_weeks = complete_weeks(filters.start, filters.end)  # a week without a use is a zero
    by_stage = [
        {"stage": row["name"] or "(no stage logged)", "uses": row["uses"], "assets": row["assets"]}
        for row in uses_by_stage(
            tally.rows.values("stage_id").annotate(uses=tally.counts()["uses"], assets=Count("asset_id", distinct=True))
        )
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
        title=TITLES["usage"],
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
            [week.isoformat() for week in charted_weeks],
            [
                ("Logged by reps", [by_week[week]["logged"] if week in by_week else 0 for week in charted_weeks]),
                ("Buyer views", [by_week[week]["buyer_views"] if week in by_week else 0 for week in charted_weeks]),
            ],
            title="Uses per week: logged by reps and buyer views",
            x_label="Week starting",
            y_label="Uses",
        ),
        notes=NOTES,
        tables=[
            Table(
                "weekly",
                "Uses per week",
                [
                    Column("week", "Week starting", "date"),
                    Column("uses", "Uses", "int"),
                    Column("logged", "Logged by reps", "int"),
                    Column("buyer_views", "Buyer views", "int"),
                ],
                weekly,
                charted=True,
            ),
            Table("by_kind", "By kind", [Column("kind", "Kind"), *breakdown], by_kind),
            Table("by_stage", "By funnel stage (as logged)", [Column("stage", "Stage"), *breakdown], by_stage),
            Table(
                "by_persona",
                "By buyer persona of the deal",
                [Column("persona", "Persona"), Column("uses", "Uses", "int")],
                by_persona,
            ),
        ],
    )
