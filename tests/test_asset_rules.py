"""The asset rules are the same through the page and the API: what each kind cannot do without,
the release and expiry dates, the workflow, and the stamps a published asset carries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from content.assets import asset_create
from content.models import STATUS_TRANSITIONS, Asset, AssetKind, AssetStatus

from .factories import AssetFactory, CompetitorFactory

ASSETS = "/api/v1/assets/"

COMPLETE = {
    AssetKind.CASE_STUDY: {"customer": "Initech"},
    AssetKind.BATTLE_CARD: {"how_we_win": "Faster onboarding.", "competitors": True},
    AssetKind.OBJECTION: {"objection": "Too expensive.", "response": "Cheaper than churn."},
    AssetKind.ONE_PAGER: {},
}
# (kind, the field left empty, the message the page shows beside it)
MISSING = [
    (AssetKind.CASE_STUDY, "customer", "Name the customer"),
    (AssetKind.BATTLE_CARD, "how_we_win", "Say how we win"),
    (AssetKind.BATTLE_CARD, "competitors", "A battle card is about one competitor"),
    (AssetKind.OBJECTION, "objection", "Write the objection"),
    (AssetKind.OBJECTION, "response", "Write the response"),
]


@pytest.fixture
def api(marketer_api):
    return marketer_api


@pytest.fixture
def rival(db):
    return CompetitorFactory(name="Hooli", slug="hooli")


def api_payload(kind, rival, *, leave_out=None):
    payload = {"kind": kind, "title": f"A {kind}", "status": "draft"}
    for field, value in COMPLETE[kind].items():
        payload[field] = [rival.slug] if field == "competitors" else value
    if leave_out:
        payload[leave_out] = [] if leave_out == "competitors" else ""
    return payload


def page_payload(kind, rival, *, leave_out=None):
    data = {"title": f"A {kind}", "verification_interval_days": 90}
    for field, value in COMPLETE[kind].items():
        data[field] = [rival.pk] if field == "competitors" else value
    if leave_out:
        data.pop(leave_out)
    return data


@pytest.mark.parametrize(("kind", "field", "message"), MISSING)
def test_the_api_refuses_what_the_page_refuses_for_each_kind(api, marketer_client, rival, kind, field, message):
    response = api.post(ASSETS, api_payload(kind, rival, leave_out=field), format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])

    page = marketer_client.post(f"{reverse('asset-create')}?kind={kind}", page_payload(kind, rival, leave_out=field))
    assert page.status_code == 400
    assert message in " ".join(page.context["form"].errors[field])
    assert not Asset.objects.exists()


@pytest.mark.parametrize("kind", list(COMPLETE))
def test_a_complete_asset_of_each_kind_is_accepted_by_the_api_and_the_page(api, marketer_client, rival, kind):
    assert api.post(ASSETS, api_payload(kind, rival), format="json").status_code == 201
    page = marketer_client.post(f"{reverse('asset-create')}?kind={kind}", page_payload(kind, rival))
    assert page.status_code == 302
    assert Asset.objects.filter(kind=kind).count() == 2


def test_a_published_battle_card_without_a_competitor_is_refused_by_the_api(api, rival):
    payload = {**api_payload(AssetKind.BATTLE_CARD, rival, leave_out="competitors"), "status": "published"}
    response = api.post(ASSETS, payload, format="json")
    assert response.status_code == 400 and "competitors" in response.json()
    assert not Asset.objects.exists()


def test_publishing_an_incomplete_asset_over_the_api_changes_nothing(api, marketer_client):
    card = AssetFactory(kind=AssetKind.BATTLE_CARD, status=AssetStatus.IN_REVIEW, published_at=None, owner=None)
    response = api.patch(f"{ASSETS}{card.pk}/", {"status": "published"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"how_we_win", "competitors"}
    card.refresh_from_db()
    assert (card.status, card.published_at, card.owner_id) == (AssetStatus.IN_REVIEW, None, None)
    # the page's Publish button refuses it too
    marketer_client.post(reverse("asset-status", args=[card.pk]), {"to": "published"})
    card.refresh_from_db()
    assert card.status == AssetStatus.IN_REVIEW


def test_publishing_over_the_api_stamps_the_release_the_owner_and_the_review_date(api, marketer):
    draft = AssetFactory(status=AssetStatus.DRAFT, published_at=None, owner=None, verification_interval_days=30)
    before = timezone.now()
    response = api.patch(f"{ASSETS}{draft.pk}/", {"status": "published"}, format="json")
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.published_at >= before
    assert draft.owner == marketer
    assert draft.review_by == timezone.localdate(draft.published_at) + datetime.timedelta(days=30)
    body = response.json()
    assert (body["owner"], body["review_by"], body["needs_review"]) == (
        marketer.username,
        draft.review_by.isoformat(),
        False,
    )


def test_an_asset_published_over_the_api_long_ago_needs_review(api):
    released = timezone.now() - datetime.timedelta(days=200)
    draft = AssetFactory(status=AssetStatus.DRAFT, published_at=released, verification_interval_days=90)
    response = api.patch(f"{ASSETS}{draft.pk}/", {"status": "published"}, format="json")
    assert response.json()["needs_review"] is True
    assert Asset.objects.needs_review().filter(pk=draft.pk).exists()


def test_creating_a_published_asset_over_the_api_stamps_it_too(api, marketer):
    response = api.post(ASSETS, {"kind": "one_pager", "title": "Live", "status": "published"}, format="json")
    assert response.status_code == 201
    asset = Asset.objects.get()
    assert asset.published_at is not None and asset.owner == marketer and asset.review_by is not None


def test_the_expiry_must_follow_the_release_over_the_api_as_on_the_page(api):
    asset = AssetFactory()
    day_before = (timezone.localdate(asset.published_at) - datetime.timedelta(days=1)).isoformat()
    response = api.patch(f"{ASSETS}{asset.pk}/", {"expires_on": day_before}, format="json")
    assert response.status_code == 400
    assert response.json()["expires_on"] == ["The expiry date must come after the release date."]


def test_a_published_asset_cannot_lose_its_release_date_over_the_api(api):
    asset = AssetFactory()
    response = api.patch(f"{ASSETS}{asset.pk}/", {"published_at": None}, format="json")
    assert response.status_code == 400 and "published_at" in response.json()


def test_an_incomplete_old_asset_can_still_be_archived_over_the_api(api):
    card = AssetFactory(kind=AssetKind.BATTLE_CARD)
    response = api.patch(f"{ASSETS}{card.pk}/", {"status": "archived"}, format="json")
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.status == AssetStatus.ARCHIVED


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(a, b) for a in AssetStatus.values for b in AssetStatus.values if a != b],
)
def test_every_transition_is_allowed_by_the_api_exactly_when_the_page_allows_it(
    api, marketer_client, from_status, to_status
):
    allowed = to_status in STATUS_TRANSITIONS[from_status]
    by_api = AssetFactory(status=from_status)
    by_page = AssetFactory(status=from_status)

    response = api.patch(f"{ASSETS}{by_api.pk}/", {"status": to_status}, format="json")
    marketer_client.post(reverse("asset-status", args=[by_page.pk]), {"to": to_status})

    assert response.status_code == (200 if allowed else 400)
    by_api.refresh_from_db()
    by_page.refresh_from_db()
    expected = to_status if allowed else from_status
    assert (by_api.status, by_page.status) == (expected, expected)


def test_the_service_refuses_a_rep(rep):
    with pytest.raises(PermissionDenied):
        asset_create(actor=rep, kind=AssetKind.ONE_PAGER, title="Mine")
    assert not Asset.objects.exists()
