"""A text search's ranking is kept until the library changes (content/search/snapshots.py): a
repeated search skips the ranking, and every write that can change a result shows at once."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import AssetKind, AssetStatus, Usage
from content.search import SearchParams, run_search
from content.support import refresh_support

from .factories import DealFactory, UsageFactory
from .search_helpers import make_asset

pytestmark = pytest.mark.django_db


def search(user, q, **params):
    result = run_search(user=user, params=SearchParams(q=q, **params))
    return [asset.title for asset in result.assets[:20]], result


def queries_of(user, q, **params):
    with CaptureQueriesContext(connection) as ctx:
        titles, _ = search(user, q, **params)
    return titles, len(ctx.captured_queries)


def test_a_repeated_search_skips_the_ranking_and_finds_the_same(rep):
    make_asset(title="Pricing objection answer", body="When they say we are too expensive.")
    make_asset(title="Pricing sheet", body="List prices per seat.")
    make_asset(title="Security review", body="SOC 2 report.")
    search(rep, "security", mode="keyword")  # the rep's roles, read once per user object
    first, ranked = queries_of(rep, "pricing", mode="keyword")
    again, kept = queries_of(rep, "pricing", mode="keyword")
    assert again == first and len(first) == 2
    assert kept < ranked
    _, result = search(rep, "pricing", mode="keyword")
    assert result.match_count == 2 and not result.partial_match


def test_another_query_filter_or_mode_is_ranked_on_its_own(rep):
    make_asset(title="Pricing objection answer", body="Too expensive.", kind="objection")
    make_asset(title="Pricing sheet", body="List prices.", kind="one_pager")
    assert search(rep, "pricing", mode="keyword")[0] != search(rep, "pricing", kind="objection", mode="keyword")[0]
    assert search(rep, "pricing", kind="objection", mode="keyword")[0] == ["Pricing objection answer"]
    assert search(rep, "security", mode="keyword")[0] == []


def test_a_new_published_asset_shows_at_once(rep):
    make_asset(title="Pricing sheet", body="List prices.")
    assert search(rep, "pricing", mode="keyword")[0] == ["Pricing sheet"]
    make_asset(title="Pricing objection answer", body="Too expensive.")
    assert set(search(rep, "pricing", mode="keyword")[0]) == {"Pricing sheet", "Pricing objection answer"}


def test_an_unpublished_or_edited_asset_leaves_at_once(rep):
    sheet = make_asset(title="Pricing sheet", body="List prices.")
    card = make_asset(title="Pricing card", body="Prices against Globex.")
    assert set(search(rep, "pricing", mode="keyword")[0]) == {"Pricing sheet", "Pricing card"}
    sheet.status = AssetStatus.ARCHIVED
    sheet.save(update_fields=["status"])
    card.title, card.body = "Battle card", "Against Globex."
    card.save()
    assert search(rep, "pricing", mode="keyword")[0] == []


def test_roles_that_see_different_assets_never_share_a_ranking(rep, marketer):
    make_asset(title="Pricing sheet", body="List prices.")
    make_asset(title="Pricing draft", body="New prices.", status=AssetStatus.DRAFT)
    assert set(search(marketer, "pricing", mode="keyword")[0]) == {"Pricing draft", "Pricing sheet"}
    assert search(rep, "pricing", mode="keyword")[0] == ["Pricing sheet"]


def test_an_asset_that_expires_leaves_a_kept_ranking_at_once(rep):
    sheet = make_asset(title="Pricing sheet", body="List prices.")
    make_asset(title="Pricing card", body="Prices.")
    assert len(search(rep, "pricing", mode="keyword")[0]) == 2
    # a write no signal sees: the page still reads its assets through the rep's visibility rule
    type(sheet).objects.filter(pk=sheet.pk).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert search(rep, "pricing", mode="keyword")[0] == ["Pricing card"]


def test_won_deal_support_moves_a_kept_ranking(rep):
    plain = make_asset(title="Pricing sheet one", body="List prices.")
    proven = make_asset(title="Pricing sheet two", body="List prices.")
    before = search(rep, "pricing", mode="keyword")[0]
    first = before[0]
    lifted = proven if first == plain.title else plain
    for _ in range(3):
        deal = DealFactory(status="won", close_date=timezone.localdate(), amount=Decimal("1000"))
        UsageFactory(asset=lifted, deal=deal, user=rep, used_at=timezone.now() - datetime.timedelta(days=1))
    refresh_support([lifted.pk])
    assert search(rep, "pricing", mode="keyword")[0][0] == lifted.title


def test_logging_a_use_keeps_the_ranking_and_shows_the_new_count(rep):
    sheet = make_asset(title="Pricing sheet", body="List prices.")
    search(rep, "pricing", mode="keyword")
    UsageFactory(asset=sheet, deal=DealFactory(), user=rep)
    refresh_support([sheet.pk])  # uses only: no won deal moved
    titles, kept = queries_of(rep, "pricing", mode="keyword")
    assert titles == ["Pricing sheet"]
    _, result = search(rep, "pricing", mode="keyword")
    assert result.assets[:1][0].usage_count == Usage.objects.filter(asset=sheet).count() == 1


def test_keeping_can_be_turned_off(rep, settings):
    settings.SEARCH_CACHE_SECONDS = 0
    make_asset(title="Pricing sheet", body="List prices.")
    search(rep, "security", mode="keyword")  # the rep's roles, read once per user object
    _, ranked = queries_of(rep, "pricing", mode="keyword")
    _, again = queries_of(rep, "pricing", mode="keyword")
    assert again == ranked


def test_a_kept_ranking_builds_the_visible_assets_query_only_when_asked(rep, monkeypatch):
    """A kept ranking's page is read by its ids (the API's page stamps): the queryset of the assets
    the user may see is built only when something reads through it, and then reads only those."""
    from content.search import snapshots

    make_asset(title="Pricing sheet", body="List prices per seat.")
    hidden = make_asset(title="Pricing draft", status=AssetStatus.DRAFT)
    search(rep, "pricing", mode="keyword")  # ranked and kept
    built = []
    real = snapshots.visible_assets
    monkeypatch.setattr(snapshots, "visible_assets", lambda user: built.append(user) or real(user))
    result = run_search(user=rep, params=SearchParams(q="pricing", mode="keyword"))
    ranked = result.assets.select_related("owner")
    assert built == [] and ranked.count() == 1
    assert list(ranked.unranked.filter(pk=hidden.pk)) == [] and built == [rep]


def test_an_asset_released_at_a_set_time_joins_a_kept_ranking_then(rep, settings, monkeypatch):
    """A kept ranking lasts until the next scheduled release, not only until the library changes:
    from its release time the asset is found, however long rankings are kept."""
    settings.SEARCH_CACHE_SECONDS = 86_400
    make_asset(title="Pricing sheet", body="List prices per seat.")
    make_asset(
        title="Pricing calculator",
        body="Prices for the new plans.",
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert search(rep, "pricing", mode="keyword")[0] == ["Pricing sheet"]
    assert search(rep, "pricing", mode="keyword")[0] == ["Pricing sheet"]  # kept
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=2))
    assert sorted(search(rep, "pricing", mode="keyword")[0]) == ["Pricing calculator", "Pricing sheet"]


def test_without_a_scheduled_release_a_ranking_is_kept_for_the_whole_time(rep, settings, monkeypatch):
    settings.SEARCH_CACHE_SECONDS = 86_400
    make_asset(
        title="Pricing sheet", body="List prices per seat.", published_at=timezone.now() - datetime.timedelta(days=10)
    )
    noon = datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(12))
    moment = {"now": timezone.make_aware(noon)}  # a day of its own: no midnight in between
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    ranked = queries_of(rep, "pricing", mode="keyword")
    moment["now"] += datetime.timedelta(minutes=30)
    kept = queries_of(rep, "pricing", mode="keyword")
    assert kept[0] == ranked[0] == ["Pricing sheet"] and kept[1] < ranked[1]


def test_the_next_release_is_sought_in_its_index_not_read_from_every_published_asset(rep):
    """`next_release` runs on every search that is not kept: MIN(published_at) over the published
    assets still ahead, sought in the library's index on (status, kind, published_at), kind by kind,
    instead of reading every published asset."""
    from content.models import Asset

    soon, later = timezone.now() + datetime.timedelta(hours=1), timezone.now() + datetime.timedelta(days=3)
    for moment in (later, soon, timezone.now() - datetime.timedelta(days=1)):
        make_asset(title=f"Release {moment:%j%H}", body="Prices.", published_at=moment)
    make_asset(
        title="Draft",
        body="Prices.",
        status=AssetStatus.DRAFT,
        published_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    with CaptureQueriesContext(connection) as ctx:
        assert Asset.objects.next_release() == soon
    (query,) = ctx.captured_queries
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "INDEX asset_status_kind_pub (status=? AND kind=? AND published_at>?)" in plan, plan
        else:
            # PostgreSQL's planner goes by the table's statistics: a library of some size, analysed
            template, past = Asset.objects.get(title="Draft"), timezone.now() - datetime.timedelta(days=30)
            Asset.objects.bulk_create(
                Asset(
                    **{
                        **_fields(template),
                        "title": f"Old {n}",
                        "status": AssetStatus.PUBLISHED,
                        "kind": kind,
                        "published_at": past,
                    }
                )
                for n in range(3000)
                for kind in [AssetKind.values[n % len(AssetKind.values)]]
            )
            cursor.execute("ANALYZE content_asset")
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "asset_status_kind_pub" in plan, plan
            sought = plan.split("Index Cond")[1].split("\n")[0]  # each kind's releases ahead: a range
            assert "kind" in sought and "published_at >" in sought, plan


def _fields(asset) -> dict:
    return {f.attname: getattr(asset, f.attname) for f in asset._meta.concrete_fields if not f.primary_key}
