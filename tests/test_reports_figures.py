"""Every figure of every report against the small world of reports_helpers, counted by hand."""

import datetime
from dataclasses import replace

import pytest
from django.test import override_settings

from content.models import Competitor, ContentRequest, FunnelStage, Persona, SearchLog
from content.reports import REPORTS, ReportFilterError, ReportFilters

from .factories import AssetFactory, ContentRequestFactory
from .reports_helpers import END, START, at, build_world, make_requests

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rep, other_rep):
    return build_world(rep, other_rep)


@pytest.fixture
def period():
    return ReportFilters(start=START, end=END)


def by(rows, key, value):
    return next(row for row in rows if row[key] == value)


# Usage ----------------------------------------------------------------------------------------


def test_usage_counts_uses_reps_and_deals_per_asset_in_the_period(world, period):
    report = REPORTS["usage"](period)
    playbook = by(report.rows, "title", "Playbook")
    # 5 won + 1 extra in won[0] + lost[0] + lost[1] (after close, still a use) + the open deal
    assert (playbook["uses"], playbook["reps"], playbook["deals"]) == (9, 2, 8)
    assert playbook["last_used"] == at(datetime.date(2026, 3, 15))
    case_a = by(report.rows, "title", "Case A")
    assert (case_a["uses"], case_a["reps"], case_a["deals"]) == (2, 1, 2)  # the December use is outside
    assert report.totals == {
        "uses": 13,
        "logged": 13,
        "buyer_views": 0,
        "assets": 3,
        "reps": 2,
        "deals": 8,
        "weeks": 6,
    }
    assert [row["title"] for row in report.rows] == ["Playbook", "Case A", "Too expensive"]


def test_usage_breaks_down_by_week_kind_stage_and_persona(world, period):
    tables = {table.key: table.rows for table in REPORTS["usage"](period).tables}
    assert sum(row["uses"] for row in tables["weekly"]) == 13
    # Week of Jan 19: playbook Jan 20, case A Jan 22 and 23, objection heard Jan 25
    assert tables["weekly"][0] == {"week": datetime.date(2026, 1, 19), "uses": 4, "logged": 4, "buyer_views": 0}
    assert by(tables["by_kind"], "kind", "Battle card")["uses"] == 9
    assert by(tables["by_stage"], "stage", "Evaluating")["uses"] == 8  # 6 playbook + 2 heard
    assert by(tables["by_stage"], "stage", "(no stage logged)")["uses"] == 2
    # Buyer deals are won[0] and won[1]: playbook 3, case A 2, heard 1
    assert tables["by_persona"] == [{"persona": "Economic buyer", "uses": 6}]


@pytest.mark.parametrize(
    "change, expected_uses",
    [
        ({"kind": "case_study"}, 2),
        ({"stage": "engaged"}, 3),
        ({"persona": "economic-buyer"}, 6),
        ({"competitor": "rival-co"}, 6),  # won[0]: 2 playbook, case A, heard; lost[0]: playbook, heard
        ({"owner": "rep2"}, 4),
        ({"start": "2026-03-01"}, 2),
    ],
)
def test_each_filter_narrows_the_usage_report(world, change, expected_uses):
    filters = ReportFilters.from_params({"start": START.isoformat(), "end": END.isoformat(), **change})
    assert REPORTS["usage"](filters).totals["uses"] == expected_uses


# Effectiveness --------------------------------------------------------------------------------


def test_effectiveness_counts_closed_deals_used_before_close_with_baseline_lift_and_interval(world, period):
    report = REPORTS["effectiveness"](period)
    assert report.totals["closed_deals"] == 7 and report.totals["won_deals"] == 5
    assert report.totals["baseline_win_rate"] == pytest.approx(5 / 7)
    playbook = by(report.rows, "title", "Playbook")
    assert (playbook["closed_deals"], playbook["won"], playbook["lost"]) == (
        6,
        5,
        1,
    )  # lost[1] used after close
    assert playbook["win_rate"] == pytest.approx(5 / 6)
    assert playbook["lift"] == pytest.approx((5 / 6) / (5 / 7) - 1)  # +16.7%
    assert round(playbook["ci_low"], 4) == 0.4365 and round(playbook["ci_high"], 4) == 0.9699
    assert playbook["score"] == playbook["ci_low"]
    assert playbook["influenced_revenue"] == 15000
    assert playbook["enough_data"] is True


def test_below_the_minimum_sample_an_asset_has_no_rate_lift_or_interval(world, period):
    case_a = by(REPORTS["effectiveness"](period).rows, "title", "Case A")
    assert (case_a["closed_deals"], case_a["won"]) == (2, 2)
    assert case_a["enough_data"] is False
    assert case_a["win_rate"] is case_a["lift"] is case_a["ci_low"] is case_a["ci_high"] is None
    assert case_a["influenced_revenue"] == 3000  # counts are still shown


