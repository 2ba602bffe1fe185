"""Structural rules live in the database: each bad value is refused and nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from content.models import Asset, ContentRequest, Deal, DealStatus, Usage

from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory

pytestmark = pytest.mark.django_db


def assert_refused(make, model):
    before = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        make()
    assert model.objects.count() == before


def test_it_rejects_a_duplicate_crm_id():
    DealFactory(crm_id="006A")
    assert_refused(lambda: Deal.objects.create(crm_id="006A", name="Other"), Deal)


def test_it_rejects_an_empty_crm_id():
    assert_refused(lambda: Deal.objects.create(crm_id="", name="Nameless"), Deal)


def test_it_rejects_a_negative_amount():
    assert_refused(lambda: Deal.objects.create(crm_id="006B", name="Refund", amount=Decimal("-1")), Deal)


def test_it_rejects_an_unknown_deal_status():
    assert_refused(lambda: Deal.objects.create(crm_id="006C", name="Odd", status="pending"), Deal)


@pytest.mark.parametrize("status", [DealStatus.WON, DealStatus.LOST])
def test_a_closed_deal_needs_a_close_date(status):
    assert_refused(lambda: Deal.objects.create(crm_id="006D", name="Closed", status=status), Deal)


def test_a_closed_deal_with_a_close_date_is_accepted():
    deal = Deal.objects.create(crm_id="006E", name="Won", status=DealStatus.WON, close_date=datetime.date(2026, 1, 5))
    assert deal.is_closed


def test_it_rejects_an_unknown_asset_kind_and_status():
    assert_refused(lambda: Asset.objects.create(kind="poem", title="Ode"), Asset)
    assert_refused(lambda: Asset.objects.create(kind="one_pager", title="Odd", status="gone"), Asset)


def test_it_rejects_an_asset_without_title():
    assert_refused(lambda: Asset.objects.create(kind="one_pager", title=""), Asset)


@pytest.mark.parametrize("helpful", [0, 6])
def test_usage_helpfulness_is_between_one_and_five(helpful):
    usage = UsageFactory.build()
    usage.asset.owner.save()
    usage.asset.save()
    usage.deal.save()
    usage.user.save()
    assert_refused(
        lambda: Usage.objects.create(asset=usage.asset, deal=usage.deal, user=usage.user, helpful=helpful), Usage
    )


def test_usage_action_must_be_known():
    usage = UsageFactory()
    assert_refused(
        lambda: Usage.objects.create(asset=usage.asset, deal=usage.deal, user=usage.user, action="tweeted"), Usage
    )


def test_a_duplicate_request_must_name_its_original():
    request = ContentRequestFactory()
    assert_refused(
        lambda: ContentRequest.objects.create(
            title="Dup", description="x", requester=request.requester, status="duplicate"
        ),
        ContentRequest,
    )


def test_a_request_priority_is_within_range():
    request = ContentRequestFactory()
    assert_refused(
        lambda: ContentRequest.objects.create(title="P", description="x", requester=request.requester, priority=9),
        ContentRequest,
    )


def test_review_by_follows_the_verification_interval_of_the_kind():
    published = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    battle_card = AssetFactory(kind="battle_card", published_at=published)
    one_pager = AssetFactory(kind="one_pager", published_at=published)
    assert battle_card.verification_interval_days == 60
    assert battle_card.review_by == datetime.date(2026, 3, 2)
    assert one_pager.review_by == datetime.date(2026, 4, 1)


def test_a_draft_has_no_review_by_date():
    assert AssetFactory(status="draft").review_by is None


def test_released_hides_future_and_expired_assets():
    today = datetime.date.today()
    visible = AssetFactory()
    AssetFactory(published_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3))
    AssetFactory(expires_on=today - datetime.timedelta(days=1))
    AssetFactory(status="draft")
    assert list(Asset.objects.released()) == [visible]


def test_released_ends_on_the_expiry_day_where_the_library_is_as_an_asset_says(settings):
    """An expiry date is a day in the library's time zone, for the list rule (`released`) as for
    the one asset (`is_released`): at 01:00 in Auckland on the expiry day (still the day before in
    UTC) the asset is expired for both."""
    settings.TIME_ZONE = "Pacific/Auckland"
    now = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=datetime.UTC)  # 6 Dec, 01:00 in Auckland
    published = now - datetime.timedelta(days=3)
    expiring = AssetFactory(published_at=published, expires_on=datetime.date(2026, 12, 6))
    tomorrow = AssetFactory(published_at=published, expires_on=datetime.date(2026, 12, 7))
    assert list(Asset.objects.released(now)) == [tomorrow]
    assert [a.is_released(now) for a in (expiring, tomorrow)] == [False, True]
