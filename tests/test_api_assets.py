"""The assets and taxonomy API: the permission matrix, search with the page's semantics, writes
with slugs and tag names, validation, and a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from content.models import Asset, AssetStatus, Competitor, SearchLog
from content.search import SearchParams, search_assets

from .factories import UserFactory
from .search_helpers import corpus, make_asset, make_pricing_sheets

ASSETS = "/api/v1/assets/"


@pytest.fixture
def library(db):
    return corpus()


@pytest.fixture
def api(persona_users):
    def client_for(who):
        client = APIClient()
        if who != "anonymous":
            client.force_authenticate(persona_users[who])
        return client

    return client_for


def new_asset_payload(**changes):
    Competitor.objects.get_or_create(slug="hooli", defaults={"name": "Hooli"})
    return {
        "kind": "battle_card",
        "title": "Battle card: Hooli",
        "summary": "Win against Hooli.",
        "body": "**Bold**",
        "status": "draft",
        "stages": ["evaluating"],
        "personas": ["economic-buyer"],
        "competitors": ["hooli"],
        "tags": ["pricing", "enterprise"],
        "how_we_win": "Faster onboarding.",
        **changes,
    }


# The permission matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "list_status", "create_status"),
    [("anonymous", 401, 401), ("outsider", 403, 403), ("rep", 200, 403), ("manager", 200, 403), ("marketer", 200, 201)],
)
def test_who_may_read_and_create_assets(api, library, who, list_status, create_status):
    client = api(who)
    assert client.get(ASSETS).status_code == list_status
    assert client.post(ASSETS, new_asset_payload(), format="json").status_code == create_status


@pytest.mark.parametrize(("who", "status"), [("rep", 403), ("manager", 403), ("marketer", 200)])
def test_only_marketers_may_edit_an_asset(api, library, who, status):
    response = api(who).patch(f"{ASSETS}{library['initech'].pk}/", {"summary": "New."}, format="json")
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("rep", 403), ("manager", 403), ("marketer", 204)])
def test_only_marketers_may_delete_an_asset(api, library, who, status):
    assert api(who).delete(f"{ASSETS}{library['initech'].pk}/").status_code == status


def test_an_anonymous_caller_is_told_to_authenticate_with_a_token(client, rep):
    response = APIClient().get(ASSETS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_token_from_the_token_endpoint_opens_the_api(db):
    UserFactory(username="tok", groups=["Sales"])
    token = APIClient().post("/api/v1/auth/token/", {"username": "tok", "password": "pass-1234-word"}).json()["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(ASSETS).status_code == 200


# Reading ------------------------------------------------------------------------------------------


def test_a_rep_lists_only_released_assets_and_cannot_open_a_draft(api, library):
    client = api("rep")
    ids = {row["id"] for row in client.get(ASSETS).json()["results"]}
    assert library["draft"].pk not in ids and library["future"].pk not in ids and library["expired"].pk not in ids
    assert library["initech"].pk in ids
    for hidden in ("draft", "future", "expired"):  # a rep opens none of them by id either
        assert client.get(f"{ASSETS}{library[hidden].pk}/").status_code == 404, hidden
        assert api("marketer").get(f"{ASSETS}{library[hidden].pk}/").status_code == 200, hidden
    assert client.get(f"{ASSETS}{library['initech'].pk}/").json()["id"] == library["initech"].pk


def test_an_asset_carries_its_taxonomy_links_and_support(api, library):
    Asset.objects.filter(pk=library["pricing_card"].pk).update(usage_count=7, won_deal_count=2)
    body = api("rep").get(f"{ASSETS}{library['pricing_card'].pk}/").json()
    assert body["kind"] == "battle_card"
    assert body["stages"] == ["evaluating"]
    assert body["personas"] == ["economic-buyer"]
    assert body["competitors"] == ["globex"]
    assert body["tags"] == ["pricing"]
    assert body["url"] == f"http://testserver/assets/{library['pricing_card'].pk}/"
    assert body["file"] is None
    assert (body["usage_count"], body["won_deal_count"], body["influenced_revenue"]) == (7, 2, "0.00")
    assert body["needs_review"] is False
    for field in ("summary", "body", "status", "review_by", "published_at", "how_we_win"):
        assert field in body


def test_the_api_searches_with_the_same_semantics_as_the_page(api, rep, library):
    response = api("rep").get(ASSETS, {"q": "pricing -globex ", "ordering": "relevance"})
    page_order = [a.pk for a in search_assets(user=rep, params=SearchParams(q="pricing -globex "))]
    assert [row["id"] for row in response.json()["results"]] == page_order == [library["objection"].pk]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "comparison_guide"}, {"initech"}),
        ({"stage": "interested"}, {"security"}),
        ({"persona": "technical-evaluator"}, {"security"}),
        ({"competitor": "initech"}, {"initech"}),
        ({"tag": "telecom"}, {"security"}),
        ({"q": "batle card"}, {"pricing_card"}),
    ],
)
def test_the_api_filters_by_every_parameter(api, library, params, expected):
    rows = api("rep").get(ASSETS, params).json()["results"]
    by_id = {asset.pk: key for key, asset in library.items()}
    assert {by_id[row["id"]] for row in rows} == expected


def test_a_marketer_filters_by_status(api, library):
    rows = api("marketer").get(ASSETS, {"status": "draft"}).json()["results"]
    assert [row["id"] for row in rows] == [library["draft"].pk]


@pytest.mark.parametrize("params", [{"kind": "poem"}, {"status": "lost"}, {"ordering": "random"}])
def test_an_invalid_parameter_is_a_400_naming_it(api, library, params):
    response = api("rep").get(ASSETS, params)
    assert response.status_code == 400
    assert list(response.json()) == list(params)


@pytest.mark.parametrize(
    "params", [{"kind": "objection"}, {"competitor": "globex"}, {"q": "pricing", "tag": "pricing"}]
)
def test_the_library_page_and_the_api_filter_the_same_assets(api, rep_client, library, params):
    ids = [row["id"] for row in api("rep").get(ASSETS, params).json()["results"]]
    assert ids and ids == [asset.pk for asset in rep_client.get("/", params).context["page"]]


def test_results_are_paginated_with_count_and_links(api, db):
    for i in range(25):
        make_asset(title=f"Sheet {i}")
    body = api("rep").get(ASSETS).json()
    assert body["count"] == 25 and len(body["results"]) == 20
    assert body["next"].endswith("page=2") and body["previous"] is None


def test_an_api_search_is_logged(api, rep, library):
    api("rep").get(ASSETS, {"q": "initech", "kind": "comparison_guide"})
    log = SearchLog.objects.get()
    assert (log.user, log.query, log.filters, log.result_count) == (rep, "initech", {"kind": "comparison_guide"}, 1)


# Writing ------------------------------------------------------------------------------------------


def test_a_marketer_creates_an_asset_with_slugs_and_tag_names(api, marketer, db):
    response = api("marketer").post(ASSETS, new_asset_payload(), format="json")
    assert response.status_code == 201, response.content
    asset = Asset.objects.get(pk=response.json()["id"])
    assert asset.owner == marketer
    assert sorted(asset.tags.names()) == ["enterprise", "pricing"]
    assert [s.slug for s in asset.stages.all()] == ["evaluating"]
    # and the new asset is searchable at once, by its tags too
    assert api("marketer").get(ASSETS, {"q": "enterprise"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "poem"}, "kind"),
        ({"stages": ["nowhere"]}, "stages"),
        ({"personas": ["nobody"]}, "personas"),
    ],
)
def test_invalid_asset_fields_are_a_400(api, db, changes, field):
    response = api("marketer").post(ASSETS, new_asset_payload(**changes), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_status_change_must_follow_the_workflow(api, library):
    archived = make_asset(title="Old", status=AssetStatus.ARCHIVED)
    response = api("marketer").patch(f"{ASSETS}{archived.pk}/", {"status": "published"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    assert api("marketer").patch(f"{ASSETS}{archived.pk}/", {"status": "draft"}, format="json").status_code == 200


def test_patching_tags_reindexes_the_asset(api, library):
    client = api("marketer")
    client.patch(f"{ASSETS}{library['initech'].pk}/", {"tags": ["retail"]}, format="json")
    assert [row["id"] for row in client.get(ASSETS, {"q": "retail"}).json()["results"]] == [library["initech"].pk]


# Taxonomy -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["stages", "personas", "competitors", "tags"])
@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("outsider", 403), ("rep", 200), ("manager", 200)])
def test_the_taxonomy_is_readable_by_every_role(api, library, resource, who, status):
    assert api(who).get(f"/api/v1/{resource}/").status_code == status


def test_stages_come_in_funnel_order_with_their_definitions(api, db):
    rows = api("rep").get("/api/v1/stages/").json()["results"]
    assert [row["slug"] for row in rows] == ["curious", "engaged", "interested", "evaluating", "customer"]
    assert rows[0]["definition"]


@pytest.mark.parametrize(("who", "status"), [("rep", 403), ("manager", 403), ("marketer", 201)])
def test_only_marketers_add_competitors(api, db, who, status):
    assert api(who).post("/api/v1/competitors/", {"name": "Hooli", "slug": "hooli"}).status_code == status


def test_tags_list_their_asset_counts(api, library):
    rows = {row["name"]: row["asset_count"] for row in api("rep").get("/api/v1/tags/").json()["results"]}
    assert rows == {"pricing": 1, "telecom": 1}


# Query counts -------------------------------------------------------------------------------------


def _count_queries(user, params):
    client = APIClient()
    client.force_authenticate(type(user).objects.get(pk=user.pk))  # a fresh user: roles not cached yet
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(ASSETS, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("params", "most"),
    [({}, 10), ({"q": "pricing"}, 12), ({"q": "pricing", "stage": "evaluating"}, 12), ({"q": "pricing zeppelin"}, 19)],
)
def test_the_assets_api_runs_a_constant_number_of_queries(marketer, params, most):
    # roles; [a text search: the library version its ranking is kept under]; [the assets an exact
    # name pins]; [exists (text match)]; count; the page's stamps; stages, personas, competitors,
    # tags; the rows not kept yet (all, the first time); [the search log]. Partial matches ("pricing
    # zeppelin"): the search as typed, corrections, how many words each asset matches, their text
    # ranking, then the page as above.
    make_pricing_sheets(range(3))
    few = _count_queries(marketer, params)
    make_pricing_sheets(range(3, 30))
    many = _count_queries(marketer, params)
    assert few == many <= most


def _detail_queries(user, asset):
    client = APIClient()
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(f"{ASSETS}{asset.pk}/").json()
    return len(ctx.captured_queries), body


def test_one_asset_reads_its_taxonomy_in_one_query_however_much_it_has(marketer, db):
    # roles; the asset's stamp with its owner and verifier; its stages, personas, competitors and
    # tags; and the first time (not kept yet), the row itself
    small = make_asset(title="Small", tags=["a"], stages=["evaluating"], personas=["economic-buyer"])
    large = make_asset(
        title="Large",
        tags=[f"t{i}" for i in range(8)],
        stages=["curious", "engaged", "evaluating"],
        personas=["economic-buyer", "champion"],
        competitors=[f"Rival {i}" for i in range(5)],
    )
    few, small_body = _detail_queries(marketer, small)
    many, large_body = _detail_queries(marketer, large)
    assert few == many == 4
    assert _detail_queries(marketer, small) == (3, small_body)
    assert _detail_queries(marketer, large) == (3, large_body)
    assert small_body["tags"] == ["a"] and small_body["stages"] == ["evaluating"]
    assert large_body["tags"] == sorted(f"t{i}" for i in range(8))
    assert large_body["stages"] == ["curious", "engaged", "evaluating"]  # funnel order
    assert large_body["competitors"] == [f"rival-{i}" for i in range(5)]


def test_an_edit_answers_with_the_taxonomy_it_saved(api, db):
    asset = make_asset(title="Edited", tags=["old"], stages=["curious"])
    body = api("marketer").patch(f"{ASSETS}{asset.pk}/", {"tags": ["new"], "stages": ["engaged"]}, format="json").json()
    assert (body["tags"], body["stages"]) == (["new"], ["engaged"])


# The capped count -----------------------------------------------------------------------------------


def _bulk_assets(n, *, title, **fields):
    from django.utils import timezone

    from content.search import rebuild_index

    from .search_helpers import asset_owner

    owner = asset_owner()
    now = timezone.now()
    Asset.objects.bulk_create(
        [
            Asset(
                kind="one_pager",
                title=f"{title} {i}",
                status=AssetStatus.PUBLISHED,
                owner=owner,
                published_at=now,
                verification_interval_days=90,
                **fields,
            )
            for i in range(n)
        ]
    )
    rebuild_index()


def test_a_broad_search_counts_up_to_the_cap_and_says_there_are_more(api, db):
    from content.search.paging import COUNT_CAP

    _bulk_assets(COUNT_CAP + 5, title="Pricing sheet")
    _bulk_assets(3, title="Onboarding plan")
    body = api("rep").get(ASSETS, {"q": "pricing ", "page_size": 100}).json()
    assert (body["count"], body["count_capped"]) == (COUNT_CAP, True)
    last_page = api("rep").get(ASSETS, {"q": "pricing ", "page_size": 100, "page": COUNT_CAP // 100}).json()
    seen = {row["id"] for row in body["results"]} | {row["id"] for row in last_page["results"]}
    assert len(seen) == 200 and last_page["next"] is None
    assert api("rep").get(ASSETS, {"q": "pricing ", "page_size": 100, "page": COUNT_CAP // 100 + 1}).status_code == 404
    narrow = api("rep").get(ASSETS, {"q": "onboarding "}).json()
    assert (narrow["count"], narrow["count_capped"]) == (3, False)
    assert SearchLog.objects.filter(query__startswith="pricing").values_list("result_count", flat=True)[0] == COUNT_CAP


def test_a_page_of_a_broad_search_reads_only_its_own_assets(api, db):
    _bulk_assets(60, title="Pricing sheet", file_text="pricing " * 2000)
    with CaptureQueriesContext(connection) as ctx:
        body = api("rep").get(ASSETS, {"q": "pricing", "page_size": 20, "page": 2}).json()
    assert body["count"] == 60 and len(body["results"]) == 20
    page = {row["id"] for row in body["results"]}
    # the page's stamps, then (none kept yet) its rows: the extracted text is searched, never shown
    stamps = [q["sql"] for q in ctx.captured_queries if 'AS "usage_count"' in q["sql"]]
    reads = [q["sql"] for q in ctx.captured_queries if '"content_asset"."title"' in q["sql"]]
    assert len(stamps) == 1 and len(reads) == 1 and '"content_asset"."file_text"' not in reads[0]
    # the ranked list is 60 long; every id list in the page's SQL is the page's 20 ids
    id_lists = re.findall(r"\{([\d,]+)\}|\"content_asset\".\"id\" IN \(([\d, ]+)\)", stamps[0] + reads[0])
    id_lists = [{int(pk) for pk in (array or listed).split(",")} for array, listed in id_lists]
    assert len(id_lists) >= 2 and all(ids == page for ids in id_lists)


def test_the_capped_count_leaves_out_what_the_caller_may_not_see(api, db):
    _bulk_assets(4, title="Pricing sheet")
    Asset.objects.filter(pk=Asset.objects.order_by("pk").first().pk).update(status=AssetStatus.DRAFT)
    assert api("rep").get(ASSETS, {"q": "pricing"}).json()["count"] == 3
    assert api("marketer").get(ASSETS, {"q": "pricing"}).json()["count"] == 4


def test_a_misspelt_query_answers_with_its_correction(api, library):
    body = api("rep").get(ASSETS, {"q": "batle card"}).json()
    assert body["corrected_query"] == "battle card"
    assert body["results"][0]["title"] == "Battle card: Globex pricing"
    assert api("rep").get(ASSETS, {"q": "battle card"}).json()["corrected_query"] == ""


def test_partial_matches_are_flagged(api, library):
    body = api("rep").get(ASSETS, {"q": "globex zeppelin"}).json()
    assert body["partial_match"] is True and body["corrected_query"] == ""
    assert body["results"][0]["title"] == "Battle card: Globex pricing"
    assert api("rep").get(ASSETS, {"q": "globex pricing"}).json()["partial_match"] is False
    assert api("rep").get(ASSETS).json()["partial_match"] is False


def test_kind_words_filter_the_api_like_the_page(api, library):
    body = api("rep").get(ASSETS, {"q": "case study"}).json()
    assert [row["kind"] for row in body["results"]] == ["case_study"]


def test_a_listed_asset_shows_the_same_taxonomy_as_its_own_page(api, db):
    asset = make_asset(
        title="Pricing sheet",
        tags=["zeta", "alpha"],
        stages=["evaluating", "curious"],
        personas=["operations-lead", "economic-buyer"],
        competitors=["Umbrella", "Globex"],
    )
    make_asset(title="Pricing plan", tags=["beta"])
    listed = {row["id"]: row for row in api("rep").get(ASSETS, {"q": "pricing"}).json()["results"]}
    detail = api("rep").get(f"{ASSETS}{asset.pk}/").json()
    for field in ("stages", "personas", "competitors", "tags"):
        assert listed[asset.pk][field] == detail[field]
    assert detail["stages"] == ["curious", "evaluating"] and detail["tags"] == ["alpha", "zeta"]
    assert detail["competitors"] == ["globex", "umbrella"]
