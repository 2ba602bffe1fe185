"""The three to five figures each report page leads with, in plain words, drawn from the report
itself (its totals and what it computed for them): no query of their own.

A headline is a label, a value, a hint saying what it means, and optionally a short list of named
items with links (the assets that help win, the reps who use nothing)."""

from dataclasses import dataclass, field

from django.urls import reverse

from ..templatetags.reports import format_value
from .base import Report


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    hint: str = ""
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (text, url or "", note or "")


def _int(value) -> str:
    return "—" if value is None else format_value(value, "int")


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _asset_items(rows) -> list[tuple[str, str, str]]:
    return [
        (
            row["title"],
            reverse("asset-detail", args=[row["asset_id"]]),
            f"won {row['won']} of {row['closed_deals']} deals it was used in",
        )
        for row in rows
    ]


def _usage(report: Report) -> list[Headline]:
    t = report.totals
    return [
        Headline("Uses", _int(t["uses"]), f"{_int(t['logged'])} logged by reps, {_int(t['buyer_views'])} buyer views"),
        Headline("Assets used", _int(t["assets"]), "distinct assets with at least one use"),
        Headline("Reps using content", _int(t["reps"]), "reps with at least one use"),
        Headline("Deals with content", _int(t["deals"]), "deals where an asset was used"),
    ]


def _effectiveness(report: Report) -> list[Headline]:
    t = report.totals
    leaders = report.extra.get("helps_win", [])
    base = _percent(t["baseline_win_rate"])
    return [
        Headline(
            "Assets that help win most",
            _percent(leaders[0]["win_rate"]) if leaders else "none yet",
            f"win rate of the first, against {base} for all deals; each with enough deals to trust it"
            if leaders
            else f"no asset has {t['min_sample']} closed deals and a win rate above the baseline",
            _asset_items(leaders),
        ),
        Headline("Baseline win rate", _percent(t["baseline_win_rate"]), "of all deals closed in the period"),
        Headline("Closed deals", _int(t["closed_deals"]), f"{_int(t['won_deals'])} won"),
        Headline("Shelfware", _int(t["shelfware"]), "published assets never used since publishing"),
    ]


def _adoption(report: Report) -> list[Headline]:
    t = report.totals
    idle, reps = t.get("reps_rarely_using", 0), t["reps"]
    names = report.extra.get("idle_reps", [])
    more = idle - len(names)
    items = [(name, "", why) for name, why in names]
    items += [(f"and {more} more (sort the details by uses)", "", "")] if more > 0 else []
    return [
        Headline(
            "Reps using the library",
            f"{_int(reps - idle)} of {_int(reps)}",
            "with content in at least a quarter of their deals",
        ),
        Headline(
            "Reps rarely using it",
            _int(idle),
            "no use in the period, or content in fewer than a quarter of their deals",
            items,
        ),
        Headline(
            "Won deals backed by content",
            _percent(t["won_with_content_share"]),
            f"{_int(t['won_with_content'])} of {_int(t['won_deals'])} won deals had content used before the close",
        ),
        Headline("Tracked links sent", _int(t["links_sent"]), "links to buyers created by reps"),
    ]


def _gaps(report: Report) -> list[Headline]:
    t = report.totals
    return [
        Headline(
            "Stage × persona with demand and no asset",
            _int(t["empty_cells_with_demand"]),
            "where to create next: the darkest cells below",
        ),
        Headline("Open requests", _int(t["open_requests"]), "content asked for and not delivered"),
        Headline("Objections heard", _int(t["heard"]), "times reps logged an objection entry"),
        Headline("Published assets", _int(t["assets"]), "in the library now"),
    ]


def _requests(report: Report) -> list[Headline]:
    t = report.totals
    hours, days = t.get("median_triage_hours"), t.get("median_delivery_days")
    return [
        Headline("Open requests", _int(t["open"]), f"of {_int(t['requests'])} submitted in the period"),
        Headline(
            "Triaged within SLA",
            _percent(t["within_sla_share"]),
            f"{_int(t['triaged_within_sla'])} of {_int(t['triaged'])} triaged within {t['sla_days']} business days",
        ),
        Headline("Median time to triage", "—" if hours is None else f"{hours:g} h", "half were triaged faster"),
        Headline(
            "Median time to deliver",
            "—" if days is None else f"{days:g} days",
            f"{_int(t['delivered'])} delivered; half were faster",
        ),
    ]


def _freshness(report: Report) -> list[Headline]:
    t = report.totals
    verdict = "meets" if t["meets_target"] else "below"
    return [
        Headline(
            "Verified in time", _percent(t["fresh_share"]), f"{verdict} the target of {_percent(t['target_share'])}"
        ),
        Headline("Overdue for review", _int(t["overdue"]), "published assets past their review date"),
        Headline("Published assets", _int(t["published"]), f"{_int(t['fresh'])} fresh"),
    ]


def _objections(report: Report) -> list[Headline]:
    t = report.totals
    return [
        Headline("Objections heard", _int(t["heard"]), "times reps logged an objection entry in a deal"),
        Headline("Entries used", _int(t["entries"]), "objection entries heard at least once"),
        Headline("Deals", _int(t["deals"]), "deals in which an objection was heard"),
        Headline("Baseline win rate", _percent(t["baseline_win_rate"]), "of all deals closed in the period"),
    ]


HEADLINES = {
    "usage": _usage,
    "effectiveness": _effectiveness,
    "adoption": _adoption,
    "gaps": _gaps,
    "requests": _requests,
    "freshness": _freshness,
    "objections": _objections,
}


def headlines(report: Report) -> list[Headline]:
    return HEADLINES[report.name](report)
