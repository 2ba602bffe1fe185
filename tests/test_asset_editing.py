"""Marketer editing: forms per kind, validation, status transitions, verification, the due list."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from content.assets import asset_transition, asset_verify
from content.models import Asset, AssetKind, AssetStatus, Competitor, FunnelStage

from .assets_helpers import fast_passwords  # noqa: F401 - autouse
from .factories import AssetFactory, UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = {
    ("draft", "in_review"),
    ("draft", "published"),
    ("draft", "archived"),
    ("in_review", "draft"),
    ("in_review", "published"),
    ("in_review", "archived"),
    ("published", "in_review"),
    ("published", "archived"),
    ("archived", "draft"),
}
ALL_PAIRS = [(a, b) for a, b in itertools.product(AssetStatus.values, repeat=2)]


def create_url(kind):
    return reverse("asset-create") + f"?kind={kind}"


def test_without_a_kind_the_marketer_first_picks_one(marketer_client):
    html = marketer_client.get(reverse("asset-create")).content.decode()
    assert 'href="?kind=battle_card"' in html and 'href="?kind=objection"' in html


@pytest.mark.parametrize(
    "kind,present,absent",
    [
        ("battle_card", ["how_we_win", "strengths", "landmines"], ["customer", "objection"]),
        ("case_study", ["customer", "industry", "results"], ["how_we_win", "objection"]),
        ("objection", ["objection", "response", "proof_q"], ["customer", "how_we_win"]),
        ("one_pager", ["title", "body"], ["customer", "how_we_win", "objection"]),
    ],
)
def test_each_kind_form_has_the_common_fields_and_only_its_own(marketer_client, kind, present, absent):
    Competitor.objects.create(name="Acme")
    html = marketer_client.get(create_url(kind)).content.decode()
    for name in ["title", "summary", "stages", "personas", "competitors", "tags", "upload", *present]:
        assert f'name="{name}"' in html
    for name in absent:
        assert f'name="{name}"' not in html
    assert 'type="checkbox" name="stages"' in html


def test_creating_a_battle_card_saves_a_draft_with_its_taxonomy_and_tags(marketer_client, marketer):
    rival = Competitor.objects.create(name="Acme")
    stage = FunnelStage.objects.first()
    response = marketer_client.post(
        create_url("battle_card"),
        {
            "title": "Beat Acme",
            "how_we_win": "Faster rollout",
            "strengths": "Brand",
            "competitors": [rival.pk],
            "stages": [stage.pk],
            "tags": "pricing, enterprise",
            "owner": marketer.pk,
            "verification_interval_days": 90,
        },
    )
    asset = Asset.objects.get()
    assert response.status_code == 302 and response["Location"] == asset.get_absolute_url()
    assert (asset.kind, asset.status, asset.owner, asset.how_we_win) == (
        "battle_card",
        "draft",
        marketer,
        "Faster rollout",
    )
    assert list(asset.competitors.all()) == [rival] and list(asset.stages.all()) == [stage]
    assert sorted(asset.tags.names()) == ["enterprise", "pricing"]


def test_a_new_battle_card_gets_the_battle_card_verification_interval(marketer_client, marketer):
    rival = Competitor.objects.create(name="Acme")
    marketer_client.post(
        create_url("battle_card"),
        {
            "title": "Beat Acme",
            "how_we_win": "Speed",
            "competitors": [rival.pk],
            "owner": marketer.pk,
            "verification_interval_days": 90,
        },
    )
    assert Asset.objects.get().verification_interval_days == 60


@pytest.mark.parametrize(
    "kind,data,field,message",
    [
        ("battle_card", {"title": "Card"}, "how_we_win", "Say how we win"),
        ("battle_card", {"title": "Card", "how_we_win": "x"}, "competitors", "pick it"),
        ("objection", {"title": "Too pricey"}, "objection", "as the buyer says it"),
        ("case_study", {"title": "Story"}, "customer", "Name the customer"),
        ("one_pager", {"title": ""}, "title", "This field is required"),
        ("one_pager", {"title": "x", "external_url": "javascript:alert(1)"}, "external_url", "Enter a valid URL"),
        (
            "one_pager",
            {"title": "x", "published_at": "2025-05-01T10:00", "expires_on": "2025-04-01"},
            "expires_on",
            "must come after the release date",
        ),
    ],
)
def test_invalid_input_is_refused_with_a_clear_error_and_nothing_saved(marketer_client, kind, data, field, message):
    response = marketer_client.post(create_url(kind), {"verification_interval_days": 90, **data})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Asset.objects.exists()


def test_an_objection_entry_links_proof_points_and_cannot_prove_itself(marketer_client):
    proof = AssetFactory(kind=AssetKind.CASE_STUDY, title="Globex story")
    marketer_client.post(
        create_url("objection"),
        {
            "title": "Too pricey",
            "objection": "Too expensive",
            "response": "Pays back",
            "proof_points": [proof.pk],
            "verification_interval_days": 90,
        },
    )
    entry = Asset.objects.get(kind="objection")
    assert list(entry.proof_points.all()) == [proof]
    response = marketer_client.post(
        reverse("asset-edit", args=[entry.pk]),
        {
            "title": "Too pricey",
            "objection": "Too expensive",
            "response": "Pays back",
            "proof_points": [proof.pk, entry.pk],
            "verification_interval_days": 90,
        },
    )
    assert response.status_code == 400 and response.context["form"].errors["proof_points"]


def test_editing_changes_the_fields_but_not_the_kind_or_status(marketer_client):
    asset = AssetFactory(kind=AssetKind.CASE_STUDY, customer="Initech", title="Old")
    response = marketer_client.post(
        reverse("asset-edit", args=[asset.pk]),
        {
            "title": "New",
            "customer": "Initech",
            "results": "Saved 40%",
            "verification_interval_days": 30,
            "kind": "battle_card",
            "status": "draft",
            "published_at": "2025-03-01T09:00",
        },
    )
    asset.refresh_from_db()
    assert response.status_code == 302
    assert (asset.title, asset.results, asset.kind, asset.status) == ("New", "Saved 40%", "case_study", "published")
    assert asset.review_by == datetime.date(2025, 3, 1) + datetime.timedelta(days=30)


def test_a_published_asset_keeps_a_release_date(marketer_client):
    asset = AssetFactory(title="Live")
    response = marketer_client.post(
        reverse("asset-edit", args=[asset.pk]),
        {
            "title": "Live",
            "verification_interval_days": 90,
            "published_at": "",
        },
    )
    assert "A published asset needs its release date" in response.context["form"].errors["published_at"][0]


@pytest.mark.parametrize("user_fixture", ["rep", "manager", "outsider"])
def test_only_marketers_may_create_or_edit(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    asset = AssetFactory()
    assert client.get(create_url("one_pager")).status_code == 403
    assert client.post(reverse("asset-edit", args=[asset.pk]), {"title": "Hijacked"}).status_code == 403
    assert Asset.objects.get().title == asset.title


def test_anonymous_visitors_are_sent_to_sign_in_from_editing_pages(client):
    asset = AssetFactory()
    for url in (create_url("one_pager"), reverse("asset-edit", args=[asset.pk]), reverse("assets-due")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("from_status,to_status", ALL_PAIRS)
def test_every_transition_is_allowed_or_refused_by_the_workflow(marketer, from_status, to_status):
    asset = AssetFactory(status=from_status, published_at=None)
    if (from_status, to_status) in ALLOWED:
        asset = asset_transition(asset=asset, to_status=to_status, actor=marketer)
        asset.refresh_from_db()
        assert asset.status == to_status
    else:
        before = Asset.objects.filter(pk=asset.pk).values().get()
        with pytest.raises(ValidationError, match="cannot become"):
            asset_transition(asset=asset, to_status=to_status, actor=marketer)
        assert Asset.objects.filter(pk=asset.pk).values().get() == before


def test_publishing_stamps_the_date_once_and_gives_an_ownerless_asset_an_owner(marketer):
    asset = AssetFactory(status="in_review", published_at=None, owner=None)
    asset = asset_transition(asset=asset, to_status="published", actor=marketer)
    assert asset.published_at is not None and asset.owner == marketer
    assert asset.review_by == timezone.localdate() + datetime.timedelta(days=90)
    planned = timezone.now() + datetime.timedelta(days=7)
    later = AssetFactory(status="draft", published_at=planned)
    assert asset_transition(asset=later, to_status="published", actor=marketer).published_at == planned


def test_an_unknown_status_is_refused(marketer):
    with pytest.raises(ValidationError, match="is not a status"):
        asset_transition(asset=AssetFactory(), to_status="deleted", actor=marketer)


def test_reps_may_not_change_a_status(rep, rep_client):
    asset = AssetFactory()
    with pytest.raises(PermissionDenied):
        asset_transition(asset=asset, to_status="archived", actor=rep)
    assert rep_client.post(reverse("asset-status", args=[asset.pk]), {"to": "archived"}).status_code == 403
    asset.refresh_from_db()
    assert asset.status == "published"


def test_the_status_buttons_move_the_asset_and_explain_a_refusal(marketer_client):
    asset = AssetFactory(status="draft")
    response = marketer_client.post(reverse("asset-status", args=[asset.pk]), {"to": "in_review"}, follow=True)
    assert "is now in review" in response.content.decode()
    response = marketer_client.post(reverse("asset-status", args=[asset.pk]), {"to": "in_review"}, follow=True)
    assert "An asset that is in review cannot become in review." in response.content.decode()
    asset.refresh_from_db()
    assert asset.status == "in_review"


def test_archiving_is_how_a_marketer_deletes_and_hides_the_asset_from_reps(marketer_client, rep):
    asset = AssetFactory()
    marketer_client.post(reverse("asset-status", args=[asset.pk]), {"to": "archived"})
    marketer_client.force_login(rep)
    assert marketer_client.get(asset.get_absolute_url()).status_code == 403


def test_verifying_moves_review_by_on(marketer):
    asset = AssetFactory(published_at=timezone.now() - datetime.timedelta(days=100))
    assert asset.is_stale()
    asset = asset_verify(asset=asset, actor=marketer)
    asset.refresh_from_db()
    assert asset.review_by == timezone.localdate() + datetime.timedelta(days=90) and not asset.is_stale()


def test_the_owner_may_verify_even_without_editing_rights_but_another_rep_may_not(rep, other_rep, client):
    asset = AssetFactory(owner=rep, published_at=timezone.now() - datetime.timedelta(days=100))
    client.force_login(other_rep)
    assert client.post(reverse("asset-verify", args=[asset.pk])).status_code == 403
    client.force_login(rep)
    assert client.post(reverse("asset-verify", args=[asset.pk])).status_code == 302
    asset.refresh_from_db()
    assert asset.verified_at is not None


def test_only_a_published_asset_can_be_verified(marketer):
    with pytest.raises(ValidationError, match="Only a published asset"):
        asset_verify(asset=AssetFactory(status="draft"), actor=marketer)


def _published_days_ago(days, **kwargs):
    return AssetFactory(published_at=timezone.now() - datetime.timedelta(days=days), **kwargs)


def test_the_due_list_shows_my_overdue_and_soon_due_assets_soonest_first(marketer_client, marketer):
    overdue = _published_days_ago(120, owner=marketer, title="Overdue")
    soon = _published_days_ago(80, owner=marketer, title="Due soon")
    _published_days_ago(10, owner=marketer, title="Fresh")
    _published_days_ago(120, title="Someone else's")
    AssetFactory(status="draft", owner=marketer, title="Draft")
    response = marketer_client.get(reverse("assets-due"))
    assert list(response.context["page"]) == [overdue, soon]
    html = response.content.decode()
    assert "Overdue</span>" in html and "Due soon</span>" in html and "Mark verified" in html


def test_marketers_can_switch_the_due_list_to_all_owners(marketer_client, marketer):
    mine, theirs = _published_days_ago(120, owner=marketer), _published_days_ago(100)
    assert list(marketer_client.get(reverse("assets-due") + "?everyone=true").context["page"]) == [mine, theirs]


def test_the_deprecated_owner_all_still_lists_every_owner(marketer_client, marketer):
    mine, theirs = _published_days_ago(120, owner=marketer), _published_days_ago(100)
    assert list(marketer_client.get(reverse("assets-due") + "?owner=all").context["page"]) == [mine, theirs]


def test_the_due_list_of_one_owner_by_username(marketer_client, marketer):
    colleague = UserFactory(groups=["Marketing"], username="dana", first_name="Dana", last_name="Reyes")
    _published_days_ago(120, owner=marketer)
    theirs = _published_days_ago(100, owner=colleague)
    response = marketer_client.get(reverse("assets-due"), {"owner": "dana"})
    assert list(response.context["page"]) == [theirs]
    html = response.content.decode()
    assert "Dana Reyes's published assets" in html
    assert '<select name="owner" aria-describedby="f-owner_helptext" id="f-owner">' in html
    assert '<option value="dana" selected>Dana Reyes</option>' in html


def test_an_unknown_owner_is_named_beside_the_field_and_lists_nothing(marketer_client, marketer):
    _published_days_ago(120, owner=marketer)
    response = marketer_client.get(reverse("assets-due"), {"owner": "nobody-here"})
    assert response.status_code == 400
    assert list(response.context["page"]) == []
    html = response.content.decode()
    assert 'aria-describedby="f-owner-error"' in html
    assert '<p class="field-error" id="f-owner-error">No user named &#x27;nobody-here&#x27;.</p>' in html


def test_verifying_from_the_due_list_removes_the_asset_from_it(marketer_client, marketer):
    asset = _published_days_ago(120, owner=marketer)
    response = marketer_client.post(reverse("asset-verify", args=[asset.pk]), {"next": "due"})
    assert response["Location"] == reverse("assets-due")
    assert list(marketer_client.get(reverse("assets-due")).context["page"]) == []


def test_the_due_list_is_for_marketing(rep_client):
    assert rep_client.get(reverse("assets-due")).status_code == 403


def test_the_due_list_paginates_with_a_constant_number_of_queries(
    marketer_client, marketer, django_assert_max_num_queries
):
    owner = UserFactory(groups=["Marketing"])
    for i in range(3):
        _published_days_ago(100 + i, owner=owner)
    # session, user, groups, the owner select's options, count, page of assets with owners; the
    # viewer's own due assets, counted for the header's "Due for review" badge = 7
    with django_assert_max_num_queries(7):
        marketer_client.get(reverse("assets-due") + "?everyone=true")
    for i in range(30):
        _published_days_ago(100 + i, owner=owner)
    with django_assert_max_num_queries(7):
        response = marketer_client.get(reverse("assets-due") + "?everyone=true")
    assert len(response.context["page"]) == 25


def test_the_markdown_preview_is_sanitised(marketer_client):
    response = marketer_client.post(reverse("asset-preview"), {"body": "**bold** <script>x()</script>"})
    assert "<strong>bold</strong>" in response.content.decode() and "<script" not in response.content.decode()


def test_the_proof_point_search_offers_matching_non_objection_assets(marketer_client):
    AssetFactory(kind=AssetKind.CASE_STUDY, title="Globex rollout")
    AssetFactory(kind=AssetKind.OBJECTION, title="Globex objection")
    html = marketer_client.get(reverse("asset-proof-search") + "?proof_q=globex").content.decode()
    assert "Globex rollout" in html and "Globex objection" not in html


def test_the_all_owners_list_offers_everyone_in_the_owner_select_and_keeps_it(marketer_client, marketer):
    html = marketer_client.get(reverse("assets-due"), {"everyone": "true"}).content.decode()
    assert '<option value="" selected>Everyone</option>' in html
    assert '<input type="hidden" name="everyone" value="true">' in html
    assert '<option value="" selected>Me</option>' in marketer_client.get(reverse("assets-due")).content.decode()
