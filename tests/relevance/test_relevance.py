"""The relevance set: every query of queries.json run through `run_search` as a rep against the demo
library, scored by whether an acceptable asset is in the top 3, and reported per category.

Keyword search must answer exact names, kind + topic, typos and topic words; paraphrases and reps'
own phrasings need semantic retrieval, so their keyword-only score is printed, not asserted, until
NATURAL_LANGUAGE_THRESHOLD is set.
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
# Paraphrases and natural-language queries: switch on (e.g. 0.8) once hybrid retrieval lands.
NATURAL_LANGUAGE_THRESHOLD = None
UNASSERTED = ("paraphrase", "natural_language")

# Module-scoped, so the per-test fast hasher of conftest does not apply yet: state it here too.
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@pytest.fixture(scope="module")
def scores(django_db_setup, django_db_blocker):
    """{category: [(query, hit, top titles)]}, from the demo library loaded once in a transaction
    rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with FAST_HASHING:
            call_command("load_demo", stdout=io.StringIO())
        rep = get_user_model().objects.get(username="rep")
        found = defaultdict(list)
        for case in QUERIES["queries"]:
            top = [a.title for a in run_search(user=rep, params=SearchParams(q=case["q"])).assets[:TOP]]
            found[case["category"]].append((case["q"], bool(set(top) & set(case["acceptable"])), top))
        yield dict(found)
        transaction.set_rollback(True)


def share(rows) -> float:
    return sum(hit for _, hit, _ in rows) / len(rows)


def test_the_set_has_enough_queries_of_every_category():
    categories = [case["category"] for case in QUERIES["queries"]]
    assert len(categories) >= 40
    assert set(categories) == set(QUERIES["categories"])
    assert all(case["acceptable"] for case in QUERIES["queries"])


def test_the_share_in_the_top_three_per_category(scores, capsys):
    with capsys.disabled():
        print(f"\nRelevance (share with an acceptable asset in the top {TOP}, keyword search):")
        for category, rows in scores.items():
            print(f"  {category:<17} {share(rows):6.1%}  ({sum(hit for _, hit, _ in rows)}/{len(rows)})")
            for q, hit, top in rows:
                if not hit:
                    print(f"      miss: {q!r} -> {top}")
    for category, rows in scores.items():
        if category in UNASSERTED:
            if NATURAL_LANGUAGE_THRESHOLD is not None:
                assert share(rows) >= NATURAL_LANGUAGE_THRESHOLD, category
            continue
        assert share(rows) >= max(KEYWORD_THRESHOLD, MEASURED[category]), category


def test_an_exact_name_puts_its_own_battle_card_or_case_study_first(scores):
    exact = {case["q"]: case["acceptable"] for case in QUERIES["queries"] if case["category"] == "exact_name"}
    for q, _, top in scores["exact_name"]:
        assert top[0] in exact[q], q
