"""Deal prep: a rep's open deals, and for one deal the assets proven to win deals like it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import AssetKind, Competitor, FunnelStage, Persona

from .assets_helpers import fast_passwords  # noqa: F401 - autouse
from .factories import AssetFactory, DealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage():
    return FunnelStage.objects.order_by("order")[2]


@pytest.fixture
def persona():
    return Persona.objects.first()


@pytest.fixture
def rival():
    return Competitor.objects.create(name="Acme")


@pytest.fixture
def deal(rep, stage, persona, rival):
    deal = DealFactory(
        owner=rep, funnel_stage=stage, name="Globex expansion", account="Globex", amount=Decimal("48000")
    )
    deal.personas.add(persona)
    deal.competitors.add(rival)
    return deal


def prep_url(deal):
    return reverse("deal-prep-detail", args=[deal.crm_id])


def asset_for(*, stages=(), personas=(), competitors=(), **kwargs):
    asset = AssetFactory(**kwargs)
    asset.stages.add(*stages)
    asset.personas.add(*personas)
    asset.competitors.add(*competitors)
    return asset


def test_a_rep_picks_from_their_own_open_deals(rep_client, rep, other_rep):
    mine = DealFactory(owner=rep, name="Mine")
    DealFactory(owner=rep, name="Won already", status="won", close_date=timezone.localdate())
    DealFactory(owner=other_rep, name="Theirs")
    response = rep_client.get(reverse("deal-prep"))
    assert list(response.context["page"]) == [mine]
    assert reverse("deal-prep-detail", args=[mine.crm_id]) in response.content.decode()


def test_a_manager_may_pick_any_open_deal_and_search_by_account(manager_client, rep, other_rep):
    DealFactory(owner=rep, account="Initech")
    theirs = DealFactory(owner=other_rep, account="Globex")
    assert len(manager_client.get(reverse("deal-prep")).context["page"]) == 2
    assert list(manager_client.get(reverse("deal-prep") + "?q=glob").context["page"]) == [theirs]


def test_the_autocomplete_answers_with_the_list_partial(rep_client, rep):
    DealFactory(owner=rep, name="Globex")
    response = rep_client.get(reverse("deal-prep") + "?q=glo", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="deal-list")
    assert [t.name for t in response.templates] == ["deal_prep/_deals.html", "includes/pagination.html"]
    assert "Globex" in response.content.decode()


def test_a_rep_without_open_deals_is_told_so(rep_client):
    assert "You have no open deals." in rep_client.get(reverse("deal-prep")).content.decode()


def test_a_manager_without_deals_is_pointed_to_the_import(manager_client):
    assert "Import them from your CRM" in manager_client.get(reverse("deal-prep")).content.decode()


def test_the_deal_header_shows_account_amount_stage_personas_and_competitors(rep_client, deal, stage, persona):
    html = rep_client.get(prep_url(deal)).content.decode()
    for text in ("Globex expansion", "Globex", "48,000 USD", stage.name, persona.name, "Acme"):
        assert text in html


def test_recommendations_rank_by_won_deal_support_then_fit(rep_client, deal, stage, persona, rival):
    fits_all_unproven = asset_for(title="Fits all", stages=[stage], personas=[persona], competitors=[rival])
    proven = asset_for(title="Proven", stages=[stage], won_deal_count=5, influenced_revenue=Decimal("90000"))
    proven_richer = asset_for(
        title="Proven richer", personas=[persona], won_deal_count=5, influenced_revenue=Decimal("250000")
    )
    asset_for(title="Elsewhere", stages=[FunnelStage.objects.order_by("order")[0]], won_deal_count=50)
    asset_for(title="Draft", stages=[stage], status="draft", won_deal_count=99)
    asset_for(title="Expired", stages=[stage], won_deal_count=99, expires_on=timezone.localdate())
    asset_for(
        title="Future", stages=[stage], won_deal_count=99, published_at=timezone.now() + datetime.timedelta(days=2)
    )
    prep = rep_client.get(prep_url(deal)).context["prep"]
    assert prep.recommended == [proven_richer, proven, fits_all_unproven]


def test_marketers_too_are_only_recommended_released_assets(marketer_client, deal, stage):
    asset_for(title="Draft", stages=[stage], status="draft")
    assert marketer_client.get(prep_url(deal)).context["prep"].recommended == []


def test_objection_entries_for_the_stage_or_competitor_are_listed_apart(rep_client, deal, stage, rival):
    both = asset_for(
        kind=AssetKind.OBJECTION, title="Both", objection="Acme is cheaper", stages=[stage], competitors=[rival]
    )
    stage_only = asset_for(kind=AssetKind.OBJECTION, title="Stage", objection="No budget", stages=[stage])
    asset_for(kind=AssetKind.OBJECTION, title="Other stage", stages=[FunnelStage.objects.order_by("order")[0]])
    prep = rep_client.get(prep_url(deal)).context["prep"]
    assert prep.objections == [both, stage_only]
    assert all(a.kind != AssetKind.OBJECTION for a in prep.recommended)


def test_each_competitor_gets_its_best_supported_battle_card_or_a_gap(rep_client, deal, rival):
    other = Competitor.objects.create(name="Initech")
    deal.competitors.add(other)
    asset_for(kind=AssetKind.BATTLE_CARD, title="Old card", competitors=[rival], won_deal_count=1)
    best = asset_for(
        kind=AssetKind.BATTLE_CARD, title="Best card", competitors=[rival], won_deal_count=7, how_we_win="Speed"
    )
    response = rep_client.get(prep_url(deal))
    assert response.context["prep"].battle_cards == [(rival, best), (other, None)]
    assert "No battle card against Initech yet." in response.content.decode()


def test_a_deal_with_nothing_to_match_says_so(rep_client, rep):
    bare = DealFactory(owner=rep)
    assert "nothing can be matched to it" in rep_client.get(prep_url(bare)).content.decode()


def test_a_rep_may_not_prepare_another_reps_deal_but_a_manager_may(client, other_rep, manager, deal):
    client.force_login(other_rep)
    assert client.get(prep_url(deal)).status_code == 404  # not found, like a missing deal
    client.force_login(manager)
    assert client.get(prep_url(deal)).status_code == 200


def test_anonymous_visitors_sign_in_and_outsiders_are_refused(client, outsider, deal):
    for url in (reverse("deal-prep"), prep_url(deal)):
        assert client.get(url).status_code == 302
    client.force_login(outsider)
    for url in (reverse("deal-prep"), prep_url(deal)):
        assert client.get(url).status_code == 403


def test_an_unknown_deal_is_not_found(rep_client):
    assert rep_client.get(reverse("deal-prep-detail", args=["nope"])).status_code == 404


def _fill(n, stage, persona, rival):
    for i in range(n):
        asset_for(title=f"Asset {n}-{i}", stages=[stage], personas=[persona], won_deal_count=i)
        asset_for(kind=AssetKind.OBJECTION, title=f"Objection {n}-{i}", stages=[stage], competitors=[rival])
        asset_for(kind=AssetKind.BATTLE_CARD, title=f"Card {n}-{i}", competitors=[rival])


def test_the_prep_page_runs_a_constant_number_of_queries(
    rep_client, deal, stage, persona, rival, django_assert_max_num_queries
):
    # session, user, groups; deal with stage and owner; personas; competitors;
    # recommended; objections; battle cards = 9
    _fill(2, stage, persona, rival)
    with django_assert_max_num_queries(9):
        rep_client.get(prep_url(deal))
    _fill(20, stage, persona, rival)
    with django_assert_max_num_queries(9):
        response = rep_client.get(prep_url(deal))
    assert len(response.context["prep"].recommended) == 12 and len(response.context["prep"].objections) == 10
