"""The demo data set: `manage.py load_demo` fills an empty database once, and tells a story the reports
can tell: uneven adoption, three assets that help win among many that do not, requests mostly on time,
buyers opening tracked links. The story's properties are asserted, not its drawn numbers."""

import datetime
import io
from itertools import pairwise

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.test import override_settings
from django.utils import timezone

from content.assets import RELATION_FIELDS, asset_rule_errors, asset_stamps
from content.demo import read_demo
from content.models import (
    Asset,
    AssetKind,
    AssetStatus,
    ContentRequest,
    Deal,
    DealStatus,
    RequestEvent,
    RequestStatus,
    SearchLog,
    ShareLink,
    ShareView,
    Usage,
    UsageAction,
)
from content.reports import run_report
from content.reports.filters import ReportFilters
from content.requesting.sla import SlaState, sla_annotations

pytestmark = pytest.mark.django_db


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


# Module-scoped, so the per-test fast hasher of conftest does not apply yet: state it here too.
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.managed}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module (it takes seconds) in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with FAST_HASHING:
            output = load_demo("--if-empty")
        yield output
        transaction.set_rollback(True)


def test_the_command_creates_the_stated_volumes(demo):
    assert 55 <= Asset.objects.count() <= 65
    assert Deal.objects.count() == 300
    assert Usage.objects.logged().count() == 3000
    assert ContentRequest.objects.count() == 40
    assert SearchLog.objects.count() == 200
    links, buyer_views = ShareLink.objects.count(), Usage.objects.filter(action=UsageAction.BUYER_VIEWED).count()
    assert 10 <= links <= 30 and buyer_views > 0
    assert (
        f"300 deals, 3000 usages, 40 requests, 200 searches, {links} tracked links ({buyer_views} buyer views)." in demo
    )
    assert "demo-pass-2026" in demo


def test_every_request_status_is_present(demo):
    statuses = set(ContentRequest.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values)
    assert not ContentRequest.objects.filter(status=RequestStatus.DUPLICATE, duplicate_of__isnull=True).exists()
    delivered = ContentRequest.objects.filter(status=RequestStatus.DELIVERED)
    assert not delivered.filter(delivered_asset__isnull=True).exists()
    assert not delivered.filter(delivered_at__isnull=True).exists()


def test_each_request_history_ends_in_its_current_status(demo):
    for request in ContentRequest.objects.prefetch_related("events"):
        events = list(request.events.all())
        assert events[0].to_status == RequestStatus.NEW
        assert events[-1].to_status == request.status
        assert all(later.from_status == earlier.to_status for earlier, later in pairwise(events))
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
    assert RequestEvent.objects.exclude(to_status=RequestStatus.NEW).count() > 40


def test_the_three_demo_users_can_sign_in_with_their_roles(demo):
    users = get_user_model().objects
    for username, group in (("rep", "Sales"), ("marketer", "Marketing"), ("manager", "Managers")):
        user = users.get(username=username)
        with FAST_HASHING:
            assert user.check_password("demo-pass-2026")
        assert list(user.groups.values_list("name", flat=True)) == [group]
    assert users.filter(groups__name="Sales").count() >= 12
    assert users.filter(groups__name="Marketing").count() >= 3


def test_running_it_twice_changes_nothing(demo):
    before = row_counts()
    second_output = load_demo()
    assert second_output.startswith("Demo data already present; nothing changed.\n")
    assert "rep " in second_output and "demo-pass-2026" in second_output  # make run still shows the logins
    assert row_counts() == before


def test_the_deals_mix_outcomes_and_close_dates_consistently(demo):
    won = Deal.objects.filter(status=DealStatus.WON).count()
    lost = Deal.objects.filter(status=DealStatus.LOST).count()
    assert 90 <= won <= 120 and 75 <= lost <= 105
    assert not Deal.objects.closed().filter(close_date__isnull=True).exists()
    assert set(Deal.objects.won().values_list("stage", flat=True)) == {"Closed Won"}
    assert not Deal.objects.filter(amount__lt=5000).exists()
    assert not Deal.objects.filter(amount__gt=250000).exists()


