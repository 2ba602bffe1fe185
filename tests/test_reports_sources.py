"""Logged uses and buyer views told apart: the usage and effectiveness reports count each source in a
column of its own and take `source=logged|buyer`; adoption counts the tracked links each rep sent.
Against the hand-counted world of reports_helpers, with the buyer views and links below added."""

import csv
import datetime
import io
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.models import ShareLink, ShareLinkAsset, UsageAction
from content.reports import REPORTS, ReportFilterError, ReportFilters, run_report

from .factories import AssetFactory, DealFactory, UsageFactory
from .reports_helpers import END, PERIOD, START, at, build_world

pytestmark = pytest.mark.django_db


def link(*, sender, deal, assets, day):
    sent = at(day)
    made = ShareLink.objects.create(
        deal=deal, created_by=sender, created_at=sent, expires_at=sent + datetime.timedelta(days=90)
    )
    ShareLinkAsset.objects.bulk_create([ShareLinkAsset(link=made, asset=asset) for asset in assets])
    return made


def buyer_view(*, asset, deal, sender, day):
    return UsageFactory(asset=asset, deal=deal, user=sender, action=UsageAction.BUYER_VIEWED, used_at=at(day))


@pytest.fixture
def world(rep, other_rep):
    """The reports world, and: Case A viewed by the buyers of won[0] (where the rep also logged it) and
    of won[2], both before the close; the Playbook viewed by the buyer of an open deal. Links: the rep
    sent two in the period, the other rep one (a one-pager), the rep one before the period."""
    world = build_world(rep, other_rep)
    case_a, playbook, shelf = world["case_a"], world["playbook"], world["shelf"]
    won, lost, open_deals = world["won"], world["lost"], world["open"]
    buyer_view(asset=case_a, deal=won[0], sender=rep, day=datetime.date(2026, 1, 28))
    buyer_view(asset=case_a, deal=won[2], sender=rep, day=datetime.date(2026, 2, 1))
    buyer_view(asset=playbook, deal=open_deals[0], sender=rep, day=datetime.date(2026, 3, 20))
    link(sender=rep, deal=won[2], assets=[case_a], day=datetime.date(2026, 1, 30))
    link(sender=rep, deal=open_deals[0], assets=[case_a], day=datetime.date(2026, 3, 19))
    link(sender=other_rep, deal=lost[0], assets=[shelf], day=datetime.date(2026, 2, 10))
    link(sender=rep, deal=world["before"], assets=[case_a], day=datetime.date(2025, 12, 1))
    return world


@pytest.fixture
def period():
    return ReportFilters(start=START, end=END)


def by(rows, key, value):
    return next(row for row in rows if row[key] == value)


def figures(row, *keys):
    return tuple(row[key] for key in keys)


# Usage ------------------------------------------------------------------------------------------


def test_usage_counts_logged_uses_and_buyer_views_apart(world, period):
    report = REPORTS["usage"](period)
    # Case A: logged in won[0] and won[1], viewed by the buyers of won[0] and won[2]
    assert figures(by(report.rows, "title", "Case A"), "uses", "logged", "buyer_views", "deals") == (4, 2, 2, 3)
    assert figures(by(report.rows, "title", "Playbook"), "uses", "logged", "buyer_views", "deals") == (10, 9, 1, 8)
    assert figures(report.totals, "uses", "logged", "buyer_views") == (16, 13, 3)
    weekly = {row["week"]: row for row in next(t for t in report.tables if t.key == "weekly").rows}
    # The week of Jan 26: the Playbook logged 3 days before the close of won[0..3], Case A viewed by the
    # buyers of won[0] (28th) and won[2] (Feb 1)
    assert figures(weekly[datetime.date(2026, 1, 26)], "uses", "logged", "buyer_views") == (6, 4, 2)
    assert [dataset["label"] for dataset in report.chart["datasets"]] == ["Logged by reps", "Buyer views"]


def test_the_source_filter_keeps_only_buyer_views_or_only_logged_uses(world, period):
    buyer = REPORTS["usage"](replace(period, source="buyer"))
    assert [(row["title"], row["uses"], row["buyer_views"], row["logged"]) for row in buyer.rows] == [
        ("Case A", 2, 2, 0),
        ("Playbook", 1, 1, 0),
    ]
    assert figures(buyer.totals, "uses", "logged", "buyer_views", "reps", "deals") == (3, 0, 3, 1, 3)
    logged = REPORTS["usage"](replace(period, source="logged"))
    assert figures(logged.totals, "uses", "logged", "buyer_views", "assets") == (13, 13, 0, 3)


