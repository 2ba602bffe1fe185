"""Effectiveness: which assets support closed deals, against the baseline of comparable deals,
with a 95% Wilson interval and "not enough data" below a minimum sample."""

import dataclasses
import functools
import operator
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, Value, When, Window

from ..models import BUYER_VIEW, Asset, AssetKind, DealStatus, Usage, supports_deal
from ..money import by_currency, reporting_currency
from . import scope
from .base import TITLES, Column, Report, Table, chosen_sort, page_slice
from .sql import fetch_dicts, subquery_sql
from .stats import lift, ratio, wilson_interval, wilson_lower_sql

COLUMNS = [
    Column("asset_id", "Asset id", "int", page=False),
    Column("title", "Asset"),
    Column("kind", "Kind"),
    Column("closed_deals", "Closed deals used in", "int"),
    Column("logged_deals", "Logged by reps", "int"),
    Column("buyer_view_deals", "Buyer viewed", "int"),
    Column("won", "Won", "int"),
    Column("lost", "Lost", "int"),
    Column("win_rate", "Win rate", "percent"),
    Column("baseline", "Baseline win rate", "percent", sortable=False),
    Column("lift", "Lift", "lift", help="How much higher (or lower) the win rate is than the baseline."),
    Column(
        "ci_low",
        "95% interval low",
        "percent",
        sortable=False,
        help="The win rate is very likely (95%) at least this: the fewer deals, the lower it is.",
    ),
    Column(
        "ci_high",
        "95% interval high",
        "percent",
        sortable=False,
        help="The win rate is very likely (95%) at most this.",
    ),
    Column(
        "score",
        "Score (Wilson low)",
        "percent",
        help="The ranking: the interval's low end, so that three lucky wins do not beat thirty steady ones.",
    ),
    Column("influenced_revenue", "Influenced revenue (reporting currency)", "money"),
    Column("currency", "Currency", sortable=False, page=False),  # the money cell shows it
    Column("influenced_revenue_by_currency", "Influenced revenue by currency", "amounts", sortable=False),
    Column("enough_data", "Enough data", "bool", sortable=False),
]

SHELF_LIMIT = 50
HELPS_WIN = 3  # the page's headline: the assets that help win most


def percent(value):
    return None if value is None else round(value * 100, 1)


def notes():
    return [
        "An asset supports a closed deal when a use of it in that deal was logged on or before the close "
        "date. Only deals closed (won or lost) in the period count; uses after the close never do.",
        "Win rate = won / closed deals the asset supported. Baseline = won / closed among all deals closed "
        "in the period that match the persona, competitor and owner filters (the comparable deals). "
        "Lift = win rate / baseline − 1, a relative change (+25% means a win rate a quarter higher than the "
        "baseline).",
        "The 95% interval is the Wilson score interval of the win rate. Below "
        f'{settings.EFFECTIVENESS_MIN_SAMPLE} closed deals an asset shows "not enough data": '
        "no rate, lift or interval. Rows are sorted by the interval's lower bound, "
        "which does not reward tiny samples.",
        "Influenced revenue = the sum of the amounts of the won deals the asset supported (each deal once), "
        f"added per currency and never across currencies; the sortable column counts the deals in "
        f"{reporting_currency()}, the reporting currency.",
        "Two sources of use count as support, told apart in their own columns: logged by reps counts the "
        "closed deals where a rep logged a use of the asset, buyer viewed those where the buyer opened it "
        "through a tracked link (recorded on the buyer's first view). A deal with both counts once in closed "
        "deals and once in each column.",
        "Kind narrows assets and stage narrows the uses counted to those logged at that stage; owner is the "
        "deal owner; source counts only the uses logged by reps, or only buyer views, as support.",
        "Shelfware: published assets with no use of either source since they were published, at any time "
        "(whatever the filters on uses).",
    ]


