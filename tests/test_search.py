"""Search behaviour, one shared class run on whichever database is active (CI runs both): the
same queries must find the same assets, best first, on PostgreSQL and SQLite."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import Asset, Persona
from content.permissions import visible_assets
from content.search import SearchParams, facet_counts, rebuild_index, run_search, search_assets
from content.search.query import parse
from content.search.ranking import blend

from .search_helpers import corpus, make_asset


def titles(user, q="", **filters):
    return [a.title for a in search_assets(user=user, params=SearchParams(q=q, **filters))]


def keys(found, library):
    by_title = {asset.title: key for key, asset in library.items()}
    return [by_title[title] for title in found]


@pytest.fixture
def library(db):
    return corpus()


@pytest.mark.django_db
class TestSearchOnTheActiveDatabase:
    def test_it_stems_so_pricing_finds_priced(self, rep, db):
        make_asset(title="Plan overview", body="Globex priced their plan low.")
        make_asset(title="Unrelated", body="Nothing about money.")
        assert titles(rep, "pricing ") == ["Plan overview"]

    def test_a_quoted_phrase_needs_the_words_together(self, rep, library):
        found = keys(titles(rep, '"security review"'), library)
        assert set(found) == {"objection", "security"}
        assert "review_of" not in found

    def test_a_minus_excludes_a_word(self, rep, library):
        found = keys(titles(rep, "pricing -globex "), library)
        assert found == ["objection"]

    def test_a_query_of_only_exclusions_returns_everything_else(self, rep, library):
        found = set(keys(titles(rep, "-pricing"), library))
        assert found == {"security", "initech", "review_of"}

    def test_or_finds_either_word(self, rep, library):
        found = set(keys(titles(rep, "globex or initech "), library))
        assert found == {"pricing_card", "initech"}

    @pytest.mark.parametrize(("query", "expected"), [("batle card", "pricing_card"), ("pricng objection", "objection")])
    def test_a_typo_still_finds_the_asset(self, rep, library, query, expected):
        result = run_search(user=rep, params=SearchParams(q=query))
        assert keys([a.title for a in result.assets], library)[0] == expected
        assert result.typo_matched
        assert result.corrected_query == {"batle card": "battle card", "pricng objection": "pricing objection"}[query]

    def test_a_misspelt_body_word_is_corrected_against_the_words_of_the_library(self, rep, db):
        make_asset(title="Rollout guide", body="Our implementation plan takes six weeks.")
        make_asset(title="Pricing sheet", body="List prices.")
        result = run_search(user=rep, params=SearchParams(q="implmentation plan "))
        assert [a.title for a in result.assets] == ["Rollout guide"]
        assert (result.typo_matched, result.corrected_query) == (True, "implementation plan")

    def test_the_word_dictionary_follows_new_assets_and_a_rebuild(self, rep, db):
        assert run_search(user=rep, params=SearchParams(q="zepelin ")).corrected_query == ""
        asset = make_asset(title="Zeppelin case study")
        assert run_search(user=rep, params=SearchParams(q="zepelin ")).corrected_query == "zeppelin"
        asset.title = "Airship case study"
        asset.save()
        rebuild_index()
        assert run_search(user=rep, params=SearchParams(q="zepelin ")).corrected_query == ""
        assert run_search(user=rep, params=SearchParams(q="airshp ")).corrected_query == "airship"

    def test_a_correction_keeps_the_query_syntax(self):
        from content.search import correct

        fixes = {"batle": "battle", "pricng": "pricing"}
        assert correct('"Batle card" -globex or pricng ', fixes) == '"battle card" -globex or pricing '

    def test_a_word_the_library_contains_is_never_corrected(self, rep, db):
        make_asset(title="Pricing sheet", body="Pricng is a typo in this body.")
        result = run_search(user=rep, params=SearchParams(q="pricing tariff "))
        assert result.corrected_query == ""

    def test_the_word_being_typed_matches_as_a_prefix(self, rep, library):
        assert set(keys(titles(rep, "onboar"), library)) == {"initech"}
        assert "objection" in keys(titles(rep, "pricing obje"), library)

    def test_a_finished_word_is_not_a_prefix(self, rep, db):
        make_asset(title="Card sorting")
        make_asset(title="Cardinal rules")
        assert titles(rep, "card ") == ["Card sorting"]
        assert sorted(titles(rep, "card")) == ["Card sorting", "Cardinal rules"]

    def test_a_title_match_ranks_above_a_body_match(self, rep, db):
        make_asset(title="Implementation notes", body="Everything about onboarding customers.")
        make_asset(title="Onboarding guide", body="Steps and owners.")
        make_asset(title="Filler", body="Unrelated words.")
        assert titles(rep, "onboarding ") == ["Onboarding guide", "Implementation notes"]

    def test_tag_persona_and_competitor_names_are_searchable(self, rep, library):
        assert keys(titles(rep, "telecom "), library) == ["security"]
        assert keys(titles(rep, "initech "), library) == ["initech"]
        assert set(keys(titles(rep, "technical evaluator "), library)) == {"security"}

    def test_stop_words_alone_do_not_filter(self, rep, library):
        assert len(titles(rep, "the ")) == 5

    def test_filters_combine_with_the_query(self, rep, library):
        assert keys(titles(rep, "pricing ", kind="objection"), library) == ["objection"]
        assert keys(titles(rep, "pricing ", competitor="globex"), library) == ["pricing_card"]
        assert set(keys(titles(rep, "", stage="evaluating"), library)) == {"pricing_card", "objection", "initech"}
        assert keys(titles(rep, "", tag="telecom"), library) == ["security"]
        assert keys(titles(rep, "", persona="technical-evaluator"), library) == ["security"]

    def test_a_rep_never_finds_drafts_future_or_expired_assets(self, rep, library):
        found = set(keys(titles(rep, "pricing "), library))
        assert found == {"pricing_card", "objection"}
        assert not {"draft", "future", "expired"} & set(keys(titles(rep, ""), library))

    def test_a_marketer_also_finds_drafts_and_can_filter_by_status(self, marketer, library):
        assert "draft" in keys(titles(marketer, "pricing "), library)
        assert keys(titles(marketer, "pricing ", status="draft"), library) == ["draft"]

    def test_orderings_sort_by_date_usage_and_support(self, rep, db):
        now = timezone.now()
        old = make_asset(title="Old pricing sheet", published_at=now - datetime.timedelta(days=50))
        new = make_asset(title="New pricing sheet", published_at=now - datetime.timedelta(days=1))
        Asset.objects.filter(pk=old.pk).update(usage_count=9, won_deal_count=1)
        Asset.objects.filter(pk=new.pk).update(usage_count=2, won_deal_count=4)
        assert titles(rep, "pricing ", ordering="newest") == ["New pricing sheet", "Old pricing sheet"]
        assert titles(rep, "pricing ", ordering="most_used") == ["Old pricing sheet", "New pricing sheet"]
        assert titles(rep, "pricing ", ordering="best_support") == ["New pricing sheet", "Old pricing sheet"]


@pytest.mark.django_db
class TestRankingBlend:
    def test_won_deal_support_lifts_an_otherwise_equal_match(self, rep):
        plain = make_asset(title="Renewal playbook A", body="Same words.")
        proven = make_asset(title="Renewal playbook B", body="Same words.")
        Asset.objects.filter(pk=proven.pk).update(won_deal_count=6)
        assert titles(rep, "renewal playbook ") == [proven.title, plain.title]

    def test_a_stale_asset_ranks_below_an_equal_fresh_one(self, rep):
        stale = make_asset(title="Renewal playbook A", body="Same words.")
        fresh = make_asset(title="Renewal playbook B", body="Same words.")
        Asset.objects.filter(pk=stale.pk).update(
            won_deal_count=3, review_by=timezone.localdate() - datetime.timedelta(days=1)
        )
        Asset.objects.filter(pk=fresh.pk).update(won_deal_count=3)
        assert titles(rep, "renewal playbook ") == [fresh.title, stale.title]

    def test_without_a_query_proven_fresh_assets_come_first(self, rep):
        make_asset(title="Unused")
        proven = make_asset(title="Proven")
        Asset.objects.filter(pk=proven.pk).update(won_deal_count=2)
        assert titles(rep)[0] == "Proven"

    def test_an_expired_asset_ranks_below_a_stale_one_even_with_more_support(self, marketer):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        expired = make_asset(title="Renewal playbook A", body="Same words.")
        stale = make_asset(title="Renewal playbook B", body="Same words.")
        fresh = make_asset(title="Renewal playbook C", body="Same words.")
        Asset.objects.filter(pk=expired.pk).update(won_deal_count=40, expires_on=yesterday)
        Asset.objects.filter(pk=stale.pk).update(won_deal_count=3, review_by=yesterday)
        Asset.objects.filter(pk=fresh.pk).update(won_deal_count=3)
        # marketers see expired assets (reps never do); stale is still approved, so only a tie goes to fresh
        assert titles(marketer, "renewal playbook ") == [fresh.title, stale.title, expired.title]
        assert titles(marketer)[-1] == expired.title

    def test_a_well_supported_stale_asset_still_outranks_a_fresh_one(self, rep):
        stale = make_asset(title="Renewal playbook A", body="Same words.")
        fresh = make_asset(title="Renewal playbook B", body="Same words.")
        Asset.objects.filter(pk=stale.pk).update(
            won_deal_count=5, review_by=timezone.localdate() - datetime.timedelta(days=1)
        )
        assert titles(rep, "renewal playbook ") == [stale.title, fresh.title]

    def test_the_blend_has_diminishing_returns_and_demotes_expired_more_than_stale(self):
        assert blend(1.0, won_deal_count=0, stale=False) == 1.0
        assert blend(1.0, won_deal_count=5, stale=False) == pytest.approx(1.25)
        assert blend(1.0, won_deal_count=1000, stale=False) < 1.5
        assert blend(1.0, won_deal_count=0, stale=True) == pytest.approx(0.95)
        assert blend(1.0, won_deal_count=0, stale=True, expired=True) == pytest.approx(0.25)
        # an expired asset loses to a stale one however proven it is
        assert blend(1.0, won_deal_count=1000, stale=False, expired=True) < blend(1.0, won_deal_count=0, stale=True)
        # a much better text match beats a famous asset with a weak match
        assert blend(1.0, won_deal_count=0, stale=False) > blend(0.6, won_deal_count=1000, stale=False)


@pytest.mark.django_db
class TestTheIndexStaysInStep:
    def test_an_edited_title_is_found_by_its_new_words_only(self, rep):
        asset = make_asset(title="Quarterly roadmap")
        asset.title = "Annual roadmap"
        asset.save()
        assert titles(rep, "annual ") == ["Annual roadmap"]
        assert titles(rep, "quarterly ") == []

    def test_a_tag_added_or_removed_changes_what_finds_the_asset(self, rep):
        asset = make_asset(title="Plain sheet")
        asset.tags.add("telecom")
        assert titles(rep, "telecom ") == ["Plain sheet"]
        asset.tags.remove("telecom")
        assert titles(rep, "telecom ") == []

    def test_personas_changed_from_either_side_are_indexed(self, rep):
        asset = make_asset(title="Plain sheet")
        persona = Persona.objects.get(slug="operations-lead")
        persona.assets.add(asset)
        assert titles(rep, "operations lead ") == ["Plain sheet"]
        persona.assets.clear()
        assert titles(rep, "operations lead ") == []

    def test_a_renamed_persona_is_found_by_its_new_name(self, rep):
        make_asset(title="Plain sheet", personas=["operations-lead"])
        persona = Persona.objects.get(slug="operations-lead")
        persona.name = "Logistics director"
        persona.save()
        assert titles(rep, "logistics director ") == ["Plain sheet"]

    def test_a_deleted_asset_leaves_the_index(self, rep):
        asset = make_asset(title="Short lived")
        pk = asset.pk
        asset.delete()
        assert titles(rep, "short lived ") == []
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT count(*) FROM content_asset_fts WHERE rowid = %s", [pk])
                assert cursor.fetchone()[0] == 0

    def test_bulk_updates_of_status_dates_and_support_are_searched_at_once(self, rep):
        first = make_asset(title="Pricing sheet one", body="Same words.")
        second = make_asset(title="Pricing sheet two", body="Same words.")
        # equal text: the more recent wins the tie, until support says otherwise
        assert titles(rep, "pricing ") == ["Pricing sheet two", "Pricing sheet one"]
        Asset.objects.filter(pk=first.pk).update(won_deal_count=12)
        assert titles(rep, "pricing ") == ["Pricing sheet one", "Pricing sheet two"]
        overdue = timezone.localdate() - datetime.timedelta(days=1)
        # needs review and no support left: the ×0.95 of a stale asset loses the tie
        Asset.objects.filter(pk=first.pk).update(review_by=overdue, won_deal_count=0)
        assert titles(rep, "pricing ") == ["Pricing sheet two", "Pricing sheet one"]
        Asset.objects.filter(pk=first.pk).update(status="draft")
        assert titles(rep, "pricing ") == ["Pricing sheet two"]
        Asset.objects.filter(pk=second.pk).update(published_at=timezone.now() + datetime.timedelta(days=3))
        assert titles(rep, "pricing ") == []
        Asset.objects.filter(pk=second.pk).update(published_at=timezone.now(), kind="case_study")
        assert titles(rep, "pricing ", kind="case_study") == ["Pricing sheet two"]
        Asset.objects.filter(pk=second.pk).delete()
        assert titles(rep, "pricing ") == []
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT asset_id, status, won_deal_count, review_by FROM content_asset_search ORDER BY asset_id"
                )
                assert cursor.fetchall() == [(first.pk, "draft", 0, overdue)]

    def test_stage_persona_and_competitor_filters_follow_every_change(self, rep):
        from content.models import Competitor, FunnelStage

        asset = make_asset(title="Plain sheet")
        evaluating = FunnelStage.objects.get(slug="evaluating")
        assert titles(rep, "plain ", stage="evaluating") == []
        asset.stages.add(evaluating)
        assert titles(rep, "plain ", stage="evaluating") == ["Plain sheet"]
        evaluating.assets.remove(asset)  # from the stage's side
        assert titles(rep, "plain ", stage="evaluating") == []
        asset.personas.add(Persona.objects.get(slug="economic-buyer"))
        rival = Competitor.objects.create(name="Hooli")
        rival.assets.add(asset)
        assert titles(rep, "plain ", persona="economic-buyer", competitor="hooli") == ["Plain sheet"]
        assert titles(rep, "", persona="economic-buyer", competitor="hooli") == ["Plain sheet"]
        rival.delete()
        assert titles(rep, "plain ", competitor="hooli") == []
        assert titles(rep, "plain ", stage="no-such-stage") == []
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT stage_ids, persona_ids, competitor_ids FROM content_asset_search WHERE asset_id = %s",
                    [asset.pk],
                )
                assert cursor.fetchone() == ([], [Persona.objects.get(slug="economic-buyer").pk], [])

    def test_rebuild_index_restores_a_lost_index(self, rep):
        make_asset(title="Rebuilt sheet")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("UPDATE content_asset_search SET search_vector = NULL")
            else:
                cursor.execute("DELETE FROM content_asset_fts")
        # lost from the full-text index: only the typo fallback over titles still finds it
        assert run_search(user=rep, params=SearchParams(q="rebuilt ")).typo_matched
        rebuild_index()
        result = run_search(user=rep, params=SearchParams(q="rebuilt "))
        assert not result.typo_matched
        assert [a.title for a in result.assets] == ["Rebuilt sheet"]


@pytest.mark.django_db
class TestFacets:
    def test_counts_respect_the_query_and_the_other_filters(self, rep, library):
        result = run_search(user=rep, params=SearchParams(q="pricing ", stage="evaluating"))
        facets = facet_counts(result, user=rep)
        assert {f["value"]: f["count"] for f in facets["kind"]} == {"battle_card": 1, "objection": 1}
        assert {f["value"]: f["count"] for f in facets["competitor"]} == {"globex": 1}
        assert {f["value"]: f["count"] for f in facets["persona"]} == {"economic-buyer": 2}

    def test_a_facet_does_not_narrow_its_own_counts(self, rep, library):
        result = run_search(user=rep, params=SearchParams(kind="objection"))
        kinds = {f["value"]: (f["count"], f["active"]) for f in facet_counts(result, user=rep)["kind"]}
        assert kinds["objection"] == (1, True)
        assert kinds["case_study"] == (1, False)

    def test_a_rep_never_counts_unreleased_assets(self, rep, marketer, library):
        rep_stage = {
            f["value"]: f["count"] for f in facet_counts(run_search(user=rep, params=SearchParams()), user=rep)["stage"]
        }
        assert rep_stage["evaluating"] == 3
        assert "status" not in facet_counts(run_search(user=rep, params=SearchParams()), user=rep)
        marketer_facets = facet_counts(run_search(user=marketer, params=SearchParams()), user=marketer)
        assert {f["value"]: f["count"] for f in marketer_facets["stage"]}["evaluating"] == 6
        assert {f["value"]: f["count"] for f in marketer_facets["status"]} == {"draft": 1, "published": 7}


class TestQueryParsing:
    def test_it_reads_phrases_exclusions_or_and_the_word_being_typed(self):
        parsed = parse('"security review" -legacy globex or initech')
        assert [c.words for c in parsed.clauses] == [("security", "review"), ("legacy",), ("globex",), ("initech",)]
        assert [c.excluded for c in parsed.clauses] == [False, True, False, False]
        assert parsed.clauses[-1].or_before
        assert parsed.typing == "initech"
        assert parse("initech ").typing == ""

    def test_a_hostile_query_is_just_words(self, rep, library):
        found = set(keys(titles(rep, 'pricing" OR 1=1; -- NEAR('), library))
        assert found <= {"pricing_card", "objection"}  # no error, nothing beyond what the words allow
        assert titles(rep, '"') == titles(rep, "")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ranked list of the PostgreSQL backend")
class TestRankedList:
    """A ranked list of assets (PostgreSQL): order kept, a slice reads only its ids, other filters
    and combinations fall back to ordinary SQL."""

    @pytest.fixture
    def ranked(self):
        from content.search.paging import RankedAssets

        assets = [make_asset(title=f"Pricing sheet {i}", kind="one_pager" if i % 2 else "deck") for i in range(6)]
        order = [assets[i].pk for i in (3, 0, 5, 1, 4, 2)]
        return RankedAssets.of(Asset, order), order, assets

    def test_it_keeps_the_ranked_order_whole_and_in_slices(self, ranked):
        queryset, order, _ = ranked
        assert [a.pk for a in queryset] == order
        assert [a.pk for a in queryset[1:4]] == order[1:4]
        assert [a.pk for a in queryset.all()] == order  # slicing left the whole list as it was
        assert (queryset.count(), queryset.exists()) == (6, True)

    def test_a_filter_after_ranking_keeps_the_order_of_what_passes(self, ranked):
        queryset, order, assets = ranked
        decks = {a.pk for a in assets if a.kind == "deck"}
        filtered = queryset.filter(kind="deck")
        assert [a.pk for a in filtered[:2]] == [pk for pk in order if pk in decks][:2]
        assert filtered.count() == len(decks)

    def test_a_list_combined_with_or_still_slices_correctly(self, ranked):
        queryset, order, _ = ranked
        other = make_asset(title="Onboarding plan")
        combined = queryset | Asset.objects.filter(pk=other.pk)
        assert {a.pk for a in combined[:10]} == {*order, other.pk}
        assert [a.pk for a in combined[:6]] == order
        assert combined.count() == 7

    def test_loading_options_keep_the_ranked_list_and_a_page_reads_only_its_ids(self, ranked):
        queryset, order, _ = ranked
        listed = queryset.select_related("owner").prefetch_related("tags").defer("file_text")
        assert listed.count() == 6  # no query: the list knows its length
        with CaptureQueriesContext(connection) as ctx:
            page = list(listed[2:4])
            owners = {a.owner.username for a in page}
        # 1. the page's two assets with their owners, 2. their tags
        assert [a.pk for a in page] == order[2:4] and owners == {"owner"} and len(ctx) == 2
        id_lists = [{int(pk) for pk in ids.split(",")} for ids in re.findall(r"\{([\d,]+)\}", ctx[0]["sql"])]
        assert id_lists and all(ids == set(order[2:4]) for ids in id_lists)


def _plan(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the full-text join of the SQLite backend")
@pytest.mark.parametrize("q", ["pricing ", "nothingmatchesthis "])
@pytest.mark.parametrize("candidates", [1, 2000])
@pytest.mark.parametrize("listed", [5000, -1], ids=["few-supported", "many-supported"])
def test_sqlite_picks_the_candidates_without_reading_the_library(rep, library, q, candidates, listed, monkeypatch):
    # Probing the full-text table once per asset instead reads the whole library per search: SQLite
    # may choose it when the full-text rows are joined by their rowid, a minute at 100,000 assets.
    from content.search import sqlite

    monkeypatch.setattr(sqlite, "RANK_CANDIDATES", candidates)
    monkeypatch.setattr(sqlite, "COUNT_CAP", 0)
    monkeypatch.setattr(sqlite, "SUPPORTED_LISTED", listed)  # -1: more assets with support than listed
    make_asset(title="Pricing in renewals", won_deal_count=3)
    visible_assets(rep)  # the roles, read once
    with CaptureQueriesContext(connection) as ctx:
        assets = _sqlite_ranked(rep, q)
    plans = {_statement(query["sql"]): _plan(query["sql"], ()) for query in ctx.captured_queries}
    by_id = "SEARCH content_asset USING COVERING INDEX asset_search_columns (id=?"
    supported = "SCAN content_asset USING INDEX asset_supported"
    # 1. how many assets have support, counted on their partial index up to the limit
    assert supported in plans["supported"], plans
    candidates_plan = plans["candidates"]
    if listed > 0:
        # 2. the candidates in two parts: the supported matches (the full-text list walked keeping the
        # listed ids, each one's asset by id, sorted by support), then the newest without support:
        # the list walked from its highest id (FTS5's descending order, 192) and stopped, no sort
        first, _, second = " | ".join(candidates_plan).partition("UNION ALL")
        assert "SCAN content_asset_fts VIRTUAL TABLE INDEX 0:M5 | LIST SUBQUERY 1 | " + supported in first, plans
        assert by_id in first, plans
        assert "SCAN content_asset_fts VIRTUAL TABLE INDEX 192:M5 | " + by_id in second, plans
        assert "TEMP B-TREE" not in second, plans
    else:
        # 2. the candidates: the full-text list, each match's asset read by id from the narrow index,
        # the best by support kept in a top-N sort
        assert candidates_plan[0] == "SCAN content_asset_fts VIRTUAL TABLE INDEX 0:M5", plans
        assert candidates_plan[1].startswith(by_id), plans
    if "ranked" in plans:
        # 3. the candidates ranked: bm25 for the listed ones only, each one's asset by id
        assert plans["ranked"][:3] == [
            "SCAN content_asset_fts VIRTUAL TABLE INDEX 0:M5",
            "LIST SUBQUERY 1",
            "SCAN json_each VIRTUAL TABLE INDEX 1:",
        ], plans
        assert plans["ranked"][3].startswith(by_id), plans
    # no candidate: nothing to rank
    assert ("ranked" in plans) == bool(assets.ids) and len(plans) == len(ctx.captured_queries)
    # the only assets walked in order are those of the partial index of supported ones
    assert not any(
        step.startswith("SCAN content_asset ") and step != supported for plan in plans.values() for step in plan
    )
    # a page reads its assets by primary key, without the full-text table
    if assets.ids:
        page_sql, page_params = assets[:20].query.sql_with_params()
        assert all("content_asset_fts" not in step for step in _plan(page_sql, page_params))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the candidates of the SQLite backend")
@pytest.mark.parametrize("listed", [5000, -1], ids=["few-supported", "many-supported"])
def test_sqlite_candidates_are_the_same_whichever_way_they_are_picked(rep, listed, monkeypatch):
    # Support first, the newest first among equals, after visibility and filters: the rule of
    # ranking.RANK_CANDIDATES, whether the supported matches are listed or found among every match.
    from content.search import sqlite

    monkeypatch.setattr(sqlite, "RANK_CANDIDATES", 5)
    monkeypatch.setattr(sqlite, "SUPPORTED_LISTED", listed)
    made = {}
    for name, won, kind in (
        ("old-two", 2, "one_pager"),
        ("one", 1, "one_pager"),
        ("none-a", 0, "one_pager"),
        ("new-two", 2, "one_pager"),
        ("none-b", 0, "one_pager"),
        ("case", 7, "case_study"),
        ("none-c", 0, "one_pager"),
        ("none-d", 0, "one_pager"),
    ):
        made[name] = make_asset(title=f"Pricing {name}", kind=kind, customer="Hooli", won_deal_count=won)
    make_asset(title="Pricing draft", won_deal_count=9, status="draft")  # a rep never sees it
    make_asset(title="Renewals", won_deal_count=5)  # no match
    rows = visible_assets(rep, sqlite.search_rows()).filter(kind="one_pager")
    few_supported, _ = sqlite._search_facts("")
    ids = sqlite._candidates(rows, sqlite.fts_query(parse("pricing ")), few_supported=few_supported)
    assert ids == [made[name].pk for name in ("new-two", "old-two", "one", "none-d", "none-c")]


@pytest.mark.django_db
class TestTheMostSupportedMatchesAreRanked:
    """Only RANK_CANDIDATES matches are ranked by text: the most supported, the newest among equals,
    on both databases, picked after visibility and filters; a pinned match is ranked too."""

    @pytest.fixture
    def bounded(self, monkeypatch):
        from content.search.indexing import backend

        monkeypatch.setattr(backend(), "RANK_CANDIDATES", 2)
        monkeypatch.setattr(backend(), "COUNT_CAP", 1)

    @pytest.fixture
    def sheets(self, db):
        # "pricing" three times in the title: the best by text, without support; then two weak
        # matches (once in the body), one with support and one newer than every best one
        best = [make_asset(title=f"Pricing pricing pricing {i}", won_deal_count=0) for i in range(3)]
        supported = make_asset(
            title="Renewals", body="A word on pricing.", kind="case_study", customer="Hooli", won_deal_count=2
        )
        newest = make_asset(title="Forecasts", body="A word on pricing.", won_deal_count=0)
        return best, supported, newest

    def _ranked(self, user, q, **kwargs):
        from content.search.indexing import backend

        rows = visible_assets(user, backend().search_rows())
        return backend().ranked(rows, parse(q), timezone.localdate(), "relevance", **kwargs)

    def test_a_broad_search_ranks_the_most_supported_then_the_newest_matches(self, rep, sheets, bounded):
        best, supported, newest = sheets
        ranked, count = self._ranked(rep, "pricing ")
        # the supported one, then the newest without support; the best by text were not candidates
        assert ranked.ids == [supported.pk, newest.pk] and count == 2

    def test_the_candidates_are_picked_after_the_filters(self, rep, sheets, bounded):
        best, _, _ = sheets
        result = run_search(user=rep, params=SearchParams(q="pricing", kind="one_pager", mode="keyword"))
        # the case study is filtered out before the pick: the newest matches of the kind fill it
        assert {a.pk for a in result.assets} <= {best[2].pk, sheets[2].pk} and result.match_count == 2

    def test_hidden_matches_are_not_candidates(self, rep, sheets, bounded):
        best, supported, newest = sheets
        Asset.objects.filter(pk__in=[supported.pk, newest.pk]).update(status="draft")  # hidden from reps
        ranked, _ = self._ranked(rep, "pricing ")
        assert ranked.ids == [best[2].pk, best[1].pk]

    def test_a_pinned_match_outside_the_candidates_comes_first(self, rep, sheets, bounded):
        from content.search.ranking import Boosts

        best, supported, newest = sheets
        ranked, count = self._ranked(rep, "pricing ", boosts=Boosts(pinned=(best[0].pk,)))
        # pinned first, then the blend of the candidates: a page of one and one more
        assert ranked.ids == [best[0].pk, supported.pk] and count == 2

    def test_the_count_is_exact_when_few_assets_match(self, rep, sheets, monkeypatch):
        from content.search.indexing import backend

        monkeypatch.setattr(backend(), "RANK_CANDIDATES", 1001)
        ranked, count = self._ranked(rep, "pricing ")
        # every match ranked: the best by text first, the weak ones last
        assert count == 5 and set(ranked.ids[:3]) == {a.pk for a in sheets[0]}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the candidates of the SQLite backend")
@pytest.mark.parametrize("weak_matches", [3, 30])
def test_a_search_reads_the_same_few_rows_whatever_the_number_of_matches(rep, weak_matches, monkeypatch):
    # Four candidates, a page of three plus one to tell there are more: however many assets match,
    # the statements return at most four ids each, and the last the blend's order of the four.
    from content.search import sqlite

    monkeypatch.setattr(sqlite, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(sqlite, "COUNT_CAP", 3)
    for i in range(weak_matches):  # once in the body, older and without support: never candidates
        make_asset(title=f"Renewals {i}", body="A word on pricing.", won_deal_count=0)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    best = {}  # "pricing" three times in the title, the same words each: the same relevance
    for name, won, review_by in (("none", 0, None), ("five", 5, None), ("fifty", 50, None), ("stale", 0, yesterday)):
        best[name] = make_asset(title="Pricing pricing pricing", won_deal_count=won)
        Asset.objects.filter(pk=best[name].pk).update(review_by=review_by)
    visible_assets(rep)  # the roles, read once
    with CaptureQueriesContext(connection) as ctx:
        ranked, count = sqlite.ranked(visible_assets(rep), parse("pricing "), timezone.localdate(), "relevance")
    # by the blend, by hand: 50 won deals × 1.45, 5 × 1.25, none × 1, review due × 0.95
    assert ranked.ids == [best[name].pk for name in ("fifty", "five", "none", "stale")]
    assert count == 4  # more than the cap of 3: shown as "3+"
    # how many assets have support (two) and whether "pricing" is a whole word, the candidates, then
    # the four ranked: no more rows leave the database
    assert len(ctx.captured_queries) == 3
    rows = []
    for query in ctx.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({query['sql']})")  # noqa: S608 - the captured statement
            rows.append(cursor.fetchone()[0])
    # the candidates: the two supported matches, and the four newest without support (the merge
    # keeps the first four); whatever the number of matches
    assert rows == [1, 6, 4]


@pytest.fixture
def typed_words(db):
    # "migration" (stem "migrat"), which no other term of the index extends; "time", which
    # "timeline" extends; a word with an accent; a word the tokenizer splits in two
    made = [
        make_asset(title="Data migration guide", body="Migrating data: migrations in a weekend."),
        make_asset(title="Migration checklist", body="Before the data moves.", won_deal_count=2),
        make_asset(title="Time to value", body="Value in weeks, not quarters."),
        make_asset(title="Implementation timeline", body="A timeline for a rollout, in time."),
        make_asset(title="Café rollout", body="Cafés and e-mail."),
        make_asset(title="Data room", body="What a data room holds."),
    ]
    return {asset.title: asset for asset in made}


def _words_with_stems():
    from content.search import sqlite

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word, stem FROM {sqlite.WORDS_TABLE}")  # noqa: S608
        return dict(cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the word stems of the SQLite backend")
def test_every_word_of_the_library_has_the_stem_the_index_holds_for_it(typed_words):
    from content.search import sqlite

    stems = _words_with_stems()
    assert stems["migration"] == stems["migrating"] == stems["migrations"] == "migrat"
    assert (stems["timeline"], stems["time"], stems["café"]) == ("timelin", "time", "cafe")
    # the index holds those terms: each stem matches its word's assets
    for word, stem in stems.items():
        if stem is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {sqlite.TERMS_TABLE} WHERE term = %s", [stem])  # noqa: S608
                assert cursor.fetchone()[0] == 1, word
    # a word saved later gets its stem as it is indexed, and a rebuild keeps them
    make_asset(title="Forecasting playbook")
    assert _words_with_stems()["forecasting"] == "forecast"
    rebuild_index()  # the dictionary made anew
    rebuilt = _words_with_stems()
    assert stems.items() <= rebuilt.items() and rebuilt["forecasting"] == "forecast"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the word stems of the SQLite backend")
def test_a_prefix_that_only_its_own_stem_starts_matches_what_the_whole_word_matches(typed_words):
    # The premise of matching a typed word whole: on this SQLite's FTS5, for every word of the
    # library that `_search_facts` calls whole, the prefix and the word match the same assets with
    # the same bm25; for the others (a stem some other term extends), the prefix matches more.
    from content.search import sqlite

    def matches(query):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, round({sqlite.RELEVANCE_SQL}, 9) FROM {sqlite.FTS_TABLE} "  # noqa: S608
                f"WHERE {sqlite.FTS_TABLE} MATCH %s ORDER BY rowid",
                [query],
            )
            return cursor.fetchall()

    whole = set()
    for word, stem in _words_with_stems().items():
        if sqlite._search_facts(word)[1]:
            whole.add(word)
            assert matches(f'"{word}"*') == matches(f'"{word}"') != [], word
        else:  # some other term starts with its stem
            with connection.cursor() as cursor:
                sql = f"SELECT term FROM {sqlite.TERMS_TABLE} WHERE term > %s AND term < %s"  # noqa: S608
                cursor.execute(sql, [stem, stem + "~"])
                assert cursor.fetchall(), word
    assert {"migration", "data", "timeline", "café"} <= whole and "time" not in whole
    # "time" as a prefix finds "timeline" too: the same two assets, the second ranked higher
    assert matches('"time"*') != matches('"time"')


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the word stems of the SQLite backend")
@pytest.mark.parametrize(
    "q, searched",
    [
        ("data migration", '"data" "migration"'),  # a word of the library no other term extends
        ("implementation time", '"implementation" "time"*'),  # "timeline" extends it
        ("data migra", '"data" "migra"*'),  # not a word of the library: still being typed
        ("data migration ", '"data" "migration"'),  # typed to its end (a space after it): no prefix
    ],
)
def test_a_word_being_typed_is_matched_whole_when_nothing_else_starts_like_it(rep, typed_words, q, searched):
    from content.search import sqlite

    visible_assets(rep)  # the roles, read once
    with CaptureQueriesContext(connection) as ctx:
        ranked, count = sqlite.ranked(visible_assets(rep), parse(q), timezone.localdate(), "relevance")
    assert len(ctx.captured_queries) == 3  # the facts (support and the typed word), candidates, ranking
    # the full-text queries run, as SQLite ran them
    assert {
        match for captured in ctx.captured_queries for match in re.findall(r"MATCH '([^']*)'", captured["sql"])
    } == {searched}
    # the same assets in the same order as the prefix gives them
    prefix = sqlite.fts_query(parse(q))
    rows = visible_assets(rep).filter(full_text__document__match=prefix)
    assert sorted(ranked.ids) == sorted(rows.values_list("pk", flat=True)) and count == len(ranked.ids) > 0
    original = sqlite._search_facts
    try:
        sqlite._search_facts = lambda typing: (original(typing)[0], False)
        as_prefix, _ = sqlite.ranked(visible_assets(rep), parse(q), timezone.localdate(), "relevance")
    finally:
        sqlite._search_facts = original
    assert as_prefix.ids == ranked.ids


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the ranking of the SQLite backend")
def test_the_blend_in_sql_orders_as_the_blend_by_hand(rep):
    # Same relevance (the bm25 of each match, as the full-text view gives it), support, staleness,
    # kind boost and pin: the order `ranking.blend` gives them, ties to the newer, then higher id.
    from content.models import AssetText
    from content.search import sqlite
    from content.search.ranking import KIND_BOOST, PIN_BOOST, Boosts

    today = timezone.localdate()
    for i in range(12):
        asset = make_asset(
            title="Pricing sheet" + " pricing" * (i % 3),
            body="pricing " * (i % 4),
            won_deal_count=(i * 7) % 11,
            kind="case_study" if i % 4 == 0 else "one_pager",
            customer="Hooli" if i % 4 == 0 else "",
        )
        if i % 5 == 0:  # review due: × 0.95
            Asset.objects.filter(pk=asset.pk).update(review_by=today - datetime.timedelta(days=1))
    make_asset(title="Pricing twin", body="", won_deal_count=0)
    make_asset(title="Pricing twin", body="", won_deal_count=0)  # a tie: the newer, then the higher id
    pinned = Asset.objects.order_by("pk").values_list("pk", flat=True)[3]
    for q, boosts in (("pricing ", Boosts()), ("pricing sheet", Boosts(kind="case_study", pinned=(pinned,)))):
        ranked, count = sqlite.ranked(visible_assets(rep), parse(q), today, "relevance", boosts)
        relevance = dict(
            AssetText.objects.filter(document__match=sqlite.fts_query(parse(q))).values_list("asset_id", "relevance")
        )
        by_hand = []
        for asset in Asset.objects.filter(pk__in=relevance):
            score = blend(relevance[asset.pk], won_deal_count=asset.won_deal_count, stale=asset.is_stale())
            score *= KIND_BOOST if asset.kind == boosts.kind else 1.0
            score *= PIN_BOOST if asset.pk in boosts.pinned else 1.0
            by_hand.append((-score, -asset.published_at.timestamp(), -asset.pk, asset.pk))
        assert ranked.ids == [pk for *_, pk in sorted(by_hand)] and count == len(by_hand) > 0


@pytest.mark.django_db
def test_the_candidates_of_a_ranking_are_read_by_primary_key_as_the_orm_reads_them(rep):
    # The semantic hits and the best matches by text come back as ids; their visible, filtered
    # assets are read by primary key (SQLite: walking the published assets by an index on status
    # instead cost a tenth of a second at 100,000 assets), with values converted like the ORM's.
    from content.search.indexing import backend

    shown = make_asset(title="Pricing sheet", won_deal_count=4)
    review_by = Asset.objects.get(pk=shown.pk).review_by
    assert isinstance(review_by, datetime.date)
    draft = make_asset(title="Pricing draft", status="draft")
    rows = visible_assets(rep).filter(won_deal_count__gte=1).values_list("pk", "review_by", "won_deal_count")
    with CaptureQueriesContext(connection) as ctx:
        found = backend().rows_of(rows, [draft.pk, shown.pk, 10**9])
    assert found == [(shown.pk, review_by, 4)]
    assert backend().rows_of(visible_assets(rep).none().values_list("pk"), [shown.pk]) == []
    if connection.vendor == "sqlite":
        plan = _plan(ctx.captured_queries[0]["sql"], ())
        assert plan[:2] == [
            "SCAN candidate VIRTUAL TABLE INDEX 1:",
            "SEARCH content_asset USING INTEGER PRIMARY KEY (rowid=?)",
        ]


def test_no_module_of_the_app_uses_extra():
    # QuerySet.extra() is on its way out of Django: searches join the full-text rows through the ORM.
    from pathlib import Path

    import content

    root = Path(content.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py") if ".extra(" in p.read_text()]
    assert offenders == []


def _statement(sql: str) -> str:
    """Which statement of the SQLite backend's ranking this is."""
    if sql.startswith("SELECT (SELECT count(*)"):
        return "supported"  # and whether the word being typed is a whole word
    return "ranked" if "bm25" in sql else "candidates"


def _sqlite_ranked(user, q):
    """The ranked matches of the SQLite backend for `q`, before any fallback to corrections."""
    from content.search import sqlite

    return sqlite.ranked(visible_assets(user), parse(q), timezone.localdate(), "relevance")[0]
