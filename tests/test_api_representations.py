"""Asset representations are kept per asset (content/api/representations.py) under a key that holds
everything they show: whatever changes, the next answer is the one a fresh conversion gives, and
a kept one is never shown to someone who may not see the asset."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIClient
from taggit.models import Tag

from content.api import representations
from content.api.assets import AssetSerializer
from content.assets import asset_transition, asset_update, asset_verify
from content.models import Asset, AssetStatus, FunnelStage, Persona
from content.permissions import visible_assets
from content.support import refresh_support
from content.tokens import token_issue
from content.usage import log_usage

from .factories import DealFactory, UserFactory
from .search_helpers import make_asset, make_pricing_sheets

ASSETS = "/api/v1/assets/"


@pytest.fixture
def conversions(monkeypatch):
    """How many assets were converted (not read from the cache) so far."""
    counted = []
    original = AssetSerializer.to_representation
    monkeypatch.setattr(AssetSerializer, "to_representation", lambda self, a: counted.append(a.pk) or original(self, a))
    return counted


def fresh(client, path, settings):
    """The answer with nothing kept: what a fresh conversion gives."""
    kept = settings.SEARCH_CACHE_SECONDS
    settings.SEARCH_CACHE_SECONDS = 0
    try:
        return client.get(path).json()
    finally:
        settings.SEARCH_CACHE_SECONDS = kept


@pytest.fixture
def asset(marketer):
    asset = make_asset(
        title="Pricing sheet",
        tags=["pricing"],
        stages=["evaluating"],
        personas=["economic-buyer"],
        competitors=["Ledgerly"],
        owner=marketer,
    )
    return asset_verify(asset=asset, actor=marketer)


def test_a_kept_representation_is_the_converted_one(rep_api, asset, conversions, settings):
    path = f"{ASSETS}{asset.pk}/"
    first = rep_api.get(path).json()
    assert conversions == [asset.pk]
    second = rep_api.get(path).json()
    assert conversions == [asset.pk]  # from the cache
    assert first == second == fresh(rep_api, path, settings)
    assert first["verified_by"] == asset.verified_by.username and first["stages"] == ["evaluating"]
    # the list keeps the same representation, under the same key
    listed = rep_api.get(ASSETS).json()["results"]
    assert conversions == [asset.pk, asset.pk]  # fresh() converted once
    assert listed == [{**first, "passage": None}]


def _rename_stage(asset, marketer):
    FunnelStage.objects.filter(slug="evaluating").update(slug="evaluating-now")  # no save signal either


def _reorder_stages(asset, marketer):
    asset.stages.add(FunnelStage.objects.get(slug="curious"))
    curious = FunnelStage.objects.get(slug="curious")
    FunnelStage.objects.filter(pk=curious.pk).update(order=99)


def _rename_owner(asset, marketer):
    type(marketer).objects.filter(pk=marketer.pk).update(username="dana-renamed")


def _rename_verifier(asset, marketer):
    type(marketer).objects.filter(pk=marketer.pk).update(first_name="Dana", last_name="Whitfield")


def _figures_written_without_a_save(asset, marketer):
    Asset.objects.filter(pk=asset.pk).update(won_deal_count=7, influenced_revenue="1234.50")


def _usage_logged(asset, marketer):
    rep = UserFactory(groups=["Sales"])
    log_usage(user=rep, asset=asset, deal=DealFactory(owner=rep), action="shared")
    refresh_support([asset.pk])


CHANGES = {
    "edited": lambda asset, marketer: asset_update(actor=marketer, asset=asset, title="Pricing sheet 2027"),
    "tag added": lambda asset, marketer: asset.tags.add("discount"),
    "stage renamed": _rename_stage,
    "stages reordered": _reorder_stages,
    "owner renamed": _rename_owner,
    "verifier renamed": _rename_verifier,
    "figures written without a save": _figures_written_without_a_save,
    "usage logged": _usage_logged,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_shows_at_once(rep_api, marketer, asset, settings, change):
    path = f"{ASSETS}{asset.pk}/"
    before = rep_api.get(path).json()
    CHANGES[change](Asset.objects.get(pk=asset.pk), marketer)
    after = rep_api.get(path).json()
    assert after == fresh(rep_api, path, settings)
    assert after != before
    assert rep_api.get(ASSETS).json()["results"] == [{**after, "passage": None}]


def _stage_renamed_through_its_save(asset, marketer):
    stage = FunnelStage.objects.get(slug="evaluating")
    stage.slug = "evaluating-now"
    stage.save()


def _stages_reordered_through_their_save(asset, marketer):
    asset.stages.add(FunnelStage.objects.get(slug="curious"))
    curious = FunnelStage.objects.get(slug="curious")
    curious.order = 99
    curious.save()


def _persona_renamed(asset, marketer):
    persona = asset.personas.get()
    persona.slug = "money-holder"
    persona.save()


def _tag_renamed(asset, marketer):
    tag = Tag.objects.get(name="pricing")
    tag.name = "pricing-2027"
    tag.save()


SEARCH_PAGE_CHANGES = {
    **{name: CHANGES[name] for name in ("edited", "tag added", "owner renamed", "usage logged")},
    "stage renamed": _stage_renamed_through_its_save,
    "stages reordered": _stages_reordered_through_their_save,
    "persona renamed": _persona_renamed,
    "persona added": lambda asset, marketer: asset.personas.add(Persona.objects.get(slug="end-user-champion")),
    "tag renamed": _tag_renamed,
}


@pytest.mark.parametrize("change", list(SEARCH_PAGE_CHANGES))
def test_every_change_shows_at_once_on_a_kept_search_page(rep_api, marketer, asset, settings, change):
    # A search's page is kept by the library version of its ranking, not by its assets' taxonomy,
    # which it does not read: each change through the app moves the version.
    search = f"{ASSETS}?q=pricing"
    before = rep_api.get(search).json()["results"]
    assert rep_api.get(search).json()["results"] == before  # kept whole
    SEARCH_PAGE_CHANGES[change](Asset.objects.get(pk=asset.pk), marketer)
    after = rep_api.get(search).json()["results"]
    assert after == fresh(rep_api, search, settings)["results"]
    assert after != before


def test_a_kept_search_page_reads_no_taxonomy(rep_api, asset):
    search = f"{ASSETS}?q=pricing"
    first = rep_api.get(search).json()["results"]
    with CaptureQueriesContext(connection) as ctx:
        assert rep_api.get(search).json()["results"] == first
    read = " ".join(query["sql"] for query in ctx.captured_queries)
    assert "content_asset_stages" not in read and "taggit_taggeditem" not in read
    # the asset API by id and a list without words still read it: their key holds it
    with CaptureQueriesContext(connection) as ctx:
        rep_api.get(f"{ASSETS}{asset.pk}/")
        rep_api.get(ASSETS)
    assert sum("content_asset_stages" in query["sql"] for query in ctx.captured_queries) == 2


def test_time_moves_the_review_state(rep_api, marketer, asset, settings, monkeypatch):
    """A release time reached, then a review date passed: the same row, another representation."""
    release = timezone.now() + datetime.timedelta(hours=2)
    Asset.objects.filter(pk=asset.pk).update(published_at=release)
    path = f"{ASSETS}{asset.pk}/"
    manager_api = APIClient()
    manager_api.force_authenticate(UserFactory(groups=["Managers"]))  # sees the scheduled asset
    assert manager_api.get(path).json()["review"]["state"] == "scheduled"
    assert rep_api.get(path).status_code == 404  # not released yet

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=3))
    assert manager_api.get(path).json()["review"]["state"] == "fresh"
    assert rep_api.get(path).json()["review"]["state"] == "fresh"

    review_by = Asset.objects.get(pk=asset.pk).review_by
    days = (review_by - timezone.localdate(real_now())).days + 1  # from today, not from 3 hours on
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(days=days))
    body = rep_api.get(path).json()
    assert body["review"]["state"] == "review_due" and body["needs_review"] is True
    assert body == fresh(rep_api, path, settings)


def test_a_kept_asset_is_never_shown_to_who_may_no_longer_see_it(rep_api, marketer, asset):
    path = f"{ASSETS}{asset.pk}/"
    assert rep_api.get(path).status_code == 200
    assert rep_api.get(ASSETS, {"q": "pricing"}).json()["count"] == 1
    asset_transition(asset=Asset.objects.get(pk=asset.pk), to_status=AssetStatus.ARCHIVED, actor=marketer)
    assert rep_api.get(path).status_code == 404
    assert rep_api.get(ASSETS, {"q": "pricing"}).json()["count"] == 0


def test_links_follow_the_host_asked(asset, rep):
    client = APIClient()
    client.force_authenticate(rep)
    path = f"{ASSETS}{asset.pk}/"
    one = client.get(path, HTTP_HOST="testserver").json()["url"]
    other = client.get(path, HTTP_HOST="localhost").json()["url"]
    assert one.startswith("http://testserver/") and other.startswith("http://localhost/")


def test_the_passage_is_the_searchs_own(rep, asset, conversions):
    """A search's best passage is added to each answer; it is never part of what is kept with the
    asset, and a page kept whole is kept with the passages it showed."""

    from content.models import Passage
    from content.semantic.index import Hit

    request = Request(RequestFactory().get(ASSETS))
    request.user = rep
    cfo, prepay = (
        Passage.objects.create(
            asset=asset, ordinal=n, text=text, page=page, text_hash=str(n), vector=b"", model_version="t"
        )
        for n, text, page in [(1, "Discounts above 20% need the CFO.", 2), (3, "Annual prepay earns 5%.", None)]
    )

    def represent(passage, score=0.5):
        hits = {asset.pk: Hit(passage.pk, asset.pk, score)} if passage else {}
        rows = Asset.objects.select_related("owner", "verified_by")
        stamps = list(rows.filter(pk=asset.pk).values(*representations.STAMP_FIELDS))
        serializer = AssetSerializer(context={"request": request})
        return representations.represent(serializer, stamps, rows=rows, search=SimpleNamespace(passages=hits))[0]

    first = represent(cfo, 0.81)
    second = represent(prepay, 0.66)
    third = represent(None)
    assert conversions == [asset.pk]
    assert first["passage"]["text"] == "Discounts above 20% need the CFO." and first["passage"]["page"] == 2
    assert second["passage"]["text"] == "Annual prepay earns 5%." and second["passage"]["score"] == 0.66
    assert third["passage"] is None
    assert {k: v for k, v in first.items() if k != "passage"} == {k: v for k, v in third.items() if k != "passage"}
    assert represent(cfo, 0.81) == first and represent(cfo, 0.7)["passage"]["score"] == 0.7  # the score is in the key


def test_keeping_off_converts_every_time(rep_api, asset, conversions, settings):
    settings.SEARCH_CACHE_SECONDS = 0
    for _ in range(3):
        assert rep_api.get(f"{ASSETS}{asset.pk}/").status_code == 200
    assert conversions == [asset.pk] * 3


def test_a_kept_page_runs_the_same_queries_at_two_sizes(marketer):
    """Once kept, a page still reads its rows and their taxonomy (both part of the key), each in
    one query, whatever the page holds."""
    client = APIClient()
    client.force_authenticate(marketer)

    def counted():
        client.get(ASSETS)  # converts and keeps the page
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(ASSETS).status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        make_asset(title=f"Sheet {n}", tags=[f"t{n}"], stages=["evaluating"])
    few = counted()
    for n in range(2, 15):
        make_asset(title=f"Sheet {n}", tags=[f"t{n}"], stages=["evaluating"])
    assert counted() == few


# An API token's query reads the user's roles too ---------------------------------------------------


def _token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user).key}")
    return client


def test_a_token_reads_its_users_roles_in_the_same_query(rep, asset):
    client = _token_client(rep)
    client.get(f"{ASSETS}{asset.pk}/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"{ASSETS}{asset.pk}/").status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    # the token with its user and roles; the asset's stamp with its owner and verifier; its taxonomy
    assert len(sql) == 3, sql
    assert "auth_user_groups" in sql[0]


def test_a_role_change_counts_from_the_next_call(rep, asset):
    client = _token_client(rep)
    assert client.get("/api/v1/reports/usage/").status_code == 403
    rep.groups.add(Group.objects.get(name="Managers"))
    assert client.get("/api/v1/reports/usage/").status_code == 200
    rep.groups.clear()
    assert client.get(f"{ASSETS}{asset.pk}/").status_code == 403


def test_only_a_role_groups_exact_name_grants_it(rep, asset):
    rep.groups.clear()
    rep.groups.add(Group.objects.create(name="Sales,Managers"), Group.objects.create(name="sales"))
    assert _token_client(rep).get(f"{ASSETS}{asset.pk}/").status_code == 403


def test_a_serializer_with_other_fields_reads_nothing_kept_by_another(rep, asset):
    """A release that adds or drops a field (a subclass stands in for it) converts anew."""

    class Narrower(AssetSerializer):
        class Meta(AssetSerializer.Meta):
            fields = [name for name in AssetSerializer.Meta.fields if name != "body"]

    request = Request(RequestFactory().get(ASSETS))
    request.user = rep
    rows = Asset.objects.select_related("owner", "verified_by")
    stamps = list(rows.filter(pk=asset.pk).values(*representations.STAMP_FIELDS))
    wide = representations.represent(AssetSerializer(context={"request": request}), stamps, rows=rows)[0]
    narrow = representations.represent(Narrower(context={"request": request}), stamps, rows=rows)[0]
    assert "body" in wide and "body" not in narrow
    assert list(narrow) == Narrower.Meta.fields


# A page reads its stamps; only the assets not kept are read whole -------------------------------


def _full_rows(queries) -> list[str]:
    """The queries that read assets whole (their body), not only what their keys need."""
    return [q["sql"] for q in queries if '"content_asset"."body"' in q["sql"]]


def test_a_kept_page_reads_no_asset_whole(rep_api, asset, conversions):
    make_asset(title="Pricing FAQ", tags=["pricing"])
    rep_api.get(ASSETS, {"q": "pricing"})
    assert len(conversions) == 2
    with CaptureQueriesContext(connection) as ctx:
        body = rep_api.get(ASSETS, {"q": "pricing"}).json()
    assert body["count"] == 2 and len(conversions) == 2
    assert _full_rows(ctx.captured_queries) == []


def test_only_a_changed_asset_is_read_whole_and_converted(rep_api, marketer, asset, conversions, settings):
    other = make_asset(title="Pricing FAQ", tags=["pricing"])
    rep_api.get(ASSETS, {"q": "pricing"})
    _figures_written_without_a_save(asset, marketer)
    with CaptureQueriesContext(connection) as ctx:
        after = rep_api.get(ASSETS, {"q": "pricing"}).json()["results"]
    assert conversions[2:] == [asset.pk]
    (read,) = _full_rows(ctx.captured_queries)
    assert f'"content_asset"."id" IN ({asset.pk})' in read and f"IN ({other.pk})" not in read
    assert [a["won_deal_count"] for a in after if a["id"] == asset.pk] == [7]
    assert after == fresh(rep_api, f"{ASSETS}?q=pricing", settings)["results"]


def test_an_asset_gone_between_its_stamp_and_its_row_is_left_out(rep, asset):
    """Not kept, and archived between the page's two reads: left out, not shown half-read."""
    request = Request(RequestFactory().get(ASSETS))
    request.user = rep
    serializer = AssetSerializer(context={"request": request})
    rows = Asset.objects.select_related("owner", "verified_by")
    stamps = list(rows.filter(pk=asset.pk).values(*representations.STAMP_FIELDS))
    assert representations.represent(serializer, stamps, rows=rows.exclude(pk=asset.pk)) == []
    assert [a["id"] for a in representations.represent(serializer, stamps, rows=rows)] == [asset.pk]