def supporting_pairs(filters, asset_ids=None, *, by_source=False):
    """(asset, closed deal) pairs where the asset was used on or before the close, each pair once.
    `by_source` adds whether a rep logged a use of the asset in the deal (`logged`) and whether its
    buyer viewed it (`buyer`), each 1 or 0. Read from the pairs' rollup (a row per asset and deal:
    supported when its first use of a source was on or before the close) unless a stage is
    filtered, which only the uses keep."""
    closed = {
        "deal__status__in": [DealStatus.WON, DealStatus.LOST],
        "deal__close_date__gte": filters.start,
        "deal__close_date__lte": filters.end,
    }
    if scope.deal_pairs_answer(filters, by_owner=False, by_source=False):
        support = {
            "logged": supports_deal(used_at="first_logged"),
            "buyer": supports_deal(used_at="first_viewed"),
        }
        if filters.source:
            support = {filters.source: support[filters.source]}
        pairs = scope.deal_pairs(filters).filter(functools.reduce(operator.or_, support.values()), **closed)
        sources = {name: _flag(support[name]) if name in support else Value(0) for name in ("logged", "buyer")}
    else:
        pairs = scope.usages(filters, in_period=False, by_owner=False).filter(supports_deal(), **closed)
        sources = {"logged": _any(~BUYER_VIEW), "buyer": _any(BUYER_VIEW)}
    if filters.owner:
        pairs = pairs.filter(deal__owner_id=filters.owner.pk)
    if asset_ids is not None:
        pairs = pairs.filter(asset_id__in=asset_ids)
    pairs = pairs.annotate(
        d_status=F("deal__status"), d_amount=F("deal__amount"), d_currency=F("deal__currency")
    ).values("asset_id", "deal_id", "d_status", "d_amount", "d_currency")
    if not by_source:
        return pairs.distinct()
    return pairs.annotate(**sources)


def _flag(condition):
    """1 when `condition` holds, else 0."""
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _any(condition):
    """1 when any use of the group meets `condition`, else 0."""
    return Max(_flag(condition))


SORT_SQL = {
    "score": "score",
    "closed_deals": "closed_deals",
    "logged_deals": "logged_deals",
    "buyer_view_deals": "buyer_view_deals",
    "won": "won",
    "lost": "lost",
    "win_rate": "rate",
    "lift": "rate",
    "influenced_revenue": "influenced_revenue",
    "title": "title",
    "kind": "kind",
    "asset_id": "asset_id",
}


def baseline(filters) -> dict:
    figures = scope.closed_deals(filters).aggregate(
        closed=Count("id"), won=Count("id", filter=Q(status=DealStatus.WON))
    )
    figures["win_rate"] = ratio(figures["won"], figures["closed"])
    return figures