def test_the_minimum_sample_is_a_setting(world, period):
    with override_settings(EFFECTIVENESS_MIN_SAMPLE=2):
        case_a = by(REPORTS["effectiveness"](period).rows, "title", "Case A")
    assert case_a["enough_data"] is True and case_a["win_rate"] == 1.0


def test_a_tiny_perfect_sample_does_not_outrank_a_larger_one(world, period):
    with override_settings(EFFECTIVENESS_MIN_SAMPLE=2):
        rows = REPORTS["effectiveness"](period).rows
    # Case A: 2/2 (Wilson low 0.34) ranks below Playbook: 5/6 (Wilson low 0.44)
    assert [row["title"] for row in rows][:2] == ["Playbook", "Case A"]


def test_shelfware_lists_published_assets_never_used_since_publishing(world, period):
    AssetFactory(title="Draft never used", status="draft")
    report = REPORTS["effectiveness"](period)
    shelf = report.tables[0]
    assert report.totals["shelfware"] == 1
    assert [row["title"] for row in shelf.rows] == ["Shelf"]


def test_the_baseline_follows_the_persona_filter(world):
    filters = ReportFilters.from_params(
        {"start": START.isoformat(), "end": END.isoformat(), "persona": "economic-buyer"}
    )
    report = REPORTS["effectiveness"](filters)
    assert (report.totals["closed_deals"], report.totals["won_deals"]) == (2, 2)
    assert by(report.rows, "title", "Playbook")["closed_deals"] == 2


# Adoption -------------------------------------------------------------------------------------


def test_adoption_counts_each_reps_deals_uses_and_requests(world, period, rep, other_rep):
    ContentRequestFactory(requester=rep)  # submitted today: outside the period
    request = ContentRequestFactory(requester=rep)
    ContentRequest.objects.filter(pk=request.pk).update(created_at=at(datetime.date(2026, 2, 1)))
    report = REPORTS["adoption"](period)
    mine = by(report.rows, "username", "rep")
    assert (mine["deals_worked"], mine["deals_with_content"], mine["uses"], mine["requests"]) == (6, 6, 9, 1)
    assert (mine["won_deals"], mine["won_with_content"]) == (5, 5)
    theirs = by(report.rows, "username", "rep2")
    assert (theirs["deals_worked"], theirs["deals_with_content"], theirs["uses"]) == (3, 2, 4)
    assert theirs["content_share"] == pytest.approx(2 / 3)
    assert report.totals["won_with_content_share"] == 1.0


def test_adoption_counts_a_won_deal_as_supported_only_with_a_use_before_close(world, period, rep):
    from .factories import DealFactory, UsageFactory

    late = DealFactory(status="won", close_date=datetime.date(2026, 3, 20), owner=rep)
    UsageFactory(asset=world["case_a"], deal=late, user=rep, used_at=at(datetime.date(2026, 3, 25)))
    report = REPORTS["adoption"](period)
    assert (report.totals["won_deals"], report.totals["won_with_content"]) == (6, 5)
    assert by(report.rows, "username", "rep")["won_with_content"] == 5


# Gaps -----------------------------------------------------------------------------------------


def test_gaps_put_supply_beside_demand_in_each_stage_and_persona_cell(world, period, rep):
    evaluating, buyer = world["evaluating"], world["buyer"]
    ContentRequestFactory(requester=rep, stage=evaluating, persona=buyer, kind="objection")
    ContentRequestFactory(requester=rep, stage=evaluating, persona=buyer, status="declined")  # closed: no demand
    ContentRequestFactory(requester=rep, stage=FunnelStage.objects.get(slug="curious"), persona=buyer)
    ContentRequest.objects.update(created_at=at(datetime.date(2026, 2, 1)))
    report = REPORTS["gaps"](period)
    cell = by([r for r in report.rows if r["persona"] == "Economic buyer"], "stage", "Evaluating")
    assert cell == {
        "stage": "Evaluating",
        "persona": "Economic buyer",
        "assets": 1,
        "open_requests": 1,
        "objection_requests": 1,
        "heard": 1,
        "demand": 2,
        "gap_score": 1.0,
    }
    curious = by([r for r in report.rows if r["persona"] == "Economic buyer"], "stage", "Curious")
    assert (curious["assets"], curious["demand"], curious["gap_score"]) == (0, 1, 1.0)
    engaged_techie = by([r for r in report.rows if r["persona"] == "Technical evaluator"], "stage", "Engaged")
    assert engaged_techie["assets"] == 1  # Case A
    assert len(report.rows) == FunnelStage.objects.count() * Persona.objects.count()
    assert report.rows[0]["gap_score"] == 1.0  # sorted by gap score
    assert report.totals["empty_cells_with_demand"] == 1