def test_usage_sorts_by_buyer_views(world, period):
    report = REPORTS["usage"](replace(period, sort="buyer_views", direction="desc"))
    assert [row["title"] for row in report.rows] == ["Case A", "Playbook", "Too expensive"]


# Effectiveness ----------------------------------------------------------------------------------


def test_effectiveness_counts_deals_supported_by_each_source(world, period):
    report = REPORTS["effectiveness"](period)
    case_a = by(report.rows, "title", "Case A")
    # won[0] (both sources), won[1] (logged), won[2] (the buyer's view two days before the close)
    assert figures(case_a, "closed_deals", "logged_deals", "buyer_view_deals", "won") == (3, 2, 2, 3)
    assert case_a["influenced_revenue"] == 6000  # 1000 + 2000 + 3000, each deal once
    playbook = by(report.rows, "title", "Playbook")
    assert figures(playbook, "closed_deals", "logged_deals", "buyer_view_deals") == (6, 6, 0)


def test_effectiveness_with_one_source_counts_only_its_support(world, period):
    buyer = REPORTS["effectiveness"](replace(period, source="buyer"))
    assert [figures(row, "title", "closed_deals", "logged_deals", "buyer_view_deals") for row in buyer.rows] == [
        ("Case A", 2, 0, 2)
    ]
    logged = REPORTS["effectiveness"](replace(period, source="logged"))
    assert figures(by(logged.rows, "title", "Case A"), "closed_deals", "buyer_view_deals") == (2, 0)
    assert by(logged.rows, "title", "Playbook")["closed_deals"] == 6


def test_effectiveness_sorts_by_buyer_view_deals(world, period):
    report = REPORTS["effectiveness"](replace(period, sort="buyer_view_deals"))
    assert report.rows[0]["title"] == "Case A"


# Adoption ---------------------------------------------------------------------------------------


def test_adoption_counts_the_links_each_rep_sent_in_the_period(world, period):
    report = REPORTS["adoption"](period)
    assert by(report.rows, "username", "rep")["links_sent"] == 2
    assert by(report.rows, "username", "rep2")["links_sent"] == 1
    assert report.totals["links_sent"] == 3
    one_pagers = REPORTS["adoption"](replace(period, kind="one_pager"))
    assert [(row["username"], row["links_sent"]) for row in one_pagers.rows if row["links_sent"]] == [("rep2", 1)]
    assert one_pagers.totals["links_sent"] == 1


def test_adoption_counts_a_senders_buyer_views_as_uses_which_source_tells_apart(world, period):
    assert by(REPORTS["adoption"](period).rows, "username", "rep")["uses"] == 12  # 9 logged, 3 buyer views
    assert by(REPORTS["adoption"](replace(period, source="logged")).rows, "username", "rep")["uses"] == 9
    assert by(REPORTS["adoption"](replace(period, source="buyer")).rows, "username", "rep")["uses"] == 3


def test_adoption_sorts_by_links_sent(world, period):
    report = REPORTS["adoption"](replace(period, sort="links_sent", direction="asc"))
    assert [row["username"] for row in report.rows] == ["rep2", "rep"]


# Pages, API, CSV, schema ------------------------------------------------------------------------


def test_source_is_validated_like_every_filter(db):
    assert ReportFilters.from_params({**PERIOD, "source": "buyer"}).source == "buyer"
    assert ReportFilters.from_params({**PERIOD, "source": "buyer"}).as_params()["source"] == "buyer"
    with pytest.raises(ReportFilterError) as refused:
        ReportFilters.from_params({"source": "crm"})
    assert refused.value.message_dict == {"source": ["The source is logged or buyer."]}


@pytest.mark.parametrize("name", ["usage", "effectiveness", "adoption"])
def test_a_bad_source_is_a_400_naming_it_on_the_page_and_the_api(manager_client, name):
    page = manager_client.get(reverse(f"report-{name}"), {"source": "crm"})
    assert page.status_code == 400 and "The source is logged or buyer." in page.content.decode()
    api = manager_client.get(f"/api/v1/reports/{name}/", {"source": "crm"})
    assert api.status_code == 400 and api.json() == {"source": ["The source is logged or buyer."]}