def asset_figures(filters, *, asset_ids=None, sort="score", direction="desc", paginate=True) -> list[dict]:
    """One row per asset with its closed/won/lost counts and revenue, sorted and sliced in SQL."""
    pairs, params = subquery_sql(supporting_pairs(filters, asset_ids, by_source=True))
    minimum = int(settings.EFFECTIVENESS_MIN_SAMPLE)
    won = "SUM(CASE WHEN p.d_status = 'won' THEN 1 ELSE 0 END)"
    currency = reporting_currency()
    if not re.fullmatch(r"[A-Z]{3}", currency):  # it is written into the SQL below
        raise ImproperlyConfigured("REPORTING_CURRENCY must be a three-letter currency code.")
    closed = "COUNT(*)"
    asset_table = connection.ops.quote_name(Asset._meta.db_table)
    order = SORT_SQL[sort]
    descending = "DESC" if direction == "desc" else "ASC"
    order_sql = f"{order} {descending} NULLS LAST, asset_id ASC"
    figures = (
        f"{closed} AS closed_deals, SUM(p.logged) AS logged_deals, SUM(p.buyer) AS buyer_view_deals, {won} AS won, "
        "SUM(CASE WHEN p.d_status = 'lost' THEN 1 ELSE 0 END) AS lost, "
        f"SUM(CASE WHEN p.d_status = 'won' AND p.d_currency = '{currency}' THEN p.d_amount ELSE 0 END) "
        "AS influenced_revenue, "
        f"CASE WHEN {closed} >= {minimum} THEN CAST({won} AS REAL) / {closed} END AS rate, "
        f"CASE WHEN {closed} >= {minimum} THEN {wilson_lower_sql(won, closed)} END AS score, "
        "COUNT(*) OVER () AS total_rows"
    )
    offset, limit = page_slice(filters) if paginate else (0, None)
    page_sql, page_params = ("", ()) if limit is None else (" LIMIT %s OFFSET %s", (limit, offset))
    # Only fixed fragments and whitelisted column names are interpolated; values travel as params.
    if sort in ("title", "kind"):
        sql = (
            f"SELECT p.asset_id AS asset_id, a.title AS title, a.kind AS kind, {figures} "  # noqa: S608
            f"FROM ({pairs}) p JOIN {asset_table} a ON a.id = p.asset_id "
            f"GROUP BY p.asset_id, a.title, a.kind ORDER BY {order_sql}{page_sql}"
        )
    else:
        # Group on the asset id alone and name only the page's assets: joining every asset's title
        # before grouping makes the grouping sort wide rows.
        sql = (
            "SELECT g.asset_id AS asset_id, a.title AS title, a.kind AS kind, g.closed_deals, g.logged_deals, "  # noqa: S608
            "g.buyer_view_deals, g.won, g.lost, g.influenced_revenue, g.rate, g.score, g.total_rows "
            f"FROM (SELECT p.asset_id AS asset_id, {figures} FROM ({pairs}) p "
            f"GROUP BY p.asset_id ORDER BY {order_sql}{page_sql}) g "
            # The page's order again, on the grouped columns (assets have an influenced_revenue too).
            f"JOIN {asset_table} a ON a.id = g.asset_id ORDER BY g.{order} {descending} NULLS LAST, g.asset_id ASC"
        )
    return fetch_dicts(sql, (*params, *page_params))


def revenue_by_currency(filters, asset_ids) -> dict[int, dict[str, str]]:
    """{asset id: {currency: won amount}} for the given assets (a page of rows): one query."""
    if not asset_ids:
        return {}
    pairs, params = subquery_sql(supporting_pairs(filters, asset_ids))
    sql = (
        f"SELECT p.asset_id AS asset_id, p.d_currency AS currency, SUM(p.d_amount) AS total FROM ({pairs}) p "  # noqa: S608
        "WHERE p.d_status = 'won' GROUP BY p.asset_id, p.d_currency"
    )
    amounts: dict[int, list] = {}
    for row in fetch_dicts(sql, params):
        amounts.setdefault(row["asset_id"], []).append((row["currency"], row["total"]))
    return {asset_id: by_currency(rows) for asset_id, rows in amounts.items()}


def describe(row: dict, base_rate, by_currency_totals=None) -> dict:
    """Turn counts into the honest figures shown: nulls below the minimum sample."""
    closed, won = int(row["closed_deals"]), int(row["won"] or 0)
    enough = closed >= settings.EFFECTIVENESS_MIN_SAMPLE
    rate = ratio(won, closed) if enough else None
    interval = wilson_interval(won, closed) if enough else None
    revenue = Decimal(str(row["influenced_revenue"] or 0)).quantize(Decimal("0.01"))
    return {
        "asset_id": row["asset_id"],
        "title": row["title"],
        "kind": dict(AssetKind.choices).get(row["kind"], row["kind"]),
        "closed_deals": closed,
        "logged_deals": int(row["logged_deals"] or 0),
        "buyer_view_deals": int(row["buyer_view_deals"] or 0),
        "won": won,
        "lost": int(row["lost"] or 0),
        "win_rate": rate,
        "baseline": base_rate,
        "lift": lift(rate, base_rate) if enough else None,
        "ci_low": interval[0] if interval else None,
        "ci_high": interval[1] if interval else None,
        "score": interval[0] if interval else None,
        "influenced_revenue": revenue,
        "currency": reporting_currency(),
        "influenced_revenue_by_currency": by_currency_totals or {},
        "enough_data": enough,
    }


