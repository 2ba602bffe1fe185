"""The scheduled Slack messages: assets due for review (to each owner, and the whole list to the
routed channels) and the weekly digest of the assets that helped win, with the effectiveness
report's own figures (content/reports/effectiveness.py). Run by `manage.py slack_due_for_review`
and `manage.py slack_weekly_digest`."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from ..asset_selectors import due_assets
from ..models import SlackEvent, SlackProfile
from ..money import format_amounts
from ..reports.effectiveness import asset_figures, baseline, describe, revenue_by_currency
from ..reports.filters import ReportFilters
from .messages import escape, link, slack_enabled, slack_later

CHANNEL_LIST_LIMIT = 20  # assets listed in one channel message; the rest are counted
OWNER_LIST_LIMIT = 30
DIGEST_SIZE = 5


@dataclass
class Sent:
    direct: int = 0
    channel: int = 0
    unlinked: int = 0  # people concerned who have not linked Slack or turned this off

    def summary(self) -> str:
        return (
            f"direct messages {self.direct}, channel messages {self.channel}, not linked or turned off {self.unlinked}"
        )


def _due_line(asset, today) -> str:
    when = "overdue since" if asset.review_by < today else "due"
    return f"• {link(asset.get_absolute_url(), asset.title)}: review {when} {asset.review_by:%-d %b %Y}"


def _listed(lines: list[str], limit: int) -> str:
    shown = "\n".join(lines[:limit])
    if len(lines) > limit:
        shown += f"\n…and {len(lines) - limit} more: {link(reverse('assets-due'), 'all assets due')}"
    return shown


def send_due_for_review(*, within_days: int = 14, today=None) -> Sent:
    """Each owner hears of their own published assets due for review within `within_days` (or
    overdue); the channels routed `review_due` get the whole list."""
    today = today or timezone.localdate()
    sent = Sent()
    if not slack_enabled():
        return sent
    assets = list(due_assets(today=today, within_days=within_days).only("id", "title", "review_by", "owner"))
    if not assets:
        return sent
    by_owner: dict[int, list] = {}
    for asset in assets:
        if asset.owner_id is not None:
            by_owner.setdefault(asset.owner_id, []).append(asset)
    members = dict(
        SlackProfile.objects.filter(user_id__in=list(by_owner), user__is_active=True, review_due=True)
        .exclude(member_id="")
        .values_list("user_id", "member_id")
    )
    for owner_id, owned in by_owner.items():
        member = members.get(owner_id)
        if member is None:
            sent.unlinked += 1
            continue
        lines = [_due_line(asset, today) for asset in owned]
        text = f"*{len(owned)} of your assets {'is' if len(owned) == 1 else 'are'} due for review*\n"
        sent.direct += slack_later(
            event=SlackEvent.REVIEW_DUE, text=text + _listed(lines, OWNER_LIST_LIMIT), members=[member], channels=[]
        )
    lines = [_due_line(asset, today) for asset in assets]
    plural = "s" if len(assets) != 1 else ""
    text = f"*{len(assets)} published asset{plural} due for review within {within_days} days*\n"
    sent.channel = slack_later(event=SlackEvent.REVIEW_DUE, text=text + _listed(lines, CHANNEL_LIST_LIMIT))
    return sent


def _percent(value) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def digest_text(*, today=None, days: int = 7) -> str:
    """The digest: the assets that supported the most deals won in the last `days` days, with their
    win rate against the baseline (or "not enough data") and the revenue they influenced."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days - 1)
    filters = ReportFilters.default(today=today, start=start, end=today, page_size=DIGEST_SIZE)
    base = baseline(filters)
    rows = [row for row in asset_figures(filters, sort="won", direction="desc") if row["won"]]
    period = f"{start:%-d %b} – {today:%-d %b %Y}"
    report = link(reverse("report-effectiveness") + f"?start={start}&end={today}", "the effectiveness report")
    if not rows:
        return (
            f"*Assets that helped win, {period}*\n"
            "No won deal of the period was supported by a logged use or a buyer's view."
        )
    revenue = revenue_by_currency(filters, [row["asset_id"] for row in rows])
    lines = [
        f"*Assets that helped win, {period}*",
        f"{base['won']} of {base['closed']} deals closed in the period were won "
        f"(baseline {_percent(base['win_rate'])}).",
    ]
    for number, row in enumerate(rows, start=1):
        figures = describe(row, base["win_rate"], revenue.get(row["asset_id"]))
        rate = (
            f"win rate {_percent(figures['win_rate'])} over {figures['closed_deals']} closed"
            if figures["enough_data"]
            else f"{figures['closed_deals']} closed, not enough data for a win rate"
        )
        amounts = format_amounts(figures["influenced_revenue_by_currency"], empty="")
        lines.append(
            f"{number}. {link(reverse('asset-detail', args=[row['asset_id']]), row['title'])} "
            f"({escape(figures['kind'])}): "
            f"supported {figures['won']} won deal{'s' if figures['won'] != 1 else ''}; {rate}"
            + (f"; influenced {amounts}" if amounts else "")
        )
    lines.append(f"More in {report}.")
    return "\n".join(lines)


def send_weekly_digest(*, today=None, days: int = 7) -> Sent:
    """The digest to the channels routed `weekly_digest` and to everyone who asked for it."""
    sent = Sent()
    if not slack_enabled():
        return sent
    text = digest_text(today=today, days=days)
    wanting = SlackProfile.objects.filter(weekly_digest=True, user__is_active=True).exclude(member_id="")
    members = sorted(wanting.values_list("member_id", flat=True))
    sent.direct = slack_later(event=SlackEvent.WEEKLY_DIGEST, text=text, members=members, channels=[])
    sent.channel = slack_later(event=SlackEvent.WEEKLY_DIGEST, text=text)
    return sent
