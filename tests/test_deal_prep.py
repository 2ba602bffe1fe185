"""Deal prep: a rep's open deals, and for one deal what to bring, read from its CRM fields and
explained in plain words."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from content.deal_picker import deal_label
from content.models import AssetKind, Competitor, DealStatus, FunnelStage, Persona

from .assets_helpers import fast_passwords  # noqa: F401 - autouse
from .factories import AssetFactory, DealFactory, UsageFactory

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


def asset_for(*, stages=(), personas=(), competitors=(), tags=(), **kwargs):
    asset = AssetFactory(**kwargs)
    asset.stages.add(*stages)
    asset.personas.add(*personas)
    asset.competitors.add(*competitors)
    asset.tags.add(*tags)
    return asset


def closed_deal(*, status, competitor=None, **kwargs):
    deal = DealFactory(status=status, close_date=timezone.localdate() - datetime.timedelta(days=5), **kwargs)
    if competitor:
        deal.competitors.add(competitor)
    return deal


def used(asset, deal, **kwargs):
    kwargs.setdefault("used_at", timezone.now() - datetime.timedelta(days=30))  # before the close
    return UsageFactory(asset=asset, deal=deal, user=deal.owner, **kwargs)


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


def test_the_deal_header_shows_account_amount_stage_product_industry_personas_and_competitors(
    rep_client, deal, stage, persona
):
    deal.product_line, deal.industry = "Ledgerline Pay", "Logistics"
    deal.save()
    html = rep_client.get(prep_url(deal)).content.decode()
    for text in (
        "Globex expansion",
        "Globex",
        "$48,000",
        stage.name,
        persona.name,
        "Acme",
        "Ledgerline Pay",
        "Logistics",
    ):
        assert text in html


def test_the_one_pager_for_the_deals_product_comes_first_and_says_so(rep_client, rep, stage):
    deal = DealFactory(owner=rep, funnel_stage=stage, product_line="Ledgerline Pay")
    proven = asset_for(title="Proven generic", stages=[stage], won_deal_count=40)
    deck = asset_for(title="Pay deck", kind=AssetKind.DECK, tags=["ledgerline pay"])
    one_pager = asset_for(title="Pay one-pager", tags=["Ledgerline Pay"])
    response = rep_client.get(prep_url(deal))
    prep = response.context["prep"]
    assert prep.recommended == [one_pager, deck, proven]
    assert prep.recommended[0].reasons[0] == "One-pager for Ledgerline Pay, the product on this deal"
    assert "of this deal's terms" not in response.content.decode()
    assert "One-pager for Ledgerline Pay, the product on this deal" in response.content.decode()


def test_fit_to_the_deal_outranks_proven_support_which_breaks_ties(rep_client, deal, stage, persona, rival):
    deal.industry = "Logistics"
    deal.save()
    stage_only_proven = asset_for(title="Stage, proven", stages=[stage], won_deal_count=30)
    stage_only = asset_for(title="Stage", stages=[stage], won_deal_count=2)
    against_rival = asset_for(title="Against Acme", competitors=[rival])
    logistics = asset_for(title="Logistics story", kind=AssetKind.CASE_STUDY, industry="logistics")
    persona_and_stage = asset_for(title="Persona and stage", stages=[stage], personas=[persona])
    asset_for(title="Elsewhere", stages=[FunnelStage.objects.order_by("order")[0]], won_deal_count=50)
    asset_for(title="Draft", stages=[stage], status="draft", won_deal_count=99)
    asset_for(title="Expired", stages=[stage], won_deal_count=99, expires_on=timezone.localdate())
    asset_for(
        title="Future", stages=[stage], won_deal_count=99, published_at=timezone.now() + datetime.timedelta(days=2)
    )
    prep = rep_client.get(prep_url(deal)).context["prep"]
    # competitor > industry > stage and persona > stage alone (FIT_WEIGHTS), then won deals
    assert prep.recommended == [against_rival, logistics, persona_and_stage, stage_only_proven, stage_only]
    reasons = {asset.title: asset.reasons for asset in prep.recommended}
    assert reasons["Logistics story"] == ["A Logistics customer, like this account"]
    assert reasons["Persona and stage"] == [f"Written for the {stage.name} stage", f"Written for the {persona.name}"]


def test_a_deal_without_a_competitor_gets_nothing_written_against_one(rep_client, rep, stage, rival):
    deal = DealFactory(owner=rep, funnel_stage=stage)
    generic = asset_for(title="Generic story", kind=AssetKind.CASE_STUDY, stages=[stage])
    asset_for(title="Displacing Acme", kind=AssetKind.CASE_STUDY, stages=[stage], competitors=[rival], won_deal_count=9)
    asset_for(kind=AssetKind.OBJECTION, title="Acme is cheaper", stages=[stage], competitors=[rival])
    asset_for(kind=AssetKind.BATTLE_CARD, title="Acme card", competitors=[rival])
    response = rep_client.get(prep_url(deal))
    prep = response.context["prep"]
    assert prep.recommended == [generic]
    assert prep.objections == [] and prep.battle_cards == []
    html = response.content.decode()
    assert "Battle cards" not in html and "Objections you may hear" not in html


def test_a_deal_against_one_competitor_gets_nothing_written_against_another(rep_client, deal, stage, rival):
    other = Competitor.objects.create(name="Initech")
    both = asset_for(title="Acme and Initech", stages=[stage], competitors=[rival, other])
    asset_for(title="Initech only", stages=[stage], competitors=[other], won_deal_count=9)
    assert rep_client.get(prep_url(deal)).context["prep"].recommended == [both]


def test_each_pick_says_how_it_did_against_the_competitor_and_at_this_stage(rep_client, rep, deal, stage, rival):
    story = asset_for(title="Acme displacement", kind=AssetKind.CASE_STUDY, stages=[stage], competitors=[rival])
    for status in (DealStatus.WON, DealStatus.WON, DealStatus.LOST):
        used(story, closed_deal(status=status, competitor=rival, owner=rep), stage=stage)
    # a use after the close supports nothing; a deal against no one is not against Acme
    late = closed_deal(status=DealStatus.LOST, competitor=rival, owner=rep)
    used(story, late, used_at=timezone.now())
    used(story, closed_deal(status=DealStatus.WON, owner=rep))
    prep = rep_client.get(prep_url(deal)).context["prep"]
    assert prep.recommended == [story]
    assert prep.recommended[0].reasons == [
        "Won 2 of 3 deals against Acme",
        f"Used in 3 deals at this stage ({stage.name})",
    ]


def test_an_unproven_pick_against_the_competitor_says_what_it_was_written_for(rep_client, deal, rival):
    card_like = asset_for(title="Acme comparison", kind=AssetKind.COMPARISON_GUIDE, competitors=[rival])
    rep_client.get(prep_url(deal))
    assert rep_client.get(prep_url(deal)).context["prep"].recommended[0].reasons == ["Written for deals against Acme"]
    assert card_like.pk


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
    assert prep.objections[1].reasons == [f"Written for the {stage.name} stage"]


def test_each_competitor_gets_its_best_supported_battle_card_or_a_gap(rep_client, deal, rival):
    other = Competitor.objects.create(name="Initech")
    deal.competitors.add(other)
    asset_for(kind=AssetKind.BATTLE_CARD, title="Old card", competitors=[rival], won_deal_count=1)
    best = asset_for(
        kind=AssetKind.BATTLE_CARD, title="Best card", competitors=[rival], won_deal_count=7, how_we_win="Speed"
    )
    response = rep_client.get(prep_url(deal))
    assert response.context["prep"].battle_cards == [(rival, best), (other, None)]
    html = response.content.decode()
    assert "No battle card for Initech yet — " in html
    request_form = (
        f"{reverse('request-new')}?kind=battle_card&amp;competitor=initech&amp;stage={deal.funnel_stage.slug}"
        f"&amp;deal={deal.crm_id}&amp;title=Battle%20card%20for%20Initech"
    )
    assert f'<a href="{request_form}">request one</a>' in html
    form = rep_client.get(request_form.replace("&amp;", "&")).context["form"]
    assert (form["kind"].value(), form["competitor"].value(), form["deal"].value(), form["deal_id"].value()) == (
        "battle_card",
        "initech",
        deal_label(deal),  # the deal's name and account in the picker, never its CRM id
        deal.pk,
    )


def test_a_deal_with_nothing_to_match_says_so(rep_client, rep):
    bare = DealFactory(owner=rep)
    html = rep_client.get(prep_url(bare)).content.decode()
    assert "nothing can be matched to it" in html
    assert "Battle cards" not in html and "Objections you may hear" not in html


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


def _fill(n, stage, persona, rival, rep):
    for i in range(n):
        asset = asset_for(title=f"Asset {n}-{i}", stages=[stage], personas=[persona], won_deal_count=i)
        objection = asset_for(kind=AssetKind.OBJECTION, title=f"Objection {n}-{i}", stages=[stage], competitors=[rival])
        asset_for(kind=AssetKind.BATTLE_CARD, title=f"Card {n}-{i}", competitors=[rival])
        won = closed_deal(status=DealStatus.WON, competitor=rival, owner=rep)
        used(asset, won, stage=stage)
        used(objection, won, stage=stage)


def test_the_prep_page_runs_a_constant_number_of_queries(
    rep_client, rep, deal, stage, persona, rival, django_assert_max_num_queries
):
    # session, user, groups; deal with stage and owner; personas; competitors;
    # recommended; objections; record against the competitors; deals at the stage; battle cards = 11
    _fill(2, stage, persona, rival, rep)
    with django_assert_max_num_queries(11):
        rep_client.get(prep_url(deal))
    _fill(20, stage, persona, rival, rep)
    with django_assert_max_num_queries(11):
        response = rep_client.get(prep_url(deal))
    assert len(response.context["prep"].recommended) == 12 and len(response.context["prep"].objections) == 10
    assert response.context["prep"].objections[0].reasons[0] == "Won 1 of 1 deal against Acme"
