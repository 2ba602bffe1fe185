"""Cached figures are invalidated at once by any change of the data behind them."""

import datetime

import pytest

from content.caching import bump_data_version, cached, data_version

from .factories import DealFactory, UsageFactory

pytestmark = pytest.mark.django_db


def test_a_cached_value_is_computed_once_per_data_version():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached("t", {"a": 1}, compute) == 1
    assert cached("t", {"a": 1}, compute) == 1
    assert cached("t", {"a": 2}, compute) == 2
    bump_data_version()
    assert cached("t", {"a": 1}, compute) == 3


def test_a_new_won_deal_or_usage_bumps_the_data_version():
    before = data_version()
    DealFactory(status="won", close_date=datetime.date(2026, 5, 1))
    after_deal = data_version()
    assert after_deal > before
    UsageFactory()
    assert data_version() > after_deal
