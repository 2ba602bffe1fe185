"""Semantic and hybrid search with the real model: a paraphrase with no shared word finds its
asset, an exact title still comes first, keyword mode is unchanged, reps never see drafts or
unreleased assets through meaning, and without a model search is keyword search."""

import datetime

import pytest
from django.utils import timezone

from content.models import AssetStatus
from content.search import SearchParams, run_search

from .factories import AssetFactory

pytestmark = pytest.mark.django_db

PARAPHRASE = "client grumbles that we cost a fortune"


@pytest.fixture
def library(real_encoder):
    return {
        "price": AssetFactory(
            kind="objection",
            title="Handling budget pushback",
            summary="What to say when the buyer says our price is too high.",
            objection="Your product is too expensive for us.",
            response="Compare it with the cost of the manual work it replaces.",
            body="",
        ),
        "security": AssetFactory(
            title="Security whitepaper",
            summary="SOC 2 report, encryption at rest and single sign-on.",
            body="How we protect customer data.",
        ),
        "onboarding": AssetFactory(
            title="Onboarding timeline",
            summary="New accounts are live within nine days.",
            body="Kick-off, data import, training.",
        ),
        "acme": AssetFactory(
            kind="battle_card",
            title="Battle card: Acme",
            summary="Where Acme is weak and how we win against them.",
            how_we_win="Faster onboarding and a lower total cost.",
            body="",
        ),
    }


def titles(user, q, **params):
    return [a.title for a in run_search(user=user, params=SearchParams(q=q, **params)).assets]


def test_a_paraphrase_with_no_shared_word_finds_nothing_by_keywords(library, rep):
    assert "Handling budget pushback" not in titles(rep, PARAPHRASE, mode="keyword")


def test_a_paraphrase_finds_the_asset_in_semantic_and_hybrid_modes(library, rep):
    assert titles(rep, PARAPHRASE, mode="semantic")[0] == "Handling budget pushback"
    assert titles(rep, PARAPHRASE, mode="hybrid")[0] == "Handling budget pushback"


def test_an_exact_title_still_ranks_its_asset_first_in_hybrid(library, rep):
    assert titles(rep, "Security whitepaper")[0] == "Security whitepaper"
    assert titles(rep, "Onboarding timeline")[0] == "Onboarding timeline"


def test_keyword_mode_gives_the_keyword_results_unchanged(library, rep, settings):
    with_model = titles(rep, "onboarding", mode="keyword")
    settings.SEMANTIC_SEARCH = False
    assert titles(rep, "onboarding") == with_model == ["Onboarding timeline"]


def test_each_semantic_result_carries_its_best_passage(library, rep):
    result = run_search(user=rep, params=SearchParams(q=PARAPHRASE))
    hit = result.passages[library["price"].pk]
    assert hit.score > 0.3


def test_filters_apply_to_semantic_hits(library, rep):
    assert titles(rep, PARAPHRASE, mode="semantic", kind="one_pager")[:1] != ["Handling budget pushback"]


def test_a_rep_never_gets_a_draft_or_an_unreleased_asset_through_meaning(library, rep, marketer):
    AssetFactory(
        status=AssetStatus.DRAFT, title="Draft: answering the price question", summary="Our price is too high."
    )
    AssetFactory(
        title="Coming soon: price is too high",
        summary="The buyer says our price is too high.",
        published_at=timezone.now() + datetime.timedelta(days=5),
    )
    rep_titles = titles(rep, PARAPHRASE, mode="semantic")
    assert not [t for t in rep_titles if t.startswith(("Draft", "Coming soon"))]
    marketer_titles = titles(marketer, PARAPHRASE, mode="semantic")
    assert "Coming soon: price is too high" in marketer_titles  # published, so embedded
    assert "Draft: answering the price question" not in marketer_titles  # drafts have no passages


def test_without_a_model_hybrid_search_is_keyword_search_and_says_why(library, rep, monkeypatch, caplog):
    from content.semantic import runtime
    from content.semantic.encoder import EncoderUnavailable

    keyword = titles(rep, "security", mode="keyword")

    def broken():
        raise EncoderUnavailable("model.zip is corrupt")

    monkeypatch.setattr("content.semantic.encoder.get_encoder", broken)
    runtime._warned.clear()
    result = run_search(user=rep, params=SearchParams(q="security"))
    assert [a.title for a in result.assets] == keyword
    assert result.semantic_note == "unavailable: model.zip is corrupt"
    run_search(user=rep, params=SearchParams(q="security"))
    warnings = [r for r in caplog.records if "model.zip is corrupt" in r.getMessage() and r.levelname == "WARNING"]
    assert len(warnings) == 1


def test_the_health_check_reports_semantic_search(library, client, monkeypatch):
    assert client.get("/healthz").json()["semantic"] == "ok"
    from content.semantic.encoder import EncoderUnavailable

    def broken():
        raise EncoderUnavailable("model.zip is corrupt")

    monkeypatch.setattr("content.semantic.encoder.get_encoder", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["semantic"] == "unavailable: model.zip is corrupt"


def test_the_matrix_is_scanned_on_the_searching_thread_after_the_keyword_search(library, rep, monkeypatch):
    # The in-process scan takes the GIL back again and again: in a thread beside the keyword
    # search's Python it waited on it. The query is embedded beside the keyword search; the matrix is
    # scanned after it, on the searching thread.
    import threading

    import content.search as search
    from content.semantic import index

    if index.pgvector_ready():
        pytest.skip("pgvector: the database scans the vectors")
    steps = []
    keyword, scan = search._keyword_search, index._top_rows

    def keyword_search(**kwargs):
        found = keyword(**kwargs)
        steps.append(("keyword search", threading.current_thread()))
        return found

    def top_rows(*args):
        steps.append(("scan", threading.current_thread()))
        return scan(*args)

    monkeypatch.setattr(search, "_keyword_search", keyword_search)
    monkeypatch.setattr(index, "_top_rows", top_rows)
    assert titles(rep, PARAPHRASE, mode="hybrid")[0] == "Handling budget pushback"
    assert steps == [("keyword search", threading.current_thread()), ("scan", threading.current_thread())]
