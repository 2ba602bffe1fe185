"""Amounts are added per currency, never across currencies, and shown with their currency on the
pages, in the CSV and in the API; on the pages always written by `format_money`."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from content.models import Asset, RequestSupport
from content.money import format_amounts, format_money
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
    assert "$5,000 · €1,200" in html
    assert "6,200" not in html


def test_the_library_card_shows_each_currency(rep_client, asset):
    html = rep_client.get(reverse("library")).content.decode()
    card = html.split("Two currencies", 1)[1].split("</article>", 1)[0]
    assert 'Supported 2 won deals · <span title="$5,000 · €1,200">$5k · €1.2k</span>' in card
    assert "6.2k" not in card


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
    assert "$5,000 · €1,200" in page
    assert '<td class="col-influenced_revenue num">$5,000</td>' in page  # the reporting currency's figure

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
    assert "$1,000" in html and "8,000" not in html and "€" not in html and "EUR" not in html


# Writing one amount: format_money


@pytest.mark.parametrize(
    ("currency", "shown"),
    [
        ("USD", "$1,200"),
        ("EUR", "€1,200"),
        ("GBP", "£1,200"),
        ("JPY", "¥1,200"),
        ("INR", "₹1,200"),
        ("CAD", "CA$1,200"),
        ("AUD", "A$1,200"),
        ("NZD", "NZ$1,200"),
        ("CNY", "CN¥1,200"),
    ],
)
def test_a_currency_with_its_own_symbol_is_written_with_it(currency, shown):
    assert format_money(Decimal("1200"), currency) == shown


def test_a_currency_without_an_unambiguous_symbol_is_written_with_its_code_and_a_space():
    assert format_money(Decimal("1200"), "CHF") == "CHF 1,200"
    assert format_money(Decimal("1200"), "sek") == "SEK 1,200"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("999"), "$999"),
        (Decimal("1000"), "$1,000"),
        (Decimal("241000.40"), "$241,000"),
        (Decimal("1234567.89"), "$1,234,568"),
        ("15500.00", "$15,500"),  # a JSON total
        (15500, "$15,500"),
        (15500.0, "$15,500"),
    ],
)
def test_full_amounts_are_grouped_with_commas_in_whole_units(amount, shown):
    assert format_money(amount, "USD") == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("2.5", "$3"), ("3.5", "$4"), ("1234.49", "$1,234"), ("1234.50", "$1,235"), ("-2.5", "-$3")],
)
def test_whole_units_round_half_up_not_to_even(amount, shown):
    assert format_money(Decimal(amount), "USD") == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("840"), "$840"),
        (Decimal("999.4"), "$999"),
        (Decimal("999.5"), "$1k"),
        (Decimal("1200"), "$1.2k"),
        (Decimal("15500"), "$15.5k"),
        (Decimal("84000"), "$84k"),
        (Decimal("999949"), "$999.9k"),
        (Decimal("999950"), "$1M"),  # not "$1000k"
        (Decimal("2000000"), "$2M"),
        (Decimal("2767500"), "$2.8M"),
        (Decimal("1500000000"), "$1.5B"),
    ],
)
def test_short_amounts_keep_one_decimal_and_drop_a_trailing_zero(amount, shown):
    assert format_money(amount, "USD", short=True) == shown


def test_short_amounts_of_a_currency_without_a_symbol_keep_the_code():
    assert format_money(Decimal("15500"), "CHF", short=True) == "CHF 15.5k"


def test_negative_amounts_put_the_sign_before_the_currency():
    assert format_money(Decimal("-15500"), "USD") == "-$15,500"
    assert format_money(Decimal("-15500"), "USD", short=True) == "-$15.5k"
    assert format_money(Decimal("-1200"), "CHF") == "-CHF 1,200"


def test_zero_and_what_rounds_to_zero_are_zero_without_a_sign():
    assert format_money(0, "USD") == "$0"
    assert format_money(Decimal("0"), "USD", short=True) == "$0"
    assert format_money(Decimal("-0.40"), "USD") == "$0"


# Several currencies: format_amounts


def test_amounts_list_the_reporting_currency_first_then_the_others_by_code():
    totals = {"GBP": "950.00", "EUR": "1200.00", "USD": "5000.00"}
    assert format_amounts(totals) == "$5,000 · €1,200 · £950"
    assert format_amounts(totals, short=True) == "$5k · €1.2k · £950"


@override_settings(REPORTING_CURRENCY="EUR")
def test_amounts_follow_the_reporting_currency():
    assert format_amounts({"EUR": "1200.00", "USD": "5000.00"}) == "€1,200 · $5,000"
    assert format_amounts({}) == "€0"


def test_zero_totals_are_left_out_and_nothing_is_zero_in_the_reporting_currency():
    assert format_amounts({"EUR": "0.00", "USD": "5000.00"}) == "$5,000"
    assert format_amounts({}) == "$0"
    assert format_amounts(None, empty="—") == "—"


# The template filters


def render(source, **context):
    return Template("{% load money %}" + source).render(Context(context))


def test_the_money_filters_write_an_amount_with_its_currency():
    deal = {"amount": Decimal("241000.00"), "currency": "USD"}
    assert render("{{ deal.amount|money:deal.currency }}", deal=deal) == "$241,000"
    assert render("{{ deal.amount|money_short:deal.currency }}", deal=deal) == "$241k"
    assert render("{{ amount|money:'CHF' }}", amount=Decimal("1200")) == "CHF 1,200"


def test_the_money_filter_shows_a_dash_for_no_amount_and_nothing_for_garbage():
    assert render("{{ amount|money:'USD' }}", amount=None) == "—"
    assert render("{{ amount|money:'USD' }}", amount="a lot") == ""


def test_the_totals_filters_and_the_reporting_figure_go_through_the_same_format():
    totals = {"EUR": "1200.00", "USD": "84000.00"}
    assert render("{{ totals|amounts }}", totals=totals) == "$84,000 · €1,200"
    assert render("{{ totals|amounts_short }}", totals=totals) == "$84k · €1.2k"
    assert render("{{ totals|amounts:'none' }}", totals={}) == "none"
    assert render("{{ impact|reporting_amount }}", impact=Decimal("8000.00")) == "$8,000"
    assert render("{{ impact|reporting_amount }}", impact=None) == "$0"


# Pages


def test_the_deal_page_writes_the_amount_once_with_its_symbol_in_whole_units(rep_client, rep):
    deal = DealFactory(amount=Decimal("241000.40"), currency="USD", owner=rep)
    html = rep_client.get(deal.get_absolute_url()).content.decode()
    assert "<dt>Amount</dt><dd>$241,000</dd>" in html
    assert "241,000.40" not in html and "USD" not in html


def test_the_deal_list_writes_each_deal_in_its_own_currency(rep_client, rep):
    DealFactory(name="Zurich", amount=Decimal("1200"), currency="CHF", owner=rep)
    DealFactory(name="London", amount=Decimal("950"), currency="GBP", owner=rep)
    html = rep_client.get(reverse("deal-list")).content.decode()
    assert '<td class="num">CHF 1,200</td>' in html
    assert '<td class="num">£950</td>' in html