# Passages are kept by id (a passage row is never changed: an asset's are written anew) ------------


def _passage_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if '"content_passage"."text"' in q["sql"]]


def test_a_searchs_passages_are_read_once_then_kept(counting_encoder, rep_api, settings):
    from .factories import AssetFactory

    asset = AssetFactory(title="Security whitepaper", body="", file_text="Intro.\fWe encrypt data at rest.")
    first = rep_api.get(ASSETS, {"q": "encrypt data at rest"}).json()["results"]
    with CaptureQueriesContext(connection) as ctx:
        second = rep_api.get(ASSETS, {"q": "encrypt data at rest"}).json()["results"]
    assert _passage_queries(ctx.captured_queries) == []
    assert first == second == fresh(rep_api, f"{ASSETS}?q=encrypt+data+at+rest", settings)["results"]
    passage = second[0]["passage"]
    assert passage["text"] == "We encrypt data at rest." and passage["page"] == 2
    assert passage["url"].endswith(f"/assets/{asset.pk}/#passage-2")

    # the file changes: its passages are written anew, under new ids, and the search shows the new text
    asset.file_text = "Intro.\fWe encrypt data at rest and in transit."
    asset.save()
    again = rep_api.get(ASSETS, {"q": "encrypt data at rest"}).json()["results"]
    assert again[0]["passage"]["text"] == "We encrypt data at rest and in transit."


