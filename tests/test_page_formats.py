"""How pages write dates and people: one date format, one date-time format, a person's full name
(else the username), and report cells in those formats while the CSV and the API keep ISO dates."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from content.audit import audit_event
from content.templatetags.reports import format_value

from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory, UserFactory
from .reports_helpers import PERIOD

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 5)
MOMENT = datetime.datetime(2026, 2, 5, 13, 3, tzinfo=datetime.UTC)


def render(source, **context):
    return Template("{% load enablement %}" + source).render(Context(context))


# Dates


def test_a_date_and_a_datetime_each_have_one_format():
    assert render("{{ day|date }}", day=DAY) == "5 Feb 2026"
    assert render('{{ moment|date:"DATETIME_FORMAT" }}', moment=MOMENT) == "5 Feb 2026, 13:03"
    assert render("{{ moment }}", moment=MOMENT) == "5 Feb 2026, 13:03"


@override_settings(TIME_ZONE="Europe/Berlin")
def test_a_datetime_is_shown_in_the_sites_time_zone():
    assert render('{{ moment|date:"DATETIME_FORMAT" }}', moment=MOMENT) == "5 Feb 2026, 14:03"
    assert format_value(MOMENT, "datetime") == "5 Feb 2026, 14:03"


def test_report_cells_write_dates_money_and_totals_like_the_rest_of_the_pages():
    assert format_value(DAY, "date") == "5 Feb 2026"
    assert format_value(MOMENT, "datetime") == "5 Feb 2026, 13:03"
    assert format_value(2767500, "money") == "$2,767,500"
    assert format_value(Decimal("1234.50"), "money") == "$1,235"
    assert format_value({"EUR": "1200.00", "USD": "5000.00"}, "amounts") == "$5,000 · €1,200"
    assert format_value({}, "amounts") == "—"


@override_settings(REPORTING_CURRENCY="EUR")
def test_the_report_money_cell_is_in_the_reporting_currency():
    assert format_value(1200, "money") == "€1,200"


def test_the_usage_report_page_writes_the_last_use_in_the_datetime_format_and_the_csv_and_api_keep_iso(
    manager_client, rep
):
    used_at = datetime.datetime(2026, 2, 5, 14, 30, tzinfo=datetime.UTC)
    UsageFactory(asset=AssetFactory(title="Dated deck"), deal=DealFactory(owner=rep), user=rep, used_at=used_at)

    page = manager_client.get(reverse("report-usage"), PERIOD).content.decode()
    assert '<td class="col-last_used">5 Feb 2026, 14:30</td>' in page

    rows = list(
        csv.reader(
            io.StringIO(manager_client.get(reverse("report-usage"), {**PERIOD, "format": "csv"}).content.decode())
        )
    )
    assert rows[1][rows[0].index("last_used")] == "2026-02-05T14:30:00+00:00"
    api_row = manager_client.get("/api/v1/reports/usage/", PERIOD).json()["rows"][0]
    assert api_row["last_used"] == "2026-02-05T14:30:00Z"


# People


def test_a_person_is_their_full_name_else_their_username_and_nobody_is_a_dash():
    assert render("{{ user|person }}", user=UserFactory(username="rrep", first_name="Riley", last_name="Rep")) == (
        "Riley Rep"
    )
    assert render("{{ user|person }}", user=UserFactory(username="jdoe", first_name="", last_name="")) == "jdoe"
    assert render("{{ user|person }}", user=None) == "—"
    assert render("{{ user|person }}", user=AnonymousUser()) == "—"


def test_the_request_page_names_people_by_their_full_name(rep_client, rep):
    assignee = UserFactory(username="mkt7", first_name="", last_name="", groups=["Marketing"])
    request = ContentRequestFactory(requester=rep, assignee=assignee)

    html = rep_client.get(request.get_absolute_url()).content.decode()

    created = timezone.localdate(request.created_at)
    assert f"Asked by Riley Rep on {created.day} {created:%b %Y}</p>" in html
    assert "<dt>Assignee</dt><dd>mkt7</dd>" in html  # no name given: the username
    assert "Asked by rep " not in html


def test_the_audit_list_keeps_the_username_under_the_name(manager_client, rep):
    audit_event(actor=rep, verb="asset.downloaded", obj=AssetFactory(), file="deck.pdf")
    html = manager_client.get(reverse("audit")).content.decode()
    assert 'Riley Rep<div class="muted small">rep</div>' in html
