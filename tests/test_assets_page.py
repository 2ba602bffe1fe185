"""The asset page: a rep-first layout per kind, sanitised Markdown, figures, related assets,
who may open what, and a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import AssetKind, Competitor, FunnelStage, Persona

from .assets_helpers import fast_passwords  # noqa: F401 - autouse
from .factories import AssetFactory, DealFactory, UsageFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(client, asset):
    return client.get(reverse("asset-detail", args=[asset.pk]))


def test_a_battle_card_shows_how_we_win_first_then_strengths_weaknesses_and_landmines(rep_client):
    rival = Competitor.objects.create(name="Acme Analytics")
    card = AssetFactory(
        kind=AssetKind.BATTLE_CARD,
        title="Beat Acme",
        how_we_win="Lead with **time to value**.",
        strengths="Big brand\nCheap entry tier",
        weaknesses="Slow support",
        landmines="Ask about their SLA",
    )
    card.competitors.add(rival)
    html = page(rep_client, card).content.decode()
    assert "Against Acme Analytics" in html
    assert html.index("How we win") < html.index("Their strengths") < html.index("Their weaknesses")
    assert "<strong>time to value</strong>" in html
    assert "<li>Cheap entry tier</li>" in html and "<li>Ask about their SLA</li>" in html


def test_an_objection_entry_quotes_the_buyer_and_links_its_proof_points_as_cards(rep_client):
    proof = AssetFactory(kind=AssetKind.CASE_STUDY, title="Globex cut costs", customer="Globex")
    hidden_proof = AssetFactory(kind=AssetKind.CASE_STUDY, title="Unpublished proof", status="draft")
    entry = AssetFactory(kind=AssetKind.OBJECTION, objection="You are too expensive.", response="Total cost is lower.")
    entry.proof_points.add(proof, hidden_proof)
    html = page(rep_client, entry).content.decode()
    assert "<blockquote" in html and "“You are too expensive.”" in html
    assert "Total cost is lower." in html
    assert f'href="/assets/{proof.pk}/"' in html and "Customer: Globex" in html
    assert "Unpublished proof" not in html


def test_a_case_study_shows_customer_industry_and_results_as_a_list(rep_client):
    study = AssetFactory(
        kind=AssetKind.CASE_STUDY,
        customer="Initech",
        industry="Banking",
        results="40% faster onboarding\n\nTwo hires saved",
    )
    html = page(rep_client, study).content.decode()
    assert "Initech" in html and "Banking" in html
    assert "<li>40% faster onboarding</li><li>Two hires saved</li>" in html


def test_hostile_markdown_is_rendered_without_scripts_handlers_or_javascript_urls(rep_client):
    asset = AssetFactory(
        body=(
            "<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))\n\n"
            '<a href="#" onclick="steal()">link</a>\n\n<iframe src="https://evil.example"></iframe>'
        ),
        kind=AssetKind.OBJECTION,
        response="[go](javascript:alert(2)) <svg onload=alert(3)>",
    )
    html = page(rep_client, asset).content.decode().lower()
    body = html[html.index("<main") :]
    assert "<script" not in body and "onerror" not in body and "onclick" not in body
    assert "javascript:" not in body and "<iframe" not in body and "onload" not in body


def test_a_file_gets_a_download_link_through_the_permission_view_and_a_link_opens_safely(rep_client):
    asset = AssetFactory(file="assets/2025/01/deck.pptx", external_url="https://example.com/deck")
    html = page(rep_client, asset).content.decode()
    assert f'href="/assets/{asset.pk}/file/"' in html and "Download PPTX" in html
    assert "/media/" not in html
    assert 'href="https://example.com/deck" rel="noopener noreferrer"' in html


def test_it_shows_stored_support_and_distinct_reps_and_deals(rep_client):
    asset = AssetFactory(
        usage_count=3,
        won_deal_count=2,
        influenced_revenue=Decimal("125000"),
        influenced_revenue_by_currency={"EUR": "4000.00", "USD": "125000.00"},
    )
    seller, deal = UserFactory(groups=["Sales"]), DealFactory()
    UsageFactory(asset=asset, user=seller, deal=deal)
    UsageFactory(asset=asset, user=seller, deal=deal)
    UsageFactory(asset=asset)
    response = page(rep_client, asset)
    figures = response.context["figures"]
    assert figures == {
        "uses": 3,
        "won_deals": 2,
        "influenced_revenue": Decimal("125000.00"),
        "influenced_revenue_by_currency": {"EUR": "4000.00", "USD": "125000.00"},
        "reps": 2,
        "deals": 2,
    }
    assert "$125,000 · €4,000" in response.content.decode()


def test_a_stale_asset_says_who_verified_it_when_and_that_it_is_still_approved(rep_client, marketer):
    marketer.first_name, marketer.last_name = "Dana", "Whitfield"
    marketer.save()
    verified = timezone.make_aware(datetime.datetime(2026, 3, 3, 10, 0))
    asset = AssetFactory(published_at=verified, verified_at=verified, verified_by=marketer)
    html = page(rep_client, asset).content.decode()
    assert "Verified 3 Mar 2026 by Dana Whitfield · review due — still approved" in html


def test_an_expired_asset_tells_a_marketer_not_to_use_it(marketer_client):
    asset = AssetFactory(expires_on=datetime.date(2026, 10, 1))
    assert "Expired 1 Oct 2026 — do not use" in page(marketer_client, asset).content.decode()


def test_related_assets_rank_by_overlap_then_support_and_hide_what_a_rep_cannot_open(rep_client):
    stage, persona = FunnelStage.objects.first(), Persona.objects.first()
    asset = AssetFactory()
    asset.stages.add(stage)
    asset.personas.add(persona)
    asset.tags.add("pricing")
    two_terms = AssetFactory(title="Two in common", won_deal_count=0)
    two_terms.stages.add(stage)
    two_terms.tags.add("pricing")
    one_term_strong = AssetFactory(title="One in common, strong", won_deal_count=9)
    one_term_strong.personas.add(persona)
    one_term_weak = AssetFactory(title="One in common, weak", won_deal_count=1)
    one_term_weak.stages.add(stage)
    draft = AssetFactory(title="Draft in common", status="draft")
    draft.stages.add(stage)
    AssetFactory(title="Nothing in common")
    related = page(rep_client, asset).context["related"]
    assert [a.title for a in related] == ["Two in common", "One in common, strong", "One in common, weak"]


def test_related_assets_follow_the_library_at_once(rep_client):
    stage = FunnelStage.objects.first()
    asset = AssetFactory()
    asset.stages.add(stage)
    first = AssetFactory(title="First in common")
    first.stages.add(stage)
    assert [a.title for a in page(rep_client, asset).context["related"]] == ["First in common"]
    later = AssetFactory(title="Later in common")
    later.stages.add(stage)  # a new term in common
    assert {a.title for a in page(rep_client, asset).context["related"]} == {"First in common", "Later in common"}
    first.status = "draft"
    first.save(update_fields=["status"])  # no longer open to reps
    assert [a.title for a in page(rep_client, asset).context["related"]] == ["Later in common"]


@pytest.mark.parametrize(
    "client_fixture,status",
    [
        ("rep_client", 200),
        ("marketer_client", 200),
        ("manager_client", 200),
    ],
)
def test_everyone_with_a_role_opens_a_published_asset(request, client_fixture, status):
    client = request.getfixturevalue(client_fixture)
    assert page(client, AssetFactory()).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in_and_outsiders_refused(client, outsider):
    asset = AssetFactory()
    response = page(client, asset)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(outsider)
    assert page(client, asset).status_code == 403


@pytest.mark.parametrize(
    "state",
    [
        {"status": "draft"},
        {"status": "in_review"},
        {"status": "archived"},
        {"published_at": timezone.now() + datetime.timedelta(days=3)},
    ],
)
def test_reps_get_a_clear_403_for_unreleased_assets_but_marketers_and_managers_open_them(
    state, rep_client, marketer, manager, client
):
    asset = AssetFactory(title="Secret roadmap", **state)
    response = page(rep_client, asset)
    assert response.status_code == 403
    html = response.content.decode()
    assert "This asset is not available" in html and "Secret roadmap" not in html
    for user in (marketer, manager):
        client.force_login(user)
        assert page(client, asset).status_code == 200


def test_reps_are_told_an_expired_asset_has_expired(rep_client):
    asset = AssetFactory(title="Old price list", expires_on=timezone.localdate())
    response = page(rep_client, asset)
    assert response.status_code == 403
    assert "This asset has expired" in response.content.decode()


def test_marketers_see_the_allowed_transitions_and_reps_see_none(client, rep, marketer):
    asset, published = AssetFactory(status="in_review"), AssetFactory()
    client.force_login(rep)
    rep_html = page(client, published).content.decode()
    assert "Mark verified" not in rep_html and ">Archive</button>" not in rep_html
    client.force_login(marketer)
    html = page(client, asset).content.decode()
    for label in ("Back to draft", "Publish", "Archive"):
        assert f">{label}</button>" in html
    assert ">Send to review</button>" not in html
    assert "Mark verified" in page(client, published).content.decode()


def test_the_used_this_box_is_included(rep_client):
    assert "usage/_used_this.html" in [t.name for t in page(rep_client, AssetFactory()).templates]


def _asset_with(n):
    stages, personas = list(FunnelStage.objects.all()), list(Persona.objects.all())
    asset = AssetFactory(kind=AssetKind.OBJECTION, objection="Too pricey", response="It pays back")
    asset.stages.add(*stages)
    asset.personas.add(*personas)
    asset.competitors.add(*[Competitor.objects.create(name=f"Rival {n}-{i}") for i in range(n)])
    asset.tags.add(*[f"tag-{n}-{i}" for i in range(n)])
    for i in range(n):
        proof = AssetFactory(kind=AssetKind.CASE_STUDY, customer=f"Customer {i}")
        proof.stages.add(stages[i % len(stages)])
        asset.proof_points.add(proof)
        UsageFactory(asset=asset)
    return asset


def test_the_page_runs_a_constant_number_of_queries(rep_client, django_assert_max_num_queries):
    # session, user, groups; asset+owner+verifier; its stages, personas, competitors and tags (one);
    # proof points; reps/deals aggregate; the library version (the shared cache's table without
    # Redis); related assets; the rep's open deals for "I used this" = 10; when the related assets
    # are worked out anew, the next scheduled release (how long they may be kept) = 11
    small, large = _asset_with(2), _asset_with(30)
    with django_assert_max_num_queries(11):
        assert page(rep_client, small).status_code == 200
    with django_assert_max_num_queries(11):
        response = page(rep_client, large)
    shown = response.context["asset"]
    assert len(shown.proof_points.all()) == 30
    assert [s.slug for s in shown.stages.all()] == list(
        FunnelStage.objects.order_by("order").values_list("slug", flat=True)
    )
    assert [c.name for c in shown.competitors.all()] == sorted(f"Rival 30-{i}" for i in range(30))
    assert sorted(t.name for t in shown.tags.all()) == sorted(f"tag-30-{i}" for i in range(30))
    html = response.content.decode()
    assert all(f'<span class="badge">{p.name}</span>' in html for p in Persona.objects.all())
    assert len(response.context["related"]) == 5
    with django_assert_max_num_queries(10):  # again: which assets are related is kept, they are read again
        again = page(rep_client, large)
    assert [a.pk for a in again.context["related"]] == [a.pk for a in response.context["related"]]


def test_a_pages_terms_read_their_other_fields_when_asked(db):
    """prefetch_taxonomy reads a term's id, slug and name; anything else is read when asked for."""
    from content.asset_selectors import prefetch_taxonomy

    asset = _asset_with(1)
    asset = prefetch_taxonomy(type(asset).objects.get(pk=asset.pk))
    stage = asset.stages.all()[0]
    expected = FunnelStage.objects.get(pk=stage.pk)
    assert (stage.name, stage.slug) == (expected.name, expected.slug)
    assert stage.get_deferred_fields() and stage.definition == expected.definition
    assert [c.slug for c in asset.competitors.all()] == ["rival-1-0"]


def test_a_related_asset_released_at_a_set_time_joins_the_kept_list_then(rep_client, monkeypatch):
    """Related assets are kept until the library changes, and until the next scheduled release:
    an asset released at a set time is listed from that moment, however long lists are kept."""
    stage = FunnelStage.objects.first()
    asset = AssetFactory()
    asset.stages.add(stage)
    AssetFactory(title="Out now").stages.add(stage)
    release = timezone.now() + datetime.timedelta(hours=1)
    AssetFactory(title="Out in an hour", published_at=release).stages.add(stage)
    assert [a.title for a in page(rep_client, asset).context["related"]] == ["Out now"]
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=2))
    assert {a.title for a in page(rep_client, asset).context["related"]} == {"Out now", "Out in an hour"}