def test_passages_are_read_every_time_when_keeping_is_off(counting_encoder, rep_api, settings):
    from .factories import AssetFactory

    AssetFactory(title="Security whitepaper", body="", file_text="Intro.\fWe encrypt data at rest.")
    settings.SEARCH_CACHE_SECONDS = 0
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert rep_api.get(ASSETS, {"q": "encrypt data at rest"}).json()["results"][0]["passage"]
        assert len(_passage_queries(ctx.captured_queries)) == 1


@pytest.mark.parametrize("key", ["999999", "abc", "1.5", "0", "-1", "99999999999999999999", "\u0663"])
def test_an_id_that_names_no_asset_is_a_404(rep_api, asset, key):
    assert rep_api.get(f"{ASSETS}{key}/").status_code == 404


def test_a_page_seen_before_is_one_cache_read(rep_api, marketer, asset, monkeypatch, settings):
    """The same page again (same assets as they were, same passages): read whole from the cache,
    nothing converted nor put together; a change to one of its assets puts it together again."""
    make_asset(title="Pricing FAQ", tags=["pricing"])
    first = rep_api.get(ASSETS, {"q": "pricing"}).json()["results"]
    assembled = []
    original = AssetSerializer.get_passage
    monkeypatch.setattr(AssetSerializer, "get_passage", lambda self, a: assembled.append(a.pk) or original(self, a))
    read = []
    kept = representations.cache
    monkeypatch.setattr(
        representations,
        "cache",
        SimpleNamespace(
            get=lambda key: read.append(key) or kept.get(key),
            get_many=lambda keys: read.extend(keys) or kept.get_many(keys),
            set_many=kept.set_many,
        ),
    )
    assert rep_api.get(ASSETS, {"q": "pricing"}).json()["results"] == first
    assert assembled == []
    assert len(read) == 1 and read[0].startswith(representations.PAGE_PREFIX)  # no asset's own key is read
    _figures_written_without_a_save(asset, marketer)
    after = rep_api.get(ASSETS, {"q": "pricing"}).json()["results"]
    assert sorted(assembled) == sorted(a["id"] for a in after)  # one kept, one converted, both with their passage
    assert after == fresh(rep_api, f"{ASSETS}?q=pricing", settings)["results"]