def test_some_assets_support_won_deals_and_some_published_assets_are_shelfware(demo):
    assert Asset.objects.filter(won_deal_count__gt=0).count() >= 10
    assert Asset.objects.published().filter(usage_count=0).exists()


def test_only_published_assets_are_used_and_only_objections_are_heard(demo):
    assert not Usage.objects.exclude(asset__status=AssetStatus.PUBLISHED).exists()
    assert not Usage.objects.filter(action=UsageAction.HEARD).exclude(asset__kind=AssetKind.OBJECTION).exists()
    assert Usage.objects.filter(action=UsageAction.HEARD).exists()


def test_a_few_uses_fall_after_the_close_and_do_not_count(demo):
    after_close = Usage.objects.filter(deal__status__in=[DealStatus.WON, DealStatus.LOST]).filter(
        used_at__date__gt=F("deal__close_date")
    )
    assert 0 < after_close.count() < 300
    assert not Usage.objects.filter(user=None).exists()
    assert not Usage.objects.exclude(user=F("deal__owner")).exists()


def test_the_library_has_stale_expired_future_and_upcoming_assets(demo):
    assert Asset.objects.needs_review().exists()
    assert Asset.objects.published().exclude(pk__in=Asset.objects.released()).count() == 2
    assert Asset.objects.filter(status=AssetStatus.IN_REVIEW, planned_publish_date__isnull=False).exists()
    assert Asset.objects.filter(status=AssetStatus.ARCHIVED).count() == 2


def test_every_demo_asset_was_written_by_the_asset_services(demo):
    # The services refuse what breaks an asset rule and stamp what they publish or verify: the demo
    # library obeys the rules and carries the stamps of the one rule, the owner as its verifier.
    for asset in Asset.objects.prefetch_related("stages", "personas", "competitors", "proof_points"):

        def value(field, asset=asset):
            return list(getattr(asset, field).all()) if field in RELATION_FIELDS else getattr(asset, field)

        assert not asset_rule_errors(kind=asset.kind, status=asset.status, value=value, pk=asset.pk), asset.title
        stamps = asset_stamps(
            status=asset.status,
            published_at=asset.published_at,
            verified_at=asset.verified_at,
            verification_interval_days=asset.verification_interval_days,
            owner=asset.owner_id,
        )
        assert (asset.published_at, asset.review_by) == (stamps.published_at, stamps.review_by), asset.title
        assert asset.verified_by_id == (asset.owner_id if asset.verified_at else None), asset.title


def test_some_searches_found_nothing(demo):
    assert SearchLog.objects.filter(result_count=0, query="soc 2 report").exists()
    assert SearchLog.objects.filter(result_count__gt=0).exists()


def test_the_demo_library_is_searchable_by_its_taxonomy(demo):
    from content.search import SearchParams, search_assets

    marketer = get_user_model().objects.get(username="marketer")
    labelled = Asset.objects.filter(stages__slug="evaluating", personas__isnull=False).distinct()
    asset = labelled.order_by("pk").first()
    persona = asset.personas.order_by("pk").first()
    by_stage = search_assets(user=marketer, params=SearchParams(stage="evaluating"))
    assert set(by_stage.values_list("pk", flat=True)) == set(
        Asset.objects.filter(stages__slug="evaluating").values_list("pk", flat=True)
    )
    by_name = search_assets(user=marketer, params=SearchParams(q=f'"{persona.name}"', persona=persona.slug))
    assert asset.pk in set(by_name.values_list("pk", flat=True))


# The facts below were read off the demo as loaded before its content moved from Python literals to
# content/demo/: the files must load the same library, people, deals and relations.


