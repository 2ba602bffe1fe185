"""Report pages lead with headline figures in plain words, then one chart; the tables, ids and
statistics wait behind "Details". The reports index tells a manager, at a glance, which assets
help win and which reps do not use the library."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.caching import bump_data_version
from content.reports import REPORTS, ReportFilters, run_report
from content.reports.headlines import headlines

from .factories import DealFactory, UsageFactory, UserFactory
from .reports_helpers import PERIOD, at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rep, other_rep):
    return build_world(rep, other_rep)


def period_filters(**changes):
    return ReportFilters.default(
        start=datetime.date.fromisoformat(PERIOD["start"]), end=datetime.date.fromisoformat(PERIOD["end"]), **changes
    )


def headline(report, label):
    return next(h for h in headlines(report) if h.label == label)


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_leads_with_three_to_five_headlines_before_its_details(manager_client, world, name):
    report = run_report(name, period_filters())
    assert 3 <= len(headlines(report)) <= 5
    body = manager_client.get(reverse(f"report-{name}"), PERIOD).content.decode()
    first = headlines(report)[0]
    assert body.index(first.label) < body.index('id="details"')
    assert '<details class="card report-details" id="details">' in body  # closed until asked for


def test_the_helps_win_headline_names_the_assets_above_the_baseline_with_links(manager_client, world):
    report = run_report("effectiveness", period_filters())
    helps = headline(report, "Assets that help win most")
    # Playbook: 5 won of 6 closed (enough data) against a baseline of 5/7; Case A has too few deals.
    assert [(text, note) for text, _, note in helps.items] == [("Playbook", "won 5 of 6 deals it was used in")]
    assert helps.value == "83%"
    assert helps.items[0][1] == reverse("asset-detail", args=[world["playbook"].pk])
    body = manager_client.get(reverse("report-effectiveness"), PERIOD).content.decode()
    assert f'<a href="{reverse("asset-detail", args=[world["playbook"].pk])}">Playbook</a>' in body


def test_the_leaders_do_not_change_when_the_details_are_sorted_another_way(world):
    by_score = headline(run_report("effectiveness", period_filters()), "Assets that help win most")
    by_title = headline(run_report("effectiveness", period_filters(sort="title", direction="asc")), by_score.label)
    assert by_title.items == by_score.items


def test_no_asset_above_the_baseline_says_so_instead_of_a_list(world):
    report = run_report("effectiveness", period_filters(kind="case_study"))  # Case A: too few deals
    helps = headline(report, "Assets that help win most")
    assert helps.value == "none yet" and helps.items == []


def rarely(report):
    return headline(report, "Reps rarely using it")


def test_the_adoption_headline_counts_and_names_the_reps_rarely_using_the_library(world, rep, other_rep):
    idle = UserFactory(first_name="Ida", last_name="Idle", groups=["Sales"])
    report = run_report("adoption", period_filters())
    assert report.totals["reps_rarely_using"] == 1
    assert rarely(report).value == "1" and rarely(report).items == [("Ida Idle", "", "no use in the period")]
    assert headline(report, "Reps using the library").value == f"{report.totals['reps'] - 1} of {report.totals['reps']}"
    # one use in the one deal she works: content in all of her deals
    UsageFactory(user=idle, deal=DealFactory(owner=idle), used_at=at(datetime.date(2026, 2, 2)))
    assert run_report("adoption", period_filters()).totals["reps_rarely_using"] == 0
    # four more open deals with no content: content in 1 of 5, under a quarter
    for _ in range(4):
        DealFactory(owner=idle)
    again = run_report("adoption", period_filters())
    assert rarely(again).items == [("Ida Idle", "", "content in 1 of 5 deals")]


def test_ids_and_usernames_stay_in_the_api_and_csv_but_not_on_the_page(manager_client, world, rep):
    page = manager_client.get(reverse("report-effectiveness"), PERIOD).content.decode()
    assert "Asset id" not in page
    assert "asset_id" in manager_client.get("/api/v1/reports/effectiveness/", PERIOD).json()["columns"][0]["key"]
    csv_text = manager_client.get(reverse("report-effectiveness"), {**PERIOD, "format": "csv"}).content.decode()
    assert csv_text.splitlines()[0].startswith("asset_id")
    adoption = manager_client.get(reverse("report-adoption"), PERIOD).content.decode()
    assert ">Username<" not in adoption


def test_statistics_columns_are_explained_in_plain_words(manager_client, world):
    body = manager_client.get(reverse("report-effectiveness"), PERIOD).content.decode()
    assert "three lucky wins do not beat thirty steady ones" in body
    requests = manager_client.get(reverse("report-requests"), PERIOD).content.decode()
    assert "percentile_cont" not in requests and "half the requests took less" in requests


def test_sorting_or_paging_keeps_the_details_open(manager_client, world):
    body = manager_client.get(reverse("report-usage"), {**PERIOD, "sort": "title", "dir": "asc"}).content.decode()
    assert 'id="details" open' in body
    assert "#details" in body  # the sort links come back to the details


def test_the_index_glance_shows_who_helps_win_and_who_does_not_use_the_library(manager_client, rep, other_rep):
    today = datetime.date.today()
    won = [DealFactory(status="won", close_date=today, owner=rep) for _ in range(5)]
    lost = DealFactory(status="lost", close_date=today, owner=rep)
    from .factories import AssetFactory

    helper = AssetFactory(title="Winning story", kind="case_study")
    for deal in won:
        UsageFactory(asset=helper, deal=deal, user=rep, used_at=at(today - datetime.timedelta(days=1)))
    UsageFactory(asset=AssetFactory(title="Lost cause"), deal=lost, user=rep, used_at=at(today))
    UserFactory(first_name="Quinn", last_name="Quiet", groups=["Sales"])
    index = manager_client.get(reverse("reports")).content.decode()
    assert reverse("reports-glance") in index  # loaded after the page
    glance = manager_client.get(reverse("reports-glance")).content.decode()
    assert f'<a href="{reverse("asset-detail", args=[helper.pk])}">Winning story</a>' in glance
    assert "Lost cause" not in glance
    assert "Quinn Quiet" in glance and other_rep.get_full_name() in glance  # other_rep used nothing
    assert rep.get_full_name() not in glance  # content in every deal rep worked


@pytest.mark.parametrize(("role", "expected"), [("rep", 403), ("marketer", 200), ("manager", 200)])
def test_the_glance_follows_the_view_reports_rule(client, persona_users, role, expected):
    client.force_login(persona_users[role])
    assert client.get(reverse("reports-glance")).status_code == expected


def test_the_glance_runs_the_same_number_of_queries_whatever_the_data_size(manager_client, rep, other_rep):
    def count():
        bump_data_version()  # the reports behind the glance are computed again, not read from the cache
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get(reverse("reports-glance")).status_code == 200
        return len(queries)

    today = datetime.date.today()
    UsageFactory(deal=DealFactory(status="won", close_date=today, owner=rep), user=rep, used_at=at(today))
    manager_client.get(reverse("reports-glance"))  # the session's first request writes its last activity
    small = count()
    for _ in range(8):
        deal = DealFactory(status="won", close_date=today, owner=rep)
        UsageFactory(deal=deal, user=rep, used_at=at(today))
        UserFactory(groups=["Sales"])
    assert count() == small
