"""The usage rollups (UsageDay per day, UsageRepDay for the reps, UsageDeal per asset and deal): kept
exact by the database on every write path, and the reports read the same figures from them as from
the uses themselves."""

import datetime
import itertools

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import Asset, Deal, FunnelStage, Usage, UsageAction, UsageDay, UsageDeal, UsageRepDay
from content.reports import ReportFilters, scope
from content.reports.usage import usage_report
from content.sharing import record_views, share_link_create
from content.usage import log_usage, log_usages

from .factories import AssetFactory, DealFactory, UsageFactory
from .reports_helpers import END, PERIOD, START, at, build_world

pytestmark = pytest.mark.django_db


def raw_cells() -> dict:
    """The rollup as it should be, computed in Python from every use."""
    cells = {}
    for use in Usage.objects.all():
        key = (use.asset_id, use.used_at.astimezone(datetime.UTC).date(), use.stage_id or 0, use.action)
        count, latest = cells.get(key, (0, use.used_at))
        cells[key] = (count + 1, max(latest, use.used_at))
    return cells


def rollup_cells() -> dict:
    return {
        (row.asset_id, row.day, row.stage_id, row.action): (row.use_count, row.last_used)
        for row in UsageDay.objects.all()
    }


def raw_rep_cells() -> dict:
    """The reps' rollup as it should be: uses per asset, UTC day and rep, from every use."""
    cells = {}
    for use in Usage.objects.all():
        key = (use.asset_id, use.used_at.astimezone(datetime.UTC).date(), use.user_id)
        cells[key] = cells.get(key, 0) + 1
    return cells


def rep_rollup_cells() -> dict:
    return {(row.asset_id, row.day, row.user_id): row.use_count for row in UsageRepDay.objects.all()}


def raw_pairs() -> dict:
    """The pairs' rollup as it should be: per asset and deal, the count of uses, the first and the
    last, the first a rep logged and the first buyer's view, from every use."""
    pairs = {}
    for use in Usage.objects.all():
        count, first, last, logged, viewed = pairs.get((use.asset_id, use.deal_id), (0, None, None, None, None))
        time = use.used_at
        is_view = use.action == UsageAction.BUYER_VIEWED
        pairs[(use.asset_id, use.deal_id)] = (
            count + 1,
            min(first or time, time),
            max(last or time, time),
            logged if is_view else min(logged or time, time),
            min(viewed or time, time) if is_view else viewed,
        )
    return pairs


def pair_rollup() -> dict:
    return {
        (row.asset_id, row.deal_id): (row.use_count, row.first_used, row.last_used, row.first_logged, row.first_viewed)
        for row in UsageDeal.objects.all()
    }


def assert_rollup_exact():
    assert rollup_cells() == raw_cells()
    assert rep_rollup_cells() == raw_rep_cells()
    assert pair_rollup() == raw_pairs()


@pytest.fixture
def world(rep, other_rep):
    return build_world(rep, other_rep)


def test_the_rollup_counts_uses_per_asset_day_stage_and_action(world):
    playbook, evaluating = world["playbook"], world["evaluating"]
    day = datetime.date(2026, 1, 29)  # won[0] closed on Feb 1: used three days before
    row = UsageDay.objects.get(asset=playbook, day=day, stage_id=evaluating.pk, action=UsageAction.SHARED)
    assert (row.use_count, row.last_used) == (1, at(day))
    # a use with no stage is rolled up under stage 0
    assert UsageDay.objects.get(asset=playbook, day=datetime.date(2026, 3, 15)).stage_id == 0
    assert_rollup_exact()


def test_two_uses_on_one_day_add_up_and_keep_the_latest(world, rep):
    playbook, deal = world["playbook"], world["open"][0]
    for hour in (15, 9):
        UsageFactory(asset=playbook, deal=deal, user=rep, used_at=at(datetime.date(2026, 3, 16), hour))
    row = UsageDay.objects.get(asset=playbook, day=datetime.date(2026, 3, 16))
    assert (row.use_count, row.last_used) == (2, at(datetime.date(2026, 3, 16), 15))
    assert_rollup_exact()