def test_the_library_holds_the_same_assets_of_each_kind(demo):
    per_kind = dict(Asset.objects.values_list("kind").annotate(count=Count("pk")))
    assert per_kind == {
        AssetKind.CASE_STUDY: 15,
        AssetKind.BATTLE_CARD: 6,
        AssetKind.OBJECTION: 14,
        AssetKind.ONE_PAGER: 11,
        AssetKind.DECK: 5,
        AssetKind.EMAIL_TEMPLATE: 8,
        AssetKind.COMPARISON_GUIDE: 5,
    }


def test_a_case_study_keeps_its_fields_and_its_whole_body(demo):
    case = Asset.objects.get(title="Brightwater Foods cuts the cost per invoice by 75% across four plants")
    assert (case.customer, case.industry) == ("Brightwater Foods", "Food and beverage manufacturing")
    assert case.results.splitlines()[0] == "Cost per invoice down from $12.40 to $3.10"
    assert case.body.startswith("**Customer:** Brightwater Foods  \n**Industry:** Food and beverage manufacturing\n\n")
    assert (
        "Plant managers approve from their phones; the AP team only sees what genuinely needs a decision." in case.body
    )
    assert "## The results\n\n- Cost per invoice down from $12.40 to $3.10\n" in case.body
    assert case.body.endswith(">\n> Dana Whitfield, Controller, Brightwater Foods")


def test_an_objection_entry_keeps_its_summary_and_proof_points(demo):
    entry = Asset.objects.get(title='"Our ERP already does accounts payable"')
    assert entry.summary == "Your ERP records invoices very well; it was not built to capture, route and match them."
    assert sorted(entry.proof_points.values_list("title", flat=True)) == [
        "Brightwater Foods cuts the cost per invoice by 75% across four plants",
        "Kestrel Aerospace Components matches 98% of PO invoices in SAP",
    ]
    assert list(entry.competitors.values_list("name", flat=True)) == ["Guidewell"]


def test_every_deal_has_the_product_line_of_its_motion_and_the_industry_of_its_account(demo):
    data = read_demo()
    products = dict(data.deal_motions)
    industries = dict(data.account_suffixes)
    for name, account, product_line, industry in Deal.objects.values_list(
        "name", "account", "product_line", "industry"
    ):
        assert products[name.removeprefix(f"{account} - ")] == product_line
        assert industries[next(s for s in industries if account.endswith(f" {s}"))] == industry
    assert Deal.objects.filter(product_line="Ledgerline Pay").exists()


def test_people_and_requests_are_the_same(demo):
    users = get_user_model().objects
    assert users.count() == 16
    assert users.get(username="grace.obrien").get_full_name() == "Grace O'Brien"
    delivered = ContentRequest.objects.get(title="Battle card for Klueless")
    assert delivered.status == RequestStatus.DELIVERED
    assert delivered.delivered_asset.title == "Battle card: Klueless"
    assert delivered.requester.username == "rep"
    duplicate = ContentRequest.objects.get(title="Need help against Klueless")
    assert duplicate.duplicate_of == delivered


def test_relative_dates_resolve_against_today(demo):
    today = timezone.localdate()
    scheduled = Asset.objects.get(title="Email: proposing Ledgerline Pay to a customer")  # published: +9d
    assert scheduled.planned_publish_date == today + datetime.timedelta(days=9)
    assert timezone.localtime(scheduled.published_at).replace(tzinfo=None) == datetime.datetime.combine(
        today + datetime.timedelta(days=9), datetime.time(9, 0)
    )
    expired = Asset.objects.get(title="ROI at a glance: what AP automation is worth to you")
    # published: -330d..-290d and expires: -30d..-10d, drawn by the seeded generator
    assert timezone.localdate(expired.published_at) == today - datetime.timedelta(days=324)
    assert expired.expires_on == today - datetime.timedelta(days=26)


# --- the story the reports tell ------------------------------------------------------------------


def report(name, **changes):
    return run_report(name, ReportFilters.default(page_size=None, **changes))