def test_the_page_offers_the_source_and_shows_both_columns(manager_client, world):
    html = manager_client.get(reverse("report-usage"), {**PERIOD, "source": "buyer"}).content.decode()
    assert '<select name="source" aria-describedby="f-source_helptext" id="f-source">' in html
    assert '<option value="buyer" selected>Buyer views</option>' in html
    assert ">Logged by reps<" in html and ">Buyer views<" in html


def test_the_api_and_the_csv_carry_the_columns_of_each_source(manager_client, world):
    usage = manager_client.get("/api/v1/reports/usage/", {**PERIOD, "source": "buyer"}).json()
    assert usage["filters"]["source"] == "buyer"
    assert {"logged", "buyer_views"} <= {column["key"] for column in usage["columns"]}
    assert usage["totals"]["buyer_views"] == 3
    rows = list(
        csv.DictReader(
            io.StringIO(
                manager_client.get(reverse("report-effectiveness"), {**PERIOD, "format": "csv"}).content.decode()
            )
        )
    )
    case_a = next(row for row in rows if row["title"] == "Case A")
    assert (case_a["logged_deals"], case_a["buyer_view_deals"]) == ("2", "2")
    adoption = manager_client.get("/api/v1/reports/adoption/", PERIOD).json()
    assert by(adoption["rows"], "username", "rep")["links_sent"] == 2


def test_the_schema_documents_the_source_filter_of_every_report(manager_client):
    schema = manager_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for name in REPORTS:
        parameters = {p["name"]: p for p in schema["paths"][f"/api/v1/reports/{name}/"]["get"]["parameters"]}
        assert sorted(parameters["source"]["schema"]["enum"]) == ["buyer", "logged"]
        assert "buyer" in parameters["source"]["description"]


# Queries ----------------------------------------------------------------------------------------


def grow(rep, other_rep, n):
    """More of both sources, and more links: a closed deal each, used by a rep and viewed by its buyer."""
    for i in range(n):
        asset = AssetFactory(kind="case_study" if i % 2 else "one_pager")
        deal = DealFactory(status="won" if i % 3 else "lost", close_date=datetime.date(2026, 2, 10), owner=rep)
        UsageFactory(asset=asset, deal=deal, user=other_rep, used_at=at(datetime.date(2026, 2, 1)))
        buyer_view(asset=asset, deal=deal, sender=rep, day=datetime.date(2026, 2, 2))
        link(sender=rep if i % 2 else other_rep, deal=deal, assets=[asset], day=datetime.date(2026, 2, 1))


def count_queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["usage", "effectiveness", "adoption"])
@pytest.mark.parametrize("source", ["", "logged", "buyer"])
def test_each_changed_report_runs_the_same_number_of_queries_whatever_the_data_size(
    manager_client, world, rep, other_rep, name, source
):
    # Page: session, user, groups, the filter form's stages, personas and competitors, the data
    # version, then the report's own queries (usage 7, effectiveness 4, adoption 3). API: the same
    # without the session and the filter form.
    params = {**PERIOD, "source": source} if source else PERIOD
    urls = (reverse(f"report-{name}"), f"/api/v1/reports/{name}/")
    small = [count_queries(manager_client, url, params) for url in urls]
    grow(rep, other_rep, 12)
    large = [count_queries(manager_client, url, params) for url in urls]
    assert small == large
    assert max(large) <= 20


# The cached reports -----------------------------------------------------------------------------


def test_a_new_link_and_a_buyers_first_view_change_the_cached_reports(rep, client, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from content.sharing import share_link_create

    today = timezone.localdate()
    now_period = ReportFilters(start=today - datetime.timedelta(days=7), end=today)
    deal = DealFactory(owner=rep)
    study = AssetFactory(kind="case_study", customer="Initech")
    assert run_report("adoption", now_period).totals["links_sent"] == 0  # cached from here on
    assert run_report("usage", now_period).totals["buyer_views"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        made = share_link_create(user=rep, assets=[study], deal=deal)
    assert run_report("adoption", now_period).totals["links_sent"] == 1
    ShareLink.objects.filter(pk=made.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.get(made.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Firefox/128.0")
    assert answer.status_code == 200
    assert run_report("usage", now_period).totals["buyer_views"] == 1