def shelfware(filters):
    """Published assets never used since publishing (one query: the first page and the total)."""
    # Two plain anti-joins on the (asset, used_at) index, rather than one with an OR inside.
    used_since_published = Usage.objects.filter(asset=OuterRef("pk"), used_at__gte=OuterRef("published_at"))
    used_ever = Usage.objects.filter(asset=OuterRef("pk"))
    shelf = scope.assets(filters, Asset.objects.published()).filter(
        (Q(published_at__isnull=False) & ~Exists(used_since_published))
        | (Q(published_at__isnull=True) & ~Exists(used_ever))
    )
    # The total rides along as a window count over the same rows, so one query gives both.
    listed = list(
        shelf.annotate(total=Window(Count("id")))
        .values("id", "title", "kind", "published_at", "total")
        .order_by(F("published_at").asc(nulls_first=True), "id")[:SHELF_LIMIT]
    )
    kinds = dict(AssetKind.choices)
    rows = [
        {
            "asset_id": a["id"],
            "title": a["title"],
            "kind": kinds.get(a["kind"]),
            "published_at": a["published_at"],
        }
        for a in listed
    ]
    return (listed[0]["total"] if listed else 0), rows


def effectiveness_report(filters) -> Report:
    # Queries: baseline; per-asset page with its total; the page's revenue per currency; shelfware
    # page with its total (4).
    sort, direction = chosen_sort(filters, SORT_SQL, "score")
    base = baseline(filters)
    figures = asset_figures(filters, sort=sort, direction=direction)
    # Every row carries the number of assets (a window count), so the page needs no second query.
    row_count = figures[0]["total_rows"] if figures else 0
    if not figures and filters.page > 1:
        row_count = supporting_pairs(filters).values("asset_id").distinct().count()
    revenue = revenue_by_currency(filters, [row["asset_id"] for row in figures])
    rows = [describe(row, base["win_rate"], revenue.get(row["asset_id"])) for row in figures]
    shelf_count, shelf_rows = shelfware(filters)
    charted = [row for row in rows if row["enough_data"]][:15]
    if sort == "score" and direction == "desc" and filters.page == 1:
        leaders = rows[:HELPS_WIN]
    else:  # another order on the page: the leaders by score, in one more query
        first = dataclasses.replace(filters, page=1, page_size=HELPS_WIN)
        leaders = [describe(row, base["win_rate"]) for row in asset_figures(first, sort="score")]
    return Report(
        name="effectiveness",
        title=TITLES["effectiveness"],
        description="Which assets support closed deals, against the baseline, with confidence intervals.",
        filters=filters,
        columns=COLUMNS,
        rows=rows,
        totals={
            "closed_deals": base["closed"],
            "won_deals": base["won"],
            "baseline_win_rate": base["win_rate"],
            "assets_used": row_count,
            "shelfware": shelf_count,
            "min_sample": settings.EFFECTIVENESS_MIN_SAMPLE,
        },
        row_count=row_count,
        sort=sort,
        direction=direction,
        chart={
            "type": "bar",
            "title": "Win rate with its 95% interval lower bound, against the baseline",
            "labels": [row["title"] for row in charted],
            "datasets": [
                {"label": "Win rate (%)", "data": [percent(row["win_rate"]) for row in charted]},
                {"label": "95% interval low (%)", "data": [percent(row["ci_low"]) for row in charted]},
                {
                    "label": "Baseline (%)",
                    "data": [percent(base["win_rate"]) for _ in charted],
                    "type": "line",
                },
            ],
            "x_label": "Asset",
            "y_label": "Percent of closed deals won",
        },
        notes=notes(),
        extra={"helps_win": [row for row in leaders if row["lift"] is not None and row["lift"] > 0]},
        tables=[
            Table(
                "shelfware",
                f"Shelfware: {shelf_count} published asset(s) never used since publishing",
                [
                    Column("asset_id", "Asset id", "int", page=False),
                    Column("title", "Asset"),
                    Column("kind", "Kind"),
                    Column("published_at", "Published", "datetime"),
                ],
                shelf_rows,
                note=f"The {SHELF_LIMIT} published longest ago are listed.",
            )
        ],
    )


__all__ = ["asset_figures", "baseline", "describe", "effectiveness_report", "supporting_pairs"]
