"""Cached figures are invalidated at once by any change of the data behind them."""

import datetime

import pytest
from django.core.cache import cache, caches

from content.caching import bump_data_version, cached, data_version, library_changed, library_version

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


def test_the_versions_live_in_the_database_not_in_a_cache_that_forgets():
    # A version kept in a cache could expire or be evicted and start again from 1, and a report kept
    # under a number met a second time would be served although its data moved since.
    bump_data_version()
    library_changed()
    data, library = data_version(), library_version()
    cache.clear()
    caches["shared"].clear()
    assert (data_version(), library_version()) == (data, library)
    bump_data_version()
    assert (data_version(), library_version()) == (data + 1, library)


def test_a_version_moves_by_one_statement(django_assert_num_queries):
    with django_assert_num_queries(1):
        bump_data_version()
    with django_assert_num_queries(1):
        data_version()
