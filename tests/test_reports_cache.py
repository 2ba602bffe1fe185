"""Report figures are cached, and a new won deal changes the report at once."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.caching import data_version
from content.reports import ReportFilters, run_report
from content.usage import log_usage

from .factories import AssetFactory, DealFactory

pytestmark = pytest.mark.django_db


def test_a_cached_report_runs_only_the_data_version_query_the_second_time(django_assert_num_queries, rep):
    today = timezone.localdate()
    filters = ReportFilters(start=today - datetime.timedelta(days=30), end=today)
    run_report("adoption", filters)
    # 1. the data version, read from the database every worker sees (content/caching.py)
    with django_assert_num_queries(1) as captured:
        run_report("adoption", filters)
    with CaptureQueriesContext(connection) as version_read:
        data_version()
    assert captured.captured_queries[0]["sql"] == version_read.captured_queries[0]["sql"]


def test_a_new_won_deal_changes_the_report_at_once(rep, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    filters = ReportFilters(start=today - datetime.timedelta(days=30), end=today)
    asset = AssetFactory()
    deal = DealFactory(owner=rep, amount=Decimal("5000"))
    with django_capture_on_commit_callbacks(execute=True):
        log_usage(user=rep, asset=asset, deal=deal, action="shared")
    before = run_report("effectiveness", filters)
    deal.status, deal.close_date = "won", today
    deal.save()
    after = run_report("effectiveness", filters)
    won_before = {row["asset_id"]: row["won"] for row in before.rows}
    won_after = {row["asset_id"]: row["won"] for row in after.rows}
    # the won deal shows up without waiting for the cache to expire
    assert won_before.get(asset.pk, 0) == 0
    assert won_after[asset.pk] == 1
    assert after.rows[[r["asset_id"] for r in after.rows].index(asset.pk)]["influenced_revenue"] == Decimal("5000")