def test_a_page_whose_row_moved_after_its_stamp_is_not_kept_whole(rep, asset, marketer):
    """The row read whole is newer than the stamp the page's key was made of: the page is answered
    from the row, and kept only per asset, under the row's own key."""
    request = Request(RequestFactory().get(ASSETS))
    request.user = rep
    serializer = AssetSerializer(context={"request": request})
    rows = Asset.objects.select_related("owner", "verified_by")
    stamps = list(rows.filter(pk=asset.pk).values(*representations.STAMP_FIELDS))
    _figures_written_without_a_save(asset, marketer)  # between the stamp and the row
    (moved,) = representations.represent(serializer, stamps, rows=rows)
    assert moved["won_deal_count"] == 7
    Asset.objects.filter(pk=asset.pk).update(won_deal_count=0, influenced_revenue=0)  # back as stamped
    (back,) = representations.represent(serializer, stamps, rows=rows)
    assert back["won_deal_count"] == 0


def test_a_ranked_pages_stamps_are_the_visible_rows_in_the_ranked_order(rep, marketer):
    """`ranked_stamps` reads a page of ranked ids with a statement compiled once: the rows it gives,
    and which of them each user may see, are those of the visible assets' values() query."""
    now = timezone.now()
    shown = make_asset(title="Released", status=AssetStatus.PUBLISHED, published_at=now - datetime.timedelta(days=1))
    hidden = [
        make_asset(title="Draft", status=AssetStatus.DRAFT),
        make_asset(title="Archived", status=AssetStatus.ARCHIVED),
        make_asset(title="Scheduled", status=AssetStatus.PUBLISHED, published_at=now + datetime.timedelta(hours=1)),
        make_asset(
            title="Expired",
            status=AssetStatus.PUBLISHED,
            published_at=now - datetime.timedelta(days=9),
            expires_on=timezone.localdate(now),
        ),
    ]
    also = make_asset(title="Also released", status=AssetStatus.PUBLISHED)
    ids = [hidden[0].pk, also.pk, 999_999, *[a.pk for a in hidden[1:]], shown.pk]
    fields = (*representations.STAMP_FIELDS, "status", "expires_on")
    for user in (rep, marketer):
        expected = {row["pk"]: row for row in visible_assets(user).filter(pk__in=ids).values(*fields)}
        stamps = representations.ranked_stamps(user, ids)
        assert [row["pk"] for row in stamps] == [pk for pk in ids if pk in expected]  # the ranked order
        assert stamps == [expected[row["pk"]] for row in stamps]  # as values() converts them
    assert [row["pk"] for row in representations.ranked_stamps(rep, ids)] == [also.pk, shown.pk]
    assert len(representations.ranked_stamps(marketer, ids)) == 6


def test_the_stamps_statement_is_compiled_once(rep, monkeypatch):
    from django.db.models.sql.compiler import SQLCompiler

    make_pricing_sheets(range(4))
    ids = list(Asset.objects.values_list("pk", flat=True))
    representations.ranked_stamps(rep, ids[:2])
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    assert [row["pk"] for row in representations.ranked_stamps(rep, ids[2:4])] == ids[2:4]
    assert compiled == []
    with CaptureQueriesContext(connection) as queries:
        representations.ranked_stamps(rep, ids[1:3])
    assert len(queries) == 1
