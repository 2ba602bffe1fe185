"""What a query says beyond its words, on the active database (CI runs both): kind words filter by
kind, an exact competitor or customer name puts its own asset first, and a query no asset matches
in full falls back to the assets matching most of its words instead of nothing."""

import datetime

import pytest
from django.utils import timezone

from content.models import Asset, AssetKind
from content.search import SearchParams, run_search
from content.search.intent import PINNED_LIMIT, kind_phrases, named_kind, pinned_ids
from content.search.query import parse

from .search_helpers import make_asset

pytestmark = pytest.mark.django_db


def search(user, q, **filters):
    return run_search(user=user, params=SearchParams(q=q, **filters))


def titles(result):
    return [asset.title for asset in result.assets]


@pytest.fixture
def healthcare(db):
    """Case studies, an objection and a one-pager around healthcare and pricing."""
    return {
        "clinic_case": make_asset(
            kind=AssetKind.CASE_STUDY,
            title="Clinic group halves its close",
            summary="Meridian Health closes in six days.",
            customer="Meridian Health",
            tags=["healthcare"],
        ),
        "retail_case": make_asset(kind=AssetKind.CASE_STUDY, title="Retailer onboards its suppliers", tags=["retail"]),
        "healthcare_pager": make_asset(kind=AssetKind.ONE_PAGER, title="Ledgerline for healthcare groups"),
        "pricing_objection": make_asset(
            kind=AssetKind.OBJECTION, title='"It is too expensive for our volume"', tags=["pricing"]
        ),
        "pricing_pager": make_asset(kind=AssetKind.ONE_PAGER, title="Pricing at a glance"),
    }


class TestKindWords:
    def test_a_kind_and_a_topic_find_that_kind_about_that_topic(self, rep, healthcare):
        result = search(rep, "case study healthcare")
        assert titles(result) == ["Clinic group halves its close"]
        assert (result.named_kind, result.params.kind, result.partial_match) == ("case_study", "case_study", False)

    def test_a_kind_alone_lists_every_asset_of_that_kind(self, rep, healthcare):
        assert set(titles(search(rep, "case studies"))) == {
            "Clinic group halves its close",
            "Retailer onboards its suppliers",
        }

    def test_tags_count_for_the_topic_of_a_kind(self, rep, healthcare):
        # "pricing" is only a tag of the objection: the one-pager with pricing in its title is another kind
        assert titles(search(rep, "pricing objection")) == ['"It is too expensive for our volume"']

    @pytest.mark.parametrize(
        ("q", "kind", "rest"),
        [
            ("battle cards highbeam", "battle_card", "highbeam"),
            ("security one-pager", "one_pager", "security"),
            ("objection handling erp", "objection", "erp"),
            ("Email Template follow-up", "email_template", "follow-up"),
            ("pricing -deck", "", "pricing -deck"),
            ('"case study" or deck', "", '"case study" or deck'),
            ("casey study", "", "casey study"),
        ],
    )
    def test_kind_words_are_read_as_whole_clauses(self, q, kind, rest):
        found, remaining = named_kind(parse(q + " "))
        assert (found, remaining.raw) == (kind, rest)

    def test_every_kind_of_asset_has_words_and_every_word_names_a_kind(self):
        assert set(kind_phrases().values()) == set(AssetKind.values)

    def test_a_chosen_kind_wins_over_the_words(self, rep, healthcare):
        result = search(rep, "case study healthcare", kind=AssetKind.ONE_PAGER)
        assert titles(result) == ["Ledgerline for healthcare groups"]
        assert result.named_kind == ""

    def test_when_no_asset_of_that_kind_is_related_other_kinds_follow_with_that_kind_lifted(self, rep, healthcare):
        result = search(rep, "healthcare battle card")
        assert result.kind_widened and result.named_kind == "battle_card"
        assert set(titles(result)) == {"Clinic group halves its close", "Ledgerline for healthcare groups"}


