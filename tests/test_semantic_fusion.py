"""The fusion arithmetic and the sales glossary, with hand-computed values (no model, no database)."""

import json

import pytest

from content.semantic import fusion, glossary
from content.semantic.index import Hit


def test_an_asset_scores_the_mean_of_its_best_and_its_heading_passage():
    hits = [Hit(11, 1, 0.60, ordinal=3), Hit(21, 2, 0.50, ordinal=0), Hit(10, 1, 0.40, ordinal=0)]
    found = fusion.asset_hits(hits)
    assert found[1].best.passage_id == 11  # the passage shown is still the best one
    assert found[1].score == pytest.approx(0.5 * 0.60 + 0.5 * 0.40)
    assert found[2].score == pytest.approx(0.50)


def test_a_heading_passage_not_read_counts_as_the_lowest_hit():
    hits = [Hit(11, 1, 0.60, ordinal=2), Hit(21, 2, 0.30, ordinal=0), Hit(31, 3, 0.25, ordinal=4)]
    assert fusion.asset_hits(hits)[1].score == pytest.approx(0.5 * 0.60 + 0.5 * 0.25)


def test_assets_whose_best_passage_is_below_the_floor_are_left_out():
    hits = [Hit(11, 1, 0.50, ordinal=0), Hit(21, 2, fusion.MIN_SIMILARITY - 0.01, ordinal=0)]
    assert set(fusion.asset_hits(hits)) == {1}


def test_fusion_adds_reciprocal_ranks():
    fused = dict(fusion.fuse([1, 2], [2, 3]))
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1] == pytest.approx(1 / 61)
    assert [pk for pk, _ in fusion.fuse([1, 2], [2, 3])] == [2, 1, 3]


def test_a_partial_keyword_match_weighs_less_than_the_meaning():
    # Keyword first alone: 1/6 × 1/61; meaning first alone: 1/61.
    assert [pk for pk, _ in fusion.fuse([1], [2], keyword_weight=fusion.W_KEYWORD_PARTIAL)] == [2, 1]
    assert [pk for pk, _ in fusion.fuse([1], [2])] == [1, 2]  # a tie: the keyword order decides


def test_an_exact_name_pinned_by_keyword_search_stays_first():
    assert [pk for pk, _ in fusion.fuse([5, 6], [6, 7], pinned=(5,))] == [5, 6, 7]


def test_the_glossary_adds_the_meaning_of_its_terms_to_the_query():
    assert glossary.expand("the CHAMPION just left") == "the CHAMPION just left (internal sponsor, our main contact)"
    assert glossary.expand("they want to  go live soon").endswith("(implementation, time to value)")
    assert glossary.expand("championship results") == "championship results"  # whole words only
    assert glossary.expand("") == ""


def test_the_glossary_file_is_plain_term_to_words_data():
    terms = json.loads(glossary.GLOSSARY_FILE.read_text(encoding="utf-8"))["terms"]
    assert terms and all(isinstance(k, str) and k == k.lower() and isinstance(v, str) and v for k, v in terms.items())
