"""Amounts are added per currency, never across currencies, and shown with their currency on the
pages, in the CSV and in the API."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from content.models import Asset, RequestSupport
from content.requesting import request_submit
from content.support import refresh_support

from .factories import AssetFactory, DealFactory, UsageFactory
from .reports_helpers import at

pytestmark = pytest.mark.django_db

CLOSE = datetime.date(2026, 2, 10)
PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def asset(rep):
    """Supports a won deal of USD 5,000 and one of EUR 1,200 (used twice: counted once)."""
    asset = AssetFactory(title="Two currencies")
    dollars = DealFactory(status="won", close_date=CLOSE, amount=Decimal("5000"), currency="USD", owner=rep)
    euros = DealFactory(status="won", close_date=CLOSE, amount=Decimal("1200"), currency="EUR", owner=rep)
    for deal in (dollars, euros, euros):
        UsageFactory(asset=asset, deal=deal, user=rep, used_at=at(CLOSE - datetime.timedelta(days=3)))
    refresh_support([asset.pk])
    asset.refresh_from_db()
    return asset


def test_influenced_revenue_is_stored_per_currency_and_never_as_a_mixed_sum(asset):
    assert asset.influenced_revenue_by_currency == {"EUR": "1200.00", "USD": "5000.00"}
    assert asset.influenced_revenue == Decimal("5000.00")  # the reporting currency, not 6,200


@override_settings(REPORTING_CURRENCY="EUR")
def test_the_single_figure_follows_the_reporting_currency(asset):
    refresh_support([asset.pk])
    asset.refresh_from_db()
    assert asset.influenced_revenue == Decimal("1200.00")


def test_a_refresh_replaces_stale_per_currency_figures(asset):
    Asset.objects.filter(pk=asset.pk).update(influenced_revenue_by_currency={"GBP": "1.00"})
    refresh_support([asset.pk])
    asset.refresh_from_db()
    assert asset.influenced_revenue_by_currency == {"EUR": "1200.00", "USD": "5000.00"}


def test_the_asset_page_shows_each_currency(rep_client, asset):
    html = rep_client.get(asset.get_absolute_url()).content.decode()
    assert "EUR 1,200 · USD 5,000" in html
    assert "6,200" not in html


def test_the_library_card_shows_each_currency(rep_client, asset):
    html = rep_client.get(reverse("library")).content.decode()
    assert "Supported 2 won deals · EUR 1k · USD 5k" in html
    assert "$" not in html.split("Two currencies", 1)[1].split("</article>", 1)[0]


def test_the_asset_api_gives_revenue_per_currency_beside_the_old_field(rep, asset):
    body = api_for(rep).get(f"/api/v1/assets/{asset.pk}/").json()
    assert body["influenced_revenue"] == "5000.00"
    assert body["influenced_revenue_by_currency"] == {"EUR": "1200.00", "USD": "5000.00"}


def test_the_effectiveness_report_keeps_currencies_apart_on_the_page_in_the_csv_and_the_api(manager_client, asset):
    body = manager_client.get(reverse("api-report-effectiveness"), PERIOD).json()
    row = next(r for r in body["rows"] if r["title"] == "Two currencies")
    assert (row["influenced_revenue"], row["currency"]) == (5000, "USD")
    assert row["influenced_revenue_by_currency"] == {"EUR": "1200.00", "USD": "5000.00"}

    page = manager_client.get(reverse("report-effectiveness"), PERIOD).content.decode()
    assert "EUR 1,200 · USD 5,000" in page

    csv_text = manager_client.get(reverse("report-effectiveness"), {**PERIOD, "format": "csv"}).content.decode()
    header, line = csv_text.splitlines()[0], next(x for x in csv_text.splitlines() if "Two currencies" in x)
    assert "currency,influenced_revenue_by_currency" in header
    assert ",5000.00,USD,EUR 1200.00; USD 5000.00," in line


def test_business_impact_is_kept_per_currency_and_the_sortable_figure_says_its_currency(rep, rep_client, marketer):
    dollars = DealFactory(amount=Decimal("1000"), currency="USD", owner=rep)
    request = request_submit(requester=rep, title="Guide", description="Why.", deal=dollars)
    euros = DealFactory(amount=Decimal("7000"), currency="EUR", owner=marketer)
    RequestSupport.objects.create(request=request, user=marketer, deal=euros)

    body = api_for(rep).get(f"/api/v1/requests/{request.pk}/").json()
    assert (body["business_impact"], body["business_impact_currency"]) == ("1000.00", "USD")
    assert body["business_impact_by_currency"] == {"USD": "1000.00"}  # the euro deal is not the rep's
    listed = api_for(marketer).get("/api/v1/requests/").json()["results"][0]
    assert (listed["business_impact"], listed["business_impact_by_currency"]) == ("1000.00", None)
    as_marketer = api_for(marketer).get(f"/api/v1/requests/{request.pk}/").json()
    assert as_marketer["business_impact_by_currency"] == {"EUR": "7000.00", "USD": "1000.00"}
    html = rep_client.get(request.get_absolute_url()).content.decode()
    assert "USD 1,000" in html and "8,000" not in html and "EUR" not in html
