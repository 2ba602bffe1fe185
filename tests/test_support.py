"""Won-deal support against hand-computed deals: a use after close or in a lost deal does not count."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from content.support import refresh_support

from .factories import AssetFactory, DealFactory, UsageFactory

pytestmark = pytest.mark.django_db


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_support_counts_won_deals_used_on_or_before_close_only(rep):
    asset = AssetFactory()
    close = datetime.date(2026, 6, 30)
    won_a = DealFactory(status="won", close_date=close, amount=Decimal("1000"))
    won_b = DealFactory(status="won", close_date=close, amount=Decimal("250"))
    won_late = DealFactory(status="won", close_date=close, amount=Decimal("9999"))
    lost = DealFactory(status="lost", close_date=close, amount=Decimal("5000"))
    UsageFactory(asset=asset, deal=won_a, user=rep, used_at=at(close - datetime.timedelta(days=5)))
    UsageFactory(asset=asset, deal=won_a, user=rep, used_at=at(close - datetime.timedelta(days=1)))  # same deal twice
    UsageFactory(asset=asset, deal=won_b, user=rep, used_at=at(close))  # on the close day counts
    UsageFactory(asset=asset, deal=won_late, user=rep, used_at=at(close + datetime.timedelta(days=1)))
    UsageFactory(asset=asset, deal=lost, user=rep, used_at=at(close - datetime.timedelta(days=3)))

    assert refresh_support([asset.pk]) == 1
    asset.refresh_from_db()
    assert asset.usage_count == 5
    assert asset.won_deal_count == 2
    assert asset.influenced_revenue == Decimal("1250.00")


def test_an_unused_asset_has_zero_support():
    asset = AssetFactory()
    refresh_support()
    asset.refresh_from_db()
    assert (asset.usage_count, asset.won_deal_count, asset.influenced_revenue) == (0, 0, Decimal("0"))