def test_the_services_and_bulk_inserts_keep_it_exact(world, rep):
    deal = world["open"][0]
    log_usage(user=rep, asset=world["case_a"], deal=deal, action=UsageAction.PRESENTED)
    log_usages(user=rep, assets=[world["playbook"], world["case_a"]], deal=deal, action=UsageAction.SENT)
    Usage.objects.bulk_create(
        [Usage(asset=world["shelf"], deal=deal, user=rep, used_at=at(START, hour)) for hour in range(8, 14)]
    )
    assert UsageDay.objects.get(asset=world["shelf"]).use_count == 6
    assert_rollup_exact()


def test_a_buyer_view_of_a_tracked_link_is_rolled_up_once(world, rep, rf):
    link = share_link_create(user=rep, assets=[world["case_a"]], deal=world["open"][0])
    for _ in range(2):
        request = rf.get("/s/", HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Firefox/120.0")
        record_views(request=request, link=link, assets=[world["case_a"]])
    assert UsageDay.objects.filter(asset=world["case_a"], action=UsageAction.BUYER_VIEWED).get().use_count == 1
    assert_rollup_exact()


def test_updates_move_uses_between_rows(world):
    playbook, evaluating = world["playbook"], world["evaluating"]
    use = Usage.objects.filter(asset=playbook, stage=evaluating).order_by("used_at").first()
    use.used_at = at(datetime.date(2026, 3, 20), 11)
    use.action = UsageAction.PRESENTED
    use.save()
    assert_rollup_exact()
    Usage.objects.filter(asset=playbook).update(stage=world["engaged"])
    assert_rollup_exact()
    Usage.objects.filter(asset=playbook, deal=world["lost"][0]).update(asset=world["shelf"])
    assert_rollup_exact()
    Usage.objects.update(note="edited")  # no figure changes: the rollup is left as it was
    assert_rollup_exact()


def test_removing_the_latest_use_of_a_day_reads_the_latest_again(world, rep):
    playbook, deal, day = world["playbook"], world["open"][0], datetime.date(2026, 3, 15)
    later = UsageFactory(asset=playbook, deal=deal, user=rep, used_at=at(day, 17))
    assert UsageDay.objects.get(asset=playbook, day=day).last_used == at(day, 17)
    later.delete()
    assert (UsageDay.objects.get(asset=playbook, day=day).last_used) == at(day)
    assert_rollup_exact()


def test_a_pair_keeps_its_first_and_last_use_and_the_first_of_each_source(world, rep):
    asset, deal = AssetFactory(title="Paired"), DealFactory(owner=rep)
    days = [datetime.date(2026, 3, d) for d in (10, 12, 14)]
    uses = [UsageFactory(asset=asset, deal=deal, user=rep, used_at=at(day)) for day in days]
    view = Usage.objects.create(
        asset=asset, deal=deal, user=rep, action=UsageAction.BUYER_VIEWED, used_at=at(days[1], 15)
    )
    pair = UsageDeal.objects.get(asset=asset, deal=deal)
    assert (pair.use_count, pair.first_used, pair.last_used) == (4, at(days[0]), at(days[2]))
    assert (pair.first_logged, pair.first_viewed) == (at(days[0]), at(days[1], 15))
    uses[0].delete()  # the first use and the first logged go: both read again from the uses left
    pair.refresh_from_db()
    assert (pair.use_count, pair.first_used, pair.first_logged) == (3, at(days[1]), at(days[1]))
    view.delete()
    pair.refresh_from_db()
    assert (pair.use_count, pair.first_viewed) == (2, None)
    uses[2].used_at = at(days[0])  # the last use moves before the first: both times follow
    uses[2].save()
    pair.refresh_from_db()
    assert (pair.use_count, pair.first_used, pair.last_used) == (2, at(days[0]), at(days[1]))
    Usage.objects.filter(pk=uses[1].pk).update(deal=world["open"][0])  # the pair keeps one use
    assert UsageDeal.objects.get(asset=asset, deal=deal).use_count == 1
    uses[2].delete()
    assert not UsageDeal.objects.filter(asset=asset, deal=deal).exists()
    assert_rollup_exact()


def test_a_removed_use_inside_the_pair_leaves_its_times(world, rep):
    asset, deal = AssetFactory(), DealFactory(owner=rep)
    uses = [UsageFactory(asset=asset, deal=deal, user=rep, used_at=at(START, hour)) for hour in (8, 9, 10)]
    Usage.objects.filter(pk=uses[1].pk).delete()
    pair = UsageDeal.objects.get(asset=asset, deal=deal)
    assert (pair.use_count, pair.first_used, pair.last_used) == (2, at(START, 8), at(START, 10))
    assert_rollup_exact()


def test_deletes_and_cascades_keep_it_exact(world):
    Usage.objects.filter(asset=world["objection"]).first().delete()
    assert_rollup_exact()
    world["won"][0].delete()  # its uses go with the deal
    assert_rollup_exact()
    Asset.objects.filter(pk=world["case_a"].pk).delete()  # and with the asset
    assert not UsageDay.objects.filter(asset_id=world["case_a"].pk).exists()
    assert_rollup_exact()
    world["evaluating"].delete()  # its uses keep no stage
    assert not UsageDay.objects.filter(stage_id=world["evaluating"].pk).exists()
    assert_rollup_exact()
    Deal.objects.all().delete()
    assert not UsageDay.objects.exists()


def test_a_batch_of_inserts_deletes_and_moves_stays_exact(world, rep):
    deal = DealFactory(owner=rep)
    asset = AssetFactory(title="Busy")
    uses = Usage.objects.bulk_create(
        [
            Usage(asset=asset, deal=deal, user=rep, used_at=at(START + datetime.timedelta(days=i % 3), i))
            for i in range(9)
        ]
    )
    Usage.objects.filter(pk__in=[u.pk for u in uses[:4]]).delete()
    Usage.objects.filter(pk__in=[u.pk for u in uses[4:6]]).update(used_at=at(END, 8))
    assert_rollup_exact()


def report_figures(report):
    return (
        report.rows,
        report.totals,
        report.row_count,
        report.chart,
        [(table.key, table.rows) for table in report.tables],
    )


def from_the_uses(patch):
    """Every rollup set aside: the reports read the uses themselves."""
    for name in ("rollup_answers", "reps_rollup_answers", "deal_pairs_answer"):
        patch.setattr(scope, name, lambda *args, **kwargs: False)


def both_ways(filters, monkeypatch, report=usage_report):
    with monkeypatch.context() as patch:
        from_the_uses(patch)
        raw = report(filters)
    return raw, report(filters)


SORTS = ["uses", "logged", "buyer_views", "reps", "deals", "last_used", "title", "kind", "asset_id"]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_the_report_reads_the_same_figures_from_the_rollup_for_every_sort(world, monkeypatch, sort, direction):
    filters = ReportFilters.from_params({**PERIOD, "sort": sort, "dir": direction, "page_size": "2"})
    assert scope.rollup_answers(filters)
    raw, rolled = both_ways(filters, monkeypatch)
    assert report_figures(rolled) == report_figures(raw)
    assert rolled.rows  # the comparison is of something


def filter_combinations(world, rep):
    kinds = ["", "battle_card", "objection"]
    stages = ["", world["evaluating"].slug, world["engaged"].slug]
    sources = ["", "logged", "buyer"]
    owners = ["", rep.username]  # the daily rollup cannot answer an owner; the reps' rollup can
    periods = [PERIOD, {"start": "2026-01-26", "end": "2026-02-04"}]
    for kind, stage, source, owner, period in itertools.product(kinds, stages, sources, owners, periods):
        params = {**period, "kind": kind, "stage": stage, "source": source, "owner": owner}
        yield {key: value for key, value in params.items() if value}


def test_the_report_reads_the_same_figures_from_the_rollup_for_every_filter(world, rep, monkeypatch):
    deal = world["open"][0]
    Usage.objects.create(
        asset=world["playbook"],
        deal=deal,
        user=rep,
        action=UsageAction.BUYER_VIEWED,
        stage=world["evaluating"],
        used_at=at(datetime.date(2026, 2, 2), 23),
    )
    compared = 0
    for params in filter_combinations(world, rep):
        filters = ReportFilters.from_params(params)
        raw, rolled = both_ways(filters, monkeypatch)
        assert report_figures(rolled) == report_figures(raw), params
        distinct = scope.usages(filters).aggregate(
            reps=Count("user_id", distinct=True), deals=Count("deal_id", distinct=True)
        )
        assert (rolled.totals["reps"], rolled.totals["deals"]) == (distinct["reps"], distinct["deals"]), params
        compared += bool(raw.rows)
    assert compared > 10


def test_filters_the_rollup_cannot_answer_read_the_uses(world, rep):
    for params in ({"persona": world["buyer"].slug}, {"competitor": world["rival"].slug}, {"owner": rep.username}):
        assert not scope.rollup_answers(ReportFilters.from_params({**PERIOD, **params}))
    with timezone.override("Europe/Paris"):  # the rollup's days are UTC days
        assert not scope.rollup_answers(ReportFilters.from_params(PERIOD))


def test_the_reps_rollup_answers_an_owner_but_no_stage_source_persona_or_competitor(world, rep):
    assert scope.reps_rollup_answers(ReportFilters.from_params({**PERIOD, "owner": rep.username, "kind": "objection"}))
    for params in (
        {"stage": world["evaluating"].slug},
        {"source": "logged"},
        {"source": "buyer"},
        {"persona": world["buyer"].slug},
        {"competitor": world["rival"].slug},
    ):
        assert not scope.reps_rollup_answers(ReportFilters.from_params({**PERIOD, **params})), params
    with timezone.override("Europe/Paris"):
        assert not scope.reps_rollup_answers(ReportFilters.from_params(PERIOD))


def test_the_page_counts_its_reps_from_their_rollup(world, rep, monkeypatch):
    from content.reports import usage

    filters = ReportFilters.from_params(PERIOD)
    report = usage_report(filters)
    assert any(row["reps"] for row in report.rows)
    # Emptied, the reps' rollup gives no reps at all: the page read them from it.
    UsageRepDay.objects.all().delete()
    assert {row["reps"] for row in usage_report(filters).rows} == {0}
    monkeypatch.setattr(usage.scope, "reps_rollup_answers", lambda filters: False)
    assert usage_report(filters).rows == report.rows


def test_a_day_that_is_not_a_utc_day_is_counted_from_the_uses(world, rep):
    # Paris midnight is 23:00 UTC: a use at 23:30 UTC on Jan 31 is on Feb 1 in Paris.
    UsageFactory(
        asset=world["shelf"],
        deal=world["open"][0],
        user=rep,
        used_at=at(datetime.date(2026, 1, 31), 23) + datetime.timedelta(minutes=30),
    )
    feb_first = ReportFilters.from_params({"start": "2026-02-01", "end": "2026-02-01"})
    with timezone.override("Europe/Paris"):
        in_paris = usage_report(feb_first)
    in_utc = usage_report(feb_first)
    assert {row["title"]: row["uses"] for row in in_paris.rows} == {"Playbook": 1, "Shelf": 1}
    assert {row["title"]: row["uses"] for row in in_utc.rows} == {"Playbook": 1}


def count_report_queries(filters):
    with CaptureQueriesContext(connection) as queries:
        usage_report(filters)
    return len(queries)


def test_the_report_runs_the_same_number_of_queries_at_two_data_sizes(world, rep):
    # Per-asset page (rollup); the page's distinct reps and deals with names; distinct reps and deals in
    # total; per day; by kind; by stage (rollup); by persona (uses) = 7, on either path.
    rolled = ReportFilters.from_params(PERIOD)
    raw = ReportFilters.from_params({**PERIOD, "persona": world["buyer"].slug})
    small = [count_report_queries(rolled), count_report_queries(raw)]
    for i in range(30):
        deal = DealFactory(owner=rep)
        deal.personas.add(world["buyer"])
        UsageFactory(
            asset=AssetFactory(), deal=deal, user=rep, stage=FunnelStage.objects.first(), used_at=at(START, 8 + i % 12)
        )
    assert [count_report_queries(rolled), count_report_queries(raw)] == small == [7, 7]


def test_freshness_reads_the_same_uses_from_the_rollup(world, monkeypatch):
    from content.reports.freshness import freshness_report

    Asset.objects.update(review_by=datetime.date(2026, 1, 1))  # every asset overdue: each row shows its uses
    for params in ({}, {"kind": "battle_card"}, {"stage": world["evaluating"].slug}, {"source": "logged"}):
        filters = ReportFilters.from_params({**PERIOD, **params, "sort": "uses"})
        with monkeypatch.context() as patch:
            patch.setattr(scope, "rollup_answers", lambda *args, **kwargs: False)
            raw = freshness_report(filters)
        rolled = freshness_report(filters)
        assert rolled.rows == raw.rows, params
        assert any(row["uses"] for row in rolled.rows)


def test_objections_read_the_same_stages_from_the_rollup(world, rep, monkeypatch):
    from content.reports.objections import objections_report

    UsageFactory(
        asset=world["objection"],
        deal=world["open"][0],
        user=rep,
        action=UsageAction.HEARD,
        used_at=at(datetime.date(2026, 3, 2)),
    )  # no stage logged
    for params in ({}, {"stage": world["evaluating"].slug}, {"source": "logged"}, {"start": "2026-02-01"}):
        filters = ReportFilters.from_params({**PERIOD, **params})
        with monkeypatch.context() as patch:
            patch.setattr(scope, "rollup_answers", lambda *args, **kwargs: False)
            raw = objections_report(filters)
        rolled = objections_report(filters)
        assert report_figures(rolled) == report_figures(raw), params
    assert [row["stage"] for row in rolled.tables[0].rows] == ["Evaluating", "(no stage logged)"]


def spanning_pairs(world, rep):
    """Pairs whose uses lie on both sides of a period (START..END): one with a use inside it too,
    one without, and a pair used only before it and one only after it."""
    inside, outside = AssetFactory(title="Inside"), AssetFactory(title="Outside")
    deal, later = world["open"][0], world["open"][1]
    before, after = START - datetime.timedelta(days=3), END + datetime.timedelta(days=3)
    for asset in (inside, outside):
        for day in (before, after):
            UsageFactory(asset=asset, deal=deal, user=rep, used_at=at(day))
    UsageFactory(asset=inside, deal=deal, user=rep, used_at=at(START + datetime.timedelta(days=5)))
    UsageFactory(asset=inside, deal=later, user=rep, used_at=at(after))
    UsageFactory(asset=outside, deal=later, user=rep, used_at=at(before))
    return inside, outside


def test_a_pair_counts_in_a_period_when_it_has_a_use_in_it(world, rep, monkeypatch):
    from content.reports.usage import page_people

    inside, outside = spanning_pairs(world, rep)
    filters = ReportFilters.from_params(PERIOD)
    assert scope.deal_pairs_answer(filters)
    pairs = set(scope.deal_pairs_in_period(filters).filter(asset__in=[inside, outside]).values_list("asset", "deal"))
    assert pairs == {(inside.pk, world["open"][0].pk)}
    uses = scope.usages(filters)
    rolled = page_people(filters, uses, [inside.pk, outside.pk])
    with monkeypatch.context() as patch:
        from_the_uses(patch)
        raw = page_people(filters, uses, [inside.pk, outside.pk])
    assert rolled == raw
    assert (rolled[inside.pk]["deals"], rolled[outside.pk]["deals"]) == (1, 0)


def test_the_usage_report_counts_deals_from_the_pairs_as_from_the_uses(world, rep, monkeypatch):
    spanning_pairs(world, rep)
    for params in ({}, {"kind": "one_pager"}, {"persona": world["buyer"].slug}, {"sort": "uses", "dir": "asc"}):
        filters = ReportFilters.from_params({**PERIOD, **params})
        raw, rolled = both_ways(filters, monkeypatch)
        assert report_figures(rolled) == report_figures(raw), params
    # Emptied, the pairs' rollup gives no deals: the page read them from it.
    UsageDeal.objects.all().delete()
    assert {row["deals"] for row in usage_report(ReportFilters.from_params(PERIOD)).rows} == {0}


def test_filters_the_pairs_cannot_answer(world, rep):
    assert scope.deal_pairs_answer(ReportFilters.from_params({**PERIOD, "competitor": world["rival"].slug}))
    for params in ({"stage": world["evaluating"].slug}, {"source": "logged"}, {"owner": rep.username}):
        filters = ReportFilters.from_params({**PERIOD, **params})
        assert not scope.deal_pairs_answer(filters), params
    # effectiveness filters the deal's owner and keeps each source's first use apart
    for params in ({"source": "buyer"}, {"owner": rep.username}):
        filters = ReportFilters.from_params({**PERIOD, **params})
        assert scope.deal_pairs_answer(filters, by_owner=False, by_source=False), params
    with timezone.override("Europe/Paris"):  # times, not days: any zone
        assert scope.deal_pairs_answer(ReportFilters.from_params(PERIOD))


def effectiveness_combinations(world, rep):
    kinds = ["", "battle_card"]
    stages = ["", world["evaluating"].slug]
    sources = ["", "logged", "buyer"]
    owners = ["", rep.username]
    deal_filters = [{}, {"persona": world["buyer"].slug}, {"competitor": world["rival"].slug}]
    for kind, stage, source, owner, deal_filter in itertools.product(kinds, stages, sources, owners, deal_filters):
        params = {**PERIOD, "kind": kind, "stage": stage, "source": source, "owner": owner, **deal_filter}
        yield {key: value for key, value in params.items() if value}


def test_effectiveness_reads_the_same_figures_from_the_pairs_for_every_filter(world, rep, monkeypatch):
    from content.reports.effectiveness import effectiveness_report

    won = world["won"]
    # a buyer's view before the close (supports), and one after it (does not)
    for deal, day in ((won[2], datetime.date(2026, 2, 1)), (won[3], datetime.date(2026, 2, 20))):
        Usage.objects.create(
            asset=world["case_a"], deal=deal, user=rep, action=UsageAction.BUYER_VIEWED, used_at=at(day)
        )
    # a deal whose buyer viewed the asset and a rep logged it too
    Usage.objects.create(
        asset=world["playbook"], deal=won[1], user=rep, action=UsageAction.BUYER_VIEWED, used_at=at(START)
    )
    compared = 0
    for params in effectiveness_combinations(world, rep):
        filters = ReportFilters.from_params(params)
        raw, rolled = both_ways(filters, monkeypatch, effectiveness_report)
        assert report_figures(rolled) == report_figures(raw), params
        compared += bool(raw.rows)
    assert compared > 20
    for sort in ("closed_deals", "buyer_view_deals", "influenced_revenue", "title"):
        filters = ReportFilters.from_params({**PERIOD, "sort": sort, "dir": "asc", "page_size": "1", "page": "2"})
        raw, rolled = both_ways(filters, monkeypatch, effectiveness_report)
        assert report_figures(rolled) == report_figures(raw), sort
    assert rolled.rows  # the comparison is of something


def test_effectiveness_reads_its_pairs_from_the_rollup(world):
    from content.reports.effectiveness import effectiveness_report

    filters = ReportFilters.from_params(PERIOD)
    assert effectiveness_report(filters).rows
    UsageDeal.objects.all().delete()
    assert effectiveness_report(filters).rows == []


def heard_reference(filters) -> list[dict]:
    """The objection entries' figures computed in Python from every use heard."""
    entries = {}
    for use in scope.usages(filters).filter(action=UsageAction.HEARD, asset__kind="objection"):
        entry = entries.setdefault(
            use.asset_id, {"asset_id": use.asset_id, "title": use.asset.title, "heard": 0, "deals": set(), "last": None}
        )
        entry["heard"] += 1
        entry["deals"].add(use.deal_id)
        entry["last"] = max(entry["last"] or use.used_at, use.used_at)
    return [
        {
            "asset_id": e["asset_id"],
            "title": e["title"],
            "heard": e["heard"],
            "deals": len(e["deals"]),
            "last_heard": e["last"],
        }
        for e in entries.values()
    ]


@pytest.mark.parametrize("sort", ["heard", "deals", "last_heard", "title", "asset_id"])
def test_objections_total_and_page_their_entries_in_one_pass(world, rep, other_rep, sort):
    from content.reports.objections import objections_report

    second = AssetFactory(title="Needs approval", kind="objection")
    third = AssetFactory(title="A rival is cheaper", kind="objection")
    for i, (entry, deal) in enumerate(
        [(second, world["won"][1]), (second, world["won"][1]), (third, world["lost"][1])]
    ):
        UsageFactory(
            asset=entry,
            deal=deal,
            user=other_rep,
            action=UsageAction.HEARD,
            used_at=at(START + datetime.timedelta(days=i)),
        )
    UsageFactory(asset=world["playbook"], deal=world["won"][2], user=rep, action=UsageAction.HEARD, used_at=at(START))
    filters = ReportFilters.from_params(PERIOD)
    reference = heard_reference(filters)
    assert len(reference) == 3
    heard = scope.usages(filters).filter(action=UsageAction.HEARD, asset__kind="objection")
    deals = heard.values("deal_id").distinct().count()
    assert deals == 4
    for direction in ("asc", "desc"):
        pages = []
        for page in (1, 2, 3, 4):
            params = {**PERIOD, "sort": sort, "dir": direction, "page_size": "1", "page": str(page)}
            report = objections_report(ReportFilters.from_params(params))
            assert report.totals["heard"] == sum(e["heard"] for e in reference)
            assert (report.totals["entries"], report.totals["deals"], report.row_count) == (3, deals, 3)
            pages += [
                {key: row[key] for key in ("asset_id", "title", "heard", "deals", "last_heard")} for row in report.rows
            ]
        assert sorted(pages, key=lambda e: e["asset_id"]) == sorted(reference, key=lambda e: e["asset_id"])
        assert [row["asset_id"] for row in pages] == [
            row["asset_id"] for row in expected_order(reference, sort, direction)
        ]


def expected_order(rows, sort, direction):
    """The report's order: the sorted column in the direction asked, ties by id ascending (by
    times heard descending when sorting by id)."""
    if sort == "asset_id":
        return sorted(rows, key=lambda e: e["asset_id"], reverse=direction == "desc")
    by_id = sorted(rows, key=lambda e: e["asset_id"])
    return sorted(by_id, key=lambda e: e[sort], reverse=direction == "desc")


@pytest.mark.parametrize("sort", ["reps", "deals"])
def test_a_ranking_by_reps_or_deals_reads_their_rollup_as_the_uses_would(world, rep, other_rep, monkeypatch, sort):
    spanning_pairs(world, rep)
    UsageFactory(asset=world["shelf"], deal=world["won"][1], user=other_rep, used_at=at(START))
    for params in ({}, {"owner": rep.username}, {"kind": "battle_card"}, {"persona": world["buyer"].slug}):
        for direction, page in (("desc", "1"), ("desc", "2"), ("asc", "1")):
            filters = ReportFilters.from_params(
                {**PERIOD, **params, "sort": sort, "dir": direction, "page_size": "2", "page": page}
            )
            raw, rolled = both_ways(filters, monkeypatch)
            assert report_figures(rolled) == report_figures(raw), (params, direction, page)
    ranked = usage_report(ReportFilters.from_params({**PERIOD, "sort": sort}))
    assert [row[sort] for row in ranked.rows] == sorted((row[sort] for row in ranked.rows), reverse=True)
    assert len(ranked.rows) == ranked.totals["assets"] > 3


def test_a_ranking_by_deals_runs_the_same_number_of_queries_at_two_data_sizes(world, rep):
    # the ranking; the page's uses; the page's reps (its deals came with the ranking); then as above = 8
    filters = ReportFilters.from_params({**PERIOD, "sort": "deals"})
    small = count_report_queries(filters)
    for i in range(30):
        UsageFactory(asset=AssetFactory(), deal=DealFactory(owner=rep), user=rep, used_at=at(START, 8 + i % 12))
    assert count_report_queries(filters) == small == 8