class TestExactNames:
    def test_a_competitors_name_puts_its_own_battle_card_first_even_when_it_needs_review(self, rep):
        overdue = timezone.localdate() - datetime.timedelta(days=1)
        card = make_asset(kind=AssetKind.BATTLE_CARD, title="Battle card: the other one", competitors=["Highbeam"])
        Asset.objects.filter(pk=card.pk).update(review_by=overdue)
        for title in ("Highbeam vs us: a comparison", "Highbeam rebates, answered", "Highbeam pricing in detail"):
            proven = make_asset(kind=AssetKind.COMPARISON_GUIDE, title=title, summary="Highbeam, Highbeam, Highbeam.")
            Asset.objects.filter(pk=proven.pk).update(won_deal_count=30)
        for q in ("Highbeam", "highbeam "):
            assert titles(search(rep, q))[0] == "Battle card: the other one"

    def test_a_customers_name_puts_its_own_case_study_first(self, rep, healthcare):
        other = make_asset(kind=AssetKind.ONE_PAGER, title="Meridian Health and friends", summary="Meridian Health.")
        Asset.objects.filter(pk=other.pk).update(won_deal_count=50)
        assert titles(search(rep, "meridian health"))[0] == "Clinic group halves its close"

    def test_more_than_a_name_pins_nothing(self, rep, healthcare):
        make_asset(kind=AssetKind.BATTLE_CARD, title="Battle card: Highbeam", competitors=["Highbeam"])
        proven = make_asset(kind=AssetKind.ONE_PAGER, title="Highbeam pricing sheet")
        Asset.objects.filter(pk=proven.pk).update(won_deal_count=30)
        assert titles(search(rep, "highbeam pricing"))[0] == "Highbeam pricing sheet"

    def test_a_name_pins_only_that_competitors_battle_cards_and_that_customers_case_studies(self):
        cards = [make_asset(kind=AssetKind.BATTLE_CARD, title=f"Card {i}", competitors=["Highbeam"]) for i in range(2)]
        make_asset(kind=AssetKind.ONE_PAGER, title="Highbeam one-pager", competitors=["Highbeam"])
        make_asset(kind=AssetKind.BATTLE_CARD, title="Other card", competitors=["Lumen"])
        case = make_asset(kind=AssetKind.CASE_STUDY, title="Highbeam the customer", customer="Highbeam")
        make_asset(kind=AssetKind.ONE_PAGER, title="Not a case study", customer="Highbeam")
        for q in ("highbeam ", "HIGHBEAM", "  Highbeam  "):
            assert pinned_ids(parse(q)) == tuple(sorted([*(c.pk for c in cards), case.pk]))
        assert pinned_ids(parse("highbeam pricing ")) == pinned_ids(parse("-highbeam ")) == ()
        assert pinned_ids(parse("nobody ")) == ()

    def test_a_name_pins_at_most_the_limit(self):
        for i in range(PINNED_LIMIT + 2):
            make_asset(kind=AssetKind.BATTLE_CARD, title=f"Card {i}", competitors=["Highbeam"])
        pinned = pinned_ids(parse("highbeam "))
        assert len(pinned) == PINNED_LIMIT and list(pinned) == sorted(pinned)


class TestPartialMatches:
    def test_when_no_asset_has_every_word_the_ones_with_most_words_come_first(self, rep):
        make_asset(title="SOC 2 Type II report", body="Our auditor's report.")
        make_asset(title="Security overview", body="Encryption at rest.")
        make_asset(title="Quarterly report", body="Numbers.")
        two = make_asset(title="Audit readiness", body="The SOC 2 attestation, shared on request.")
        Asset.objects.filter(pk=two.pk).update(won_deal_count=50)
        result = search(rep, "soc 2 report security")
        assert result.partial_match and not result.typo_matched
        found = titles(result)
        # three of the words, then two (however proven), then one (in an order the backends may differ on)
        assert found[:2] == ["SOC 2 Type II report", "Audit readiness"]
        assert set(found[2:]) == {"Security overview", "Quarterly report"}

    def test_a_query_matched_in_full_is_not_partial(self, rep):
        make_asset(title="SOC 2 Type II report")
        result = search(rep, "soc 2 report")
        assert titles(result) == ["SOC 2 Type II report"] and not result.partial_match

    def test_partial_matches_respect_visibility_and_filters(self, rep):
        make_asset(title="Security overview", stages=["evaluating"])
        make_asset(title="Security deck", stages=["engaged"])
        make_asset(title="Quarterly report", status="draft", published_at=None, stages=["evaluating"])
        result = search(rep, "security report", stage="evaluating")
        assert titles(result) == ["Security overview"] and result.partial_match

    def test_misspelt_words_are_corrected_before_the_partial_matches(self, rep):
        make_asset(title="Security overview")
        make_asset(title="Pricing sheet")
        result = search(rep, "pricng zeppelin ")
        assert titles(result) == ["Pricing sheet"]
        assert result.partial_match and result.corrected_query == "pricing zeppelin"

    def test_nothing_related_is_still_nothing(self, rep):
        make_asset(title="Security overview")
        result = search(rep, "qwxz vbnm")
        assert titles(result) == [] and not result.partial_match