def test_gaps_narrow_to_one_stage_and_persona(world):
    filters = ReportFilters.from_params({"stage": "evaluating", "persona": "economic-buyer"})
    rows = REPORTS["gaps"](filters).rows
    assert [(r["stage"], r["persona"]) for r in rows] == [("Evaluating", "Economic buyer")]


# Requests and SLA -----------------------------------------------------------------------------


def test_requests_report_medians_sla_and_backlog(rep, marketer):
    request = make_requests(rep, marketer)
    day = datetime.date
    request(
        at(day(2026, 1, 5)),
        status="delivered",
        assignee=marketer,
        due=day(2026, 1, 7),
        events=[
            ("new", "triaged", at(day(2026, 1, 6))),  # 24 h, within SLA
            ("triaged", "accepted", at(day(2026, 1, 8))),
            ("accepted", "delivered", at(day(2026, 1, 15))),  # 10 days
        ],
    )
    request(
        at(day(2026, 1, 10)),
        status="triaged",
        assignee=marketer,
        due=day(2026, 1, 12),
        events=[
            ("new", "triaged", at(day(2026, 1, 14))),  # 96 h, late
        ],
    )
    request(
        at(day(2026, 2, 10)),
        status="triaged",
        assignee=marketer,
        events=[
            ("new", "triaged", at(day(2026, 2, 10), 16)),  # 6 h, no due date: within 2 calendar days
        ],
    )
    request(at(day(2026, 2, 1)))  # new, unassigned
    request(at(day(2025, 12, 1)), assignee=marketer)  # before the period
    report = REPORTS["requests"](ReportFilters(start=START, end=END))
    mine = by(report.rows, "assignee", "marketer")
    assert (
        mine["requests"],
        mine["open"],
        mine["triaged"],
        mine["triaged_within_sla"],
        mine["delivered"],
    ) == (3, 2, 3, 2, 1)
    assert mine["within_sla_share"] == pytest.approx(2 / 3)
    assert mine["median_triage_hours"] == 24.0
    assert mine["median_delivery_days"] == 10.0
    nobody = by(report.rows, "assignee", "(unassigned)")
    assert (nobody["requests"], nobody["open"], nobody["triaged"], nobody["median_triage_hours"]) == (
        1,
        1,
        0,
        None,
    )
    assert report.totals["median_triage_hours"] == 24.0 and report.totals["open"] == 3
    tables = {t.key: t.rows for t in report.tables}
    assert by(tables["by_age"], "age", "over 30 days")["open"] == 3
    assert by(tables["by_status"], "status", "Triaged")["requests"] == 2


def test_an_even_number_of_triage_times_has_the_mean_of_the_middle_two_as_median(rep, marketer):
    request = make_requests(rep, marketer)
    day = datetime.date
    for hours in (2, 4, 10, 30):
        created = at(day(2026, 1, 5))
        request(
            created,
            status="triaged",
            assignee=marketer,
            events=[("new", "triaged", created + datetime.timedelta(hours=hours))],
        )
    report = REPORTS["requests"](ReportFilters(start=START, end=END))
    assert report.rows[0]["median_triage_hours"] == 7.0


# Freshness ------------------------------------------------------------------------------------


def test_freshness_share_and_the_overdue_list_ranked_by_use_and_search(world, period, rep):
    today = datetime.date.today()
    fresh = AssetFactory(title="Fresh one", published_at=at(today - datetime.timedelta(days=5)))
    shelf = world["shelf"]
    for _ in range(12):
        SearchLog.objects.create(user=rep, query="shelf", clicked_asset=shelf)
    SearchLog.objects.filter(clicked_asset=shelf).update(created_at=at(datetime.date(2026, 2, 2)))
    report = REPORTS["freshness"](period)
    assert (report.totals["published"], report.totals["fresh"], report.totals["overdue"]) == (5, 1, 4)
    assert report.totals["fresh_share"] == pytest.approx(0.2) and report.totals["meets_target"] is False
    assert [row["title"] for row in report.rows] == ["Shelf", "Playbook", "Case A", "Too expensive"]
    assert (report.rows[0]["search_clicks"], report.rows[0]["uses"], report.rows[0]["demand"]) == (12, 0, 12)
    assert fresh.pk not in [row["asset_id"] for row in report.rows]


# Objections -----------------------------------------------------------------------------------


def test_objections_count_heard_by_stage_and_competitor_with_effectiveness(world, period):
    report = REPORTS["objections"](period)
    assert report.totals["heard"] == 2
    entry = report.rows[0]
    assert (entry["title"], entry["heard"], entry["deals"]) == ("Too expensive", 2, 2)
    assert (entry["closed_deals"], entry["won"], entry["enough_data"], entry["win_rate"]) == (
        2,
        1,
        False,
        None,
    )
    tables = {t.key: t.rows for t in report.tables}
    assert tables["by_stage"] == [{"stage": "Evaluating", "heard": 2}]
    assert tables["by_competitor"] == [{"competitor": "Rival Co", "heard": 2}]


