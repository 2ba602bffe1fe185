"""The library page: search as you type, facets, badges, empty state, search logging and clicks,
the search analytics page, and a constant number of queries."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.models import Asset, SearchLog

from .search_helpers import corpus, make_pricing_sheets


@pytest.fixture
def library(db):
    return corpus()


def test_the_library_lists_released_assets_with_badges_and_support(rep_client, library):
    stale = library["security"]
    Asset.objects.filter(pk=stale.pk).update(
        review_by=timezone.localdate() - datetime.timedelta(days=3),
        won_deal_count=4,
        influenced_revenue=120000,
        influenced_revenue_by_currency={"USD": "120000.00"},
    )
    response = rep_client.get(reverse("library"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Battle card: Globex pricing" in html
    assert "Draft battle card" not in html and "Future pricing" not in html and "Expired pricing" not in html
    assert "review due — still approved" in html
    assert 'Supported 4 won deals · <span title="$120,000">$120k</span>' in html


def test_a_search_shows_matches_and_facet_counts(rep_client, library):
    response = rep_client.get(reverse("library"), {"q": "pricing "})
    html = response.content.decode()
    assert "2 assets for “pricing ”" in html or "2 assets for “pricing”" in html
    assert "Pricing objection" in html and "How a bank passed" not in html
    assert 'aria-label="1 asset"' in html


def test_a_bad_filter_value_is_named_on_the_page_and_left_out_of_the_search(rep_client, library):
    response = rep_client.get(reverse("library"), {"q": "pricing ", "kind": "poem", "ordering": "random"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Left out of this search:" in html and "kind: Select a valid choice." in html and "ordering:" in html
    assert "Pricing objection" in html


def test_a_misspelt_search_says_what_it_searched_for_instead(rep_client, library):
    html = rep_client.get(reverse("library"), {"q": "pricng objection"}).content.decode()
    assert (
        "Nothing matched “pricng objection” exactly; showing results for “<strong>pricing objection</strong>”" in html
    )
    assert "Pricing objection" in html


def test_an_htmx_request_gets_only_the_results_partial(rep_client, library):
    response = rep_client.get(
        reverse("library"), {"q": "pricing"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="library-results"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'class="layout-sidebar"' in html
    assert "Pricing objection" in html


def test_the_search_box_answers_as_the_rep_types(rep_client, db):
    html = rep_client.get(reverse("library")).content.decode()
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert 'hx-push-url="true"' in html
    assert '<label for="q">' in html


def test_a_search_with_no_result_offers_a_prefilled_content_request(rep_client, library):
    response = rep_client.get(reverse("library"), {"q": "gdpr proof", "kind": "case_study", "stage": "evaluating"})
    html = response.content.decode()
    assert "Nothing in the library is related to your search — ask marketing for it" in html
    assert "/requests/new/?title=gdpr+proof&amp;kind=case_study&amp;stage=evaluating" in html


def test_partial_matches_say_so_and_offer_no_content_request(rep_client, library):
    response = rep_client.get(reverse("library"), {"q": "globex zeppelin "})
    html = response.content.decode()
    assert response.context["result"].partial_match
    assert "No asset has all of these words" in html and "closest matches:" in html
    assert "Battle card: Globex pricing" in html
    assert "Request this content" not in html


def test_kind_words_say_which_kind_is_shown(rep_client, library):
    html = rep_client.get(reverse("library"), {"q": "case study security "}).content.decode()
    assert "Case studies only: your search names that kind." in html
    assert "How a bank passed its security review in two weeks" in html
    assert "One-pager for the review board" not in html


def test_the_content_request_offer_only_when_nothing_is_related(rep_client, library):
    related = rep_client.get(reverse("library"), {"q": "pricing zeppelin "}).content.decode()
    unrelated = rep_client.get(reverse("library"), {"q": "qwxz vbnm "}).content.decode()
    assert "Request this content" not in related
    assert "Request this content" in unrelated


def test_every_search_is_logged_once_with_its_filters_and_count(rep_client, rep, library):
    rep_client.get(reverse("library"))
    assert SearchLog.objects.count() == 0  # opening the library is not a search
    rep_client.get(reverse("library"), {"q": "pricing", "stage": "evaluating"})
    log = SearchLog.objects.get()
    assert (log.user, log.query, log.filters, log.result_count) == (rep, "pricing", {"stage": "evaluating"}, 2)
    assert log.clicked_asset is None and abs((timezone.now() - log.created_at).total_seconds()) < 60


def test_a_logged_search_is_the_row_the_database_holds(rep):
    """record_search writes its row in plain SQL: what it returns is that row, read back the same."""
    from content.search import SearchParams, record_search

    params = SearchParams(q="  ROI “calculator” 🚀 " + "x" * 600, kind="case_study", persona="cfo", status="")
    logged = record_search(user=rep, params=params, result_count=7)
    stored = SearchLog.objects.get()
    assert logged.pk == stored.pk and not logged._state.adding
    assert stored.query == params.q.strip()[:500] and len(stored.query) == 500
    assert stored.filters == {"kind": "case_study", "persona": "cfo"} and stored.result_count == 7
    assert (stored.user, stored.created_at) == (rep, logged.created_at)
    anonymous = record_search(user=AnonymousUser(), params=SearchParams(q="roi"), result_count=0)
    assert SearchLog.objects.get(pk=anonymous.pk).user is None and anonymous.pk > logged.pk


def test_a_click_on_a_result_is_attributed_to_the_search(rep_client, rep, library):
    html = rep_client.get(reverse("library"), {"q": "initech "}).content.decode()
    log = SearchLog.objects.get()
    asset = library["initech"]
    click_url = reverse("search-click", args=[log.pk, asset.pk])
    assert click_url in html
    response = rep_client.get(click_url)
    assert response.status_code == 302 and response.url == asset.get_absolute_url()
    log.refresh_from_db()
    assert log.clicked_asset == asset


def test_a_click_cannot_touch_another_users_search_or_open_a_hidden_asset(rep_client, other_rep, library):
    log = SearchLog.objects.create(user=other_rep, query="pricing", result_count=2)
    rep_client.get(reverse("search-click", args=[log.pk, library["objection"].pk]))
    log.refresh_from_db()
    assert log.clicked_asset is None
    assert rep_client.get(reverse("search-click", args=[log.pk, library["draft"].pk])).status_code == 404


def test_a_marketer_sees_drafts_and_a_status_facet(marketer_client, library):
    html = marketer_client.get(reverse("library"), {"q": "pricing"}).content.decode()
    assert "Draft battle card on pricing" in html
    assert '<h3 id="facet-status">Status</h3>' in html


def test_a_rep_has_no_status_facet(rep_client, library):
    assert "facet-status" not in rep_client.get(reverse("library")).content.decode()


def test_an_outsider_may_not_open_the_library(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("library")).status_code == 403


@pytest.mark.parametrize(("who", "status"), [("rep", 403), ("marketer", 200), ("manager", 200), ("outsider", 403)])
def test_search_analytics_is_for_marketers_and_managers(client, persona_users, who, status):
    client.force_login(persona_users[who])
    assert client.get(reverse("search-analytics")).status_code == status


def test_search_analytics_lists_frequent_zero_result_and_low_click_searches(marketer_client, rep, other_rep, library):
    for user, query in [(rep, "GDPR proof"), (other_rep, "gdpr proof"), (rep, "soc 2")]:
        SearchLog.objects.create(user=user, query=query, result_count=0)
    for _ in range(3):
        SearchLog.objects.create(user=rep, query="pricing", result_count=2)
    SearchLog.objects.create(user=rep, query="initech", result_count=1, clicked_asset=library["initech"])
    SearchLog.objects.create(user=rep, query="initech", result_count=1, clicked_asset=library["initech"])
    response = marketer_client.get(reverse("search-analytics"), {"days": "7"})
    zero = list(response.context["zero"])
    assert [(row["normalized"], row["searches"], row["users"]) for row in zero] == [
        ("gdpr proof", 2, 2),
        ("soc 2", 1, 1),
    ]
    assert [(row["normalized"], row["searches"], row["clicks"]) for row in response.context["low"]] == [
        ("pricing", 3, 0)
    ]


def test_a_search_that_found_nothing_becomes_a_new_asset_or_a_request_in_one_click(
    client, persona_users, marketer_client, rep
):
    SearchLog.objects.create(user=rep, query="GDPR proof", result_count=0)
    page = marketer_client.get(reverse("search-analytics")).content.decode()
    assert f'href="{reverse("asset-create")}?title=gdpr%20proof">New asset</a>' in page
    assert f'href="{reverse("request-new")}?title=gdpr%20proof">Request it</a>' in page
    # the kind is chosen first; the title goes along to the form
    kinds = marketer_client.get(reverse("asset-create"), {"title": "gdpr proof"}).content.decode()
    assert "?kind=case_study&amp;title=gdpr%20proof" in kinds
    form = marketer_client.get(reverse("asset-create"), {"kind": "case_study", "title": "gdpr proof"})
    assert form.context["form"]["title"].value() == "gdpr proof"
    # a manager may not write assets: only the request is offered
    client.force_login(persona_users["manager"])
    managers = client.get(reverse("search-analytics")).content.decode()
    assert "Request it" in managers and "New asset</a>" not in managers


def _queries_for(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("library"), params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("params", "most"),
    [
        ({}, 21),
        ({"q": "pricing"}, 22),
        ({"q": "pricing", "stage": "evaluating"}, 22),
        ({"q": "case study"}, 22),
        ({"q": "pricing zeppelin"}, 29),
    ],
)
def test_the_library_runs_a_constant_number_of_queries(marketer_client, db, params, most):
    # session, user, roles; [a text search: the library version its ranking is kept under (the
    # shared cache's table without Redis)]; [stage filter: its id]; [the assets an exact name pins]; the search
    # (SQLite: exists, count; PostgreSQL: the candidate query in a savepoint with its planner
    # setting); page; stages, personas, competitors; facets: kind, stage, persona, competitor, tag,
    # status; the search log insert; the header's count of the marketer's assets due for review.
    # Partial matches ("pricing zeppelin"): the search as typed,
    # corrections, how many words each asset matches, their text ranking, then the page as above.
    make_pricing_sheets(range(3))
    few = _queries_for(marketer_client, params)
    make_pricing_sheets(range(3, 30))
    many = _queries_for(marketer_client, params)
    assert few == many
    assert many <= most


@pytest.mark.parametrize("params", [{}, {"q": "pricing"}, {"q": "pricng"}])
def test_a_page_of_results_never_reads_the_text_extracted_from_files(marketer_client, db, params):
    make_pricing_sheets(range(3))
    with CaptureQueriesContext(connection) as ctx:
        assert marketer_client.get(reverse("library"), params).status_code == 200
    reads = [q["sql"] for q in ctx.captured_queries if '"content_asset"."title"' in q["sql"]]
    assert reads and not any('"content_asset"."file_text"' in sql for sql in reads)
