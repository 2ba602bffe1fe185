"""The demo data set: `manage.py load_demo` fills an empty database once, and tells a useful story."""

import datetime
import io
from decimal import Decimal
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
    Usage,
    UsageAction,
)

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
    assert Usage.objects.count() == 3000
    assert ContentRequest.objects.count() == 40
    assert SearchLog.objects.count() == 200
    assert "300 deals, 3000 usages, 40 requests, 200 searches." in demo
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


def test_deals_are_drawn_as_before(demo):
    first = Deal.objects.get(crm_id="006DEMO000101")
    assert (first.name, first.amount, first.status, first.stage) == (
        "Foxglove Supply Co. - AP Automation (multi-entity)",
        Decimal("12500"),
        DealStatus.OPEN,
        "Discovery",
    )
    won = Deal.objects.get(crm_id="006DEMO000250")
    assert (won.name, won.amount, won.status) == (
        "Cobalt Property Management - AP Automation + Pay",
        Decimal("19500"),
        DealStatus.WON,
    )


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