def test_adoption_is_uneven_and_the_reps_who_rarely_use_the_library_stand_out(demo):
    library_use = read_demo().library_use
    rows = {row["username"]: row for row in report("adoption").rows}
    share = {username: row["content_share"] for username, row in rows.items() if row["deals_worked"]}
    rare = {username for username, use in library_use.items() if use < 0.3}
    regular = set(share) - rare
    assert len(rare) >= 2 and len(regular) >= 6
    # every rare user logs content in fewer of their deals than any regular user
    assert max(share[u] for u in rare if u in share) < min(share[u] for u in regular)
    assert max(share[u] for u in rare if u in share) <= 0.3 and min(share[u] for u in regular) >= 0.5
    assert sorted(rows, key=lambda u: rows[u]["uses"])[: len(rare)] == sorted(rare, key=lambda u: rows[u]["uses"])


def test_the_effectiveness_report_leads_with_the_three_assets_that_help_win(demo):
    winners = {spec["title"] for _, spec in read_demo().assets if spec.get("profile") == "winner"}
    result = report("effectiveness")
    rows = [row for row in result.rows if row["enough_data"]]
    assert len(winners) == 3
    assert {row["title"] for row in rows[:3]} == winners  # sorted by the interval's lower bound
    for row in rows[:3]:
        assert row["win_rate"] >= row["baseline"] + 0.10
    fourth = rows[3]
    assert fourth["ci_low"] < min(row["ci_low"] for row in rows[:3])


def test_win_rates_spread_around_the_baseline_and_the_most_used_asset_is_not_a_winner(demo):
    result = report("effectiveness", start=timezone.localdate() - datetime.timedelta(days=364))
    rows = [row for row in result.rows if row["enough_data"] and row["closed_deals"] >= 10]
    baseline = rows[0]["baseline"]
    rates = [row["win_rate"] for row in rows]
    assert len(rows) >= 20
    assert sum(rate >= 0.85 for rate in rates) <= len(rates) / 5  # not 85-100% everywhere
    assert sum(rate < baseline for rate in rates) >= len(rates) / 4  # plenty do not help
    assert max(rates) - min(rates) >= 0.35
    winners = {spec["title"] for _, spec in read_demo().assets if spec.get("profile") == "winner"}
    most_used = Asset.objects.order_by("-usage_count").first()
    assert most_used.title not in winners


def test_open_requests_are_mostly_on_time_with_a_few_overdue(demo):
    states = list(ContentRequest.objects.open().annotate(**sla_annotations()).values_list("sla_state", flat=True))
    overdue = states.count(SlaState.OVERDUE)
    assert len(states) >= 15
    assert 1 <= overdue <= len(states) * 0.4
    assert states.count(SlaState.ON_TRACK) + states.count(SlaState.MET) > 0


def test_some_requests_were_triaged_late(demo):
    triaged = ContentRequest.objects.filter(triaged_at__isnull=False)
    late = [r for r in triaged if timezone.localdate(r.triaged_at) > r.triage_due]
    assert 0 < len(late) < triaged.count() / 3


def test_buyers_opened_some_tracked_links_and_the_reports_count_them(demo):
    opened = ShareLink.objects.filter(first_viewed_at__isnull=False)
    assert 0 < opened.count() < ShareLink.objects.count()
    assert ShareView.objects.filter(link__in=opened).count() >= opened.count()
    for link in opened:
        viewed = Usage.objects.filter(deal=link.deal, action=UsageAction.BUYER_VIEWED)
        assert viewed.exists() and not viewed.filter(used_at__lt=link.created_at).exists()
        assert set(viewed.values_list("asset", flat=True)) <= set(link.items.values_list("asset", flat=True))
    assert not ShareLink.objects.exclude(created_by=F("deal__owner")).exists()
    year = timezone.localdate() - datetime.timedelta(days=364)
    assert sum(row["buyer_view_deals"] for row in report("effectiveness", start=year).rows) > 0
    assert sum(row["links_sent"] for row in report("adoption", start=year).rows) > 0