# Filters and sorting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, field",
    [
        ({"start": "2026-13-01"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "start"),
        ({"kind": "poster"}, "kind"),
        ({"stage": "nowhere"}, "stage"),
        ({"owner": "nobody"}, "owner"),
        ({"dir": "sideways"}, "dir"),
        ({"page": "0"}, "page"),
    ],
)
def test_a_bad_filter_is_rejected_with_a_message_naming_it(db, params, field):
    with pytest.raises(ReportFilterError) as error:
        ReportFilters.from_params(params)
    assert field in error.value.message_dict


def test_the_default_period_is_the_last_90_days(db):
    filters = ReportFilters.from_params({}, today=datetime.date(2026, 5, 31))
    assert (filters.start, filters.end) == (datetime.date(2026, 3, 3), datetime.date(2026, 5, 31))


def test_rows_sort_by_the_chosen_column_in_either_direction(world, period):
    ascending = REPORTS["usage"](replace(period, sort="uses", direction="asc")).rows
    assert [row["uses"] for row in ascending] == [2, 2, 9]
    by_title = REPORTS["effectiveness"](replace(period, sort="title", direction="asc")).rows
    assert [row["title"] for row in by_title] == ["Case A", "Playbook", "Too expensive"]
    with pytest.raises(ReportFilterError):
        REPORTS["usage"](replace(period, sort="password"))


@pytest.mark.parametrize("name", ["usage", "effectiveness"])
def test_each_asset_shows_the_same_figures_whichever_column_the_rows_are_sorted_by(world, period, name):
    # Sorting on a per-asset figure counts it for every asset; other sorts rank first and count
    # distinct reps and deals (or join names) for the page's assets only. The rows must agree.
    report = REPORTS[name](period)
    expected = {row["asset_id"]: row for row in report.rows}
    for column in (column for column in report.columns if column.sortable):
        for direction in ("asc", "desc"):
            rows = REPORTS[name](replace(period, sort=column.key, direction=direction)).rows
            assert {row["asset_id"]: row for row in rows} == expected, (column.key, direction)
            if column.type in ("int", "percent", "lift", "money", "datetime"):
                values = [row[column.key] for row in rows]
                filled = [value for value in values if value is not None]
                assert values == filled + [None] * (len(values) - len(filled))
                assert filled == sorted(filled, reverse=direction == "desc"), (column.key, direction)


def test_pages_slice_the_rows_and_count_them_all(world, period):
    report = REPORTS["usage"](replace(period, page=2, page_size=2))
    assert report.row_count == 3 and report.page_count == 2
    assert [row["title"] for row in report.rows] == ["Too expensive"]


def test_competitor_filter_matches_by_slug(world):
    assert Competitor.objects.get(slug="rival-co").name == "Rival Co"


def test_the_weekly_chart_shows_complete_weeks_only_with_zeros_for_quiet_weeks(world, period):
    report = REPORTS["usage"](period)
    weekly = {row["week"]: row for row in next(t for t in report.tables if t.key == "weekly").rows}
    # The period runs Thursday 1 January to Tuesday 31 March 2026: its first complete week starts on
    # Monday 5 January, its last on Monday 23 March (ending Sunday 29 March).
    mondays = [datetime.date(2026, 1, 5) + datetime.timedelta(weeks=n) for n in range(12)]
    assert report.chart["labels"] == [monday.isoformat() for monday in mondays]
    logged = dict(zip(mondays, report.chart["datasets"][0]["data"], strict=True))
    assert all(logged[monday] == (weekly[monday]["logged"] if monday in weekly else 0) for monday in mondays)
    assert logged[datetime.date(2026, 1, 19)] == 4 and 0 in logged.values()


@pytest.mark.parametrize(
    ("start", "end", "first", "count"),
    [
        (datetime.date(2026, 1, 5), datetime.date(2026, 1, 11), datetime.date(2026, 1, 5), 1),  # Monday to Sunday
        (datetime.date(2026, 1, 6), datetime.date(2026, 1, 18), datetime.date(2026, 1, 12), 1),
        (datetime.date(2026, 1, 6), datetime.date(2026, 1, 17), None, 0),  # no whole week inside
    ],
)
def test_complete_weeks_are_the_mondays_of_weeks_wholly_in_the_period(start, end, first, count):
    from content.reports.base import complete_weeks

    weeks = complete_weeks(start, end)
    assert len(weeks) == count and (weeks[0] if weeks else None) == first
    assert all(week.weekday() == 0 and start <= week and week + datetime.timedelta(days=6) <= end for week in weeks)
