"""The relevance set: every query of queries.json run through `run_search` as a rep against the demo
library, scored by whether an acceptable asset is in the top 3, and reported per category.

Keyword search must answer exact names, kind + topic, typos and topic words; paraphrases and reps'
own phrasings need semantic retrieval, so their keyword-only score is printed and only the hybrid
score is asserted (HYBRID_THRESHOLDS). The held-out phrasings show whether a ranking change
generalises: do not tune against them.
"""

import io
import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from content.search import SearchParams, run_search

pytestmark = pytest.mark.django_db

QUERIES = json.loads((Path(__file__).parent / "queries.json").read_text(encoding="utf-8"))
TOP = 3
# The categories keyword search handles: at least this share in the top 3, and never below the
# figures measured when the set was written (a regression lowers them; an improvement may raise them).
KEYWORD_THRESHOLD = 0.9
MEASURED = {"exact_name": 1.0, "kind_topic": 1.0, "typo": 1.0, "keyword": 1.0}
# Paraphrases, reps' own phrasings and the held-out phrasings, under the hybrid ranking (keyword
# alone is printed only). Measured on both databases: paraphrases 5/6; reps' own phrasings 12/13
# (the goal: 90%) once a partial keyword match weighed a sixth, an asset's heading counted half of
# its similarity and the sales glossary was added (11/13 SQLite, 10/13 PostgreSQL before); held-out
# phrasings 11/12 (10/12 before). Keyword search alone: 8/13 and 7-8/12.
HYBRID_THRESHOLDS = {"paraphrase": 0.8, "natural_language": 0.9, "held_out": 0.8}
UNASSERTED = tuple(HYBRID_THRESHOLDS)
MODES = ("keyword", "hybrid")

# Module-scoped, so the per-test fast hasher of conftest does not apply yet: state it here too.
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@pytest.fixture(scope="module")
def all_scores(django_db_setup, django_db_blocker):
    """{mode: {category: [(query, hit, top titles)]}} for the keyword and the hybrid ranking, from
    the demo library loaded (and embedded with the real model) once, in a transaction rolled back
    at the end."""
    from content.semantic import index, runtime

    def fresh():
        index.in_process_index().reset()
        index.forget_backend()
        runtime.clear_query_cache()

    with django_db_blocker.unblock(), transaction.atomic(), override_settings(SEMANTIC_SEARCH=True):
        fresh()
        with FAST_HASHING:
            call_command("load_demo", stdout=io.StringIO())
        rep = get_user_model().objects.get(username="rep")
        found = {mode: defaultdict(list) for mode in MODES}
        for mode in MODES:
            for case in QUERIES["queries"]:
                result = run_search(user=rep, params=SearchParams(q=case["q"], mode=mode))
                top = [a.title for a in result.assets[:TOP]]
                hit = bool(set(top) & set(case["acceptable"]))
                found[mode][case["category"]].append((case["q"], hit, top))
        yield {mode: dict(rows) for mode, rows in found.items()}
        transaction.set_rollback(True)
        fresh()


@pytest.fixture(scope="module")
def scores(all_scores):
    """The ranking every page and API call uses by default."""
    return all_scores["hybrid"]


def share(rows) -> float:
    return sum(hit for _, hit, _ in rows) / len(rows)


def test_the_set_has_enough_queries_of_every_category():
    categories = [case["category"] for case in QUERIES["queries"]]
    assert len(categories) >= 40
    assert set(categories) == set(QUERIES["categories"])
    assert all(case["acceptable"] for case in QUERIES["queries"])


def test_the_share_in_the_top_three_per_category(all_scores, scores, capsys):
    with capsys.disabled():
        for mode, by_category in all_scores.items():
            print(f"\nRelevance (share with an acceptable asset in the top {TOP}, {mode} ranking):")
            for category, rows in by_category.items():
                print(f"  {category:<17} {share(rows):6.1%}  ({sum(hit for _, hit, _ in rows)}/{len(rows)})")
                for q, hit, top in rows:
                    if not hit:
                        print(f"      miss: {q!r} -> {top}")
    for category, rows in all_scores["keyword"].items():  # keyword search alone does not regress
        if category not in UNASSERTED:
            assert share(rows) >= max(KEYWORD_THRESHOLD, MEASURED[category]), ("keyword", category)
    for category, rows in scores.items():
        if category in UNASSERTED:
            assert share(rows) >= HYBRID_THRESHOLDS[category], category
            continue
        assert share(rows) >= max(KEYWORD_THRESHOLD, MEASURED[category]), category


def test_an_exact_name_puts_its_own_battle_card_or_case_study_first(scores):
    exact = {case["q"]: case["acceptable"] for case in QUERIES["queries"] if case["category"] == "exact_name"}
    for q, _, top in scores["exact_name"]:
        assert top[0] in exact[q], q
