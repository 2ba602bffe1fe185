"""Where a marketer starts their work without typing an address: "New asset" on the library and the
calendar, "Create the asset for this request" on a request (prefilled from it, and linked to it on
save), and "Due for review" in the navigation with the count of their own assets due."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.models import (
    Asset,
    AssetKind,
    AssetStatus,
    Competitor,
    ContentRequest,
    FunnelStage,
    Notification,
    Persona,
    RequestEvent,
    RequestStatus,
)
from content.requesting import RequestError, request_create_asset, request_link_asset

from .factories import AssetFactory, ContentRequestFactory

pytestmark = pytest.mark.django_db

NEW_ASSET = f'href="{reverse("asset-create")}"'
DUE_LINK = f'href="{reverse("assets-due")}"'


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _published_days_ago(days, **kwargs):
    return AssetFactory(published_at=timezone.now() - datetime.timedelta(days=days), **kwargs)


@pytest.fixture
def battle_card_request(rep):
    return ContentRequestFactory(
        requester=rep,
        title="Battle card against Acme",
        kind=AssetKind.BATTLE_CARD,
        stage=FunnelStage.objects.order_by("order")[3],
        persona=Persona.objects.order_by("name").first(),
        competitor=Competitor.objects.create(name="Acme"),
        status=RequestStatus.ACCEPTED,
    )


# "New asset" on the library and the calendar


@pytest.mark.parametrize("page", ["/", "/calendar/"])
def test_a_marketer_finds_new_asset_on_the_library_and_the_calendar(marketer_client, page):
    assert NEW_ASSET in marketer_client.get(page).content.decode()


@pytest.mark.parametrize("page", ["/", "/calendar/"])
def test_reps_and_managers_are_not_offered_new_asset(rep, manager, page):
    for user in (rep, manager):
        assert NEW_ASSET not in _signed_in(user).get(page).content.decode()


# "Due for review" in the navigation


def test_the_navigation_counts_the_marketers_own_assets_due_for_review(marketer_client, marketer):
    _published_days_ago(120, owner=marketer)  # overdue
    _published_days_ago(80, owner=marketer)  # due within two weeks
    _published_days_ago(10, owner=marketer)  # fresh
    _published_days_ago(120)  # someone else's

    body = marketer_client.get("/definitions/").content.decode()

    assert f'{DUE_LINK}>Due for review <span class="nav-count">2<span class="visually-hidden"> assets</span>' in body


def test_with_nothing_due_the_link_has_no_badge(marketer_client):
    body = marketer_client.get("/definitions/").content.decode()

    assert f"{DUE_LINK}>Due for review</a>" in body


def test_the_due_link_is_marked_current_on_the_due_page(marketer_client):
    body = marketer_client.get(reverse("assets-due")).content.decode()

    assert f'{DUE_LINK} aria-current="page">Due for review' in body


@pytest.mark.parametrize("persona", ["rep_client", "manager_client"])
def test_only_editors_see_due_for_review(request, persona):
    client = request.getfixturevalue(persona)
    assert DUE_LINK not in client.get("/definitions/").content.decode()


def _due_counts(queries):
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "review_by" in q["sql"]]


def test_the_count_is_one_query_on_a_page_with_the_header(marketer_client, marketer):
    for days in (90, 100, 110):
        _published_days_ago(days, owner=marketer)

    with CaptureQueriesContext(connection) as queries:
        marketer_client.get("/definitions/")

    assert len(_due_counts(queries)) == 1


def test_a_partial_without_the_header_does_not_count(marketer_client, marketer):
    _published_days_ago(100, owner=marketer)

    with CaptureQueriesContext(connection) as queries:
        marketer_client.get(reverse("request-suggestions") + "?title=deck")

    assert _due_counts(queries) == []


def test_reps_pay_no_query_for_the_count(rep_client):
    with CaptureQueriesContext(connection) as queries:
        rep_client.get("/definitions/")

    assert _due_counts(queries) == []


# "Create the asset for this request"


def test_a_marketer_is_offered_to_create_the_asset_for_an_open_request(marketer_client, battle_card_request):
    body = marketer_client.get(battle_card_request.get_absolute_url()).content.decode()

    assert f'href="/assets/new/?request={battle_card_request.pk}">Create the asset for this request</a>' in body


def test_reps_and_managers_are_not_offered_to_create_it(rep, manager, battle_card_request):
    for client in (_signed_in(rep), _signed_in(manager)):
        assert (
            "Create the asset for this request"
            not in client.get(battle_card_request.get_absolute_url()).content.decode()
        )


def test_a_closed_request_or_one_with_an_asset_offers_no_new_asset(marketer_client, rep):
    declined = ContentRequestFactory(requester=rep, status=RequestStatus.DECLINED, decline_reason="No.")
    linked = ContentRequestFactory(requester=rep, delivered_asset=AssetFactory(status=AssetStatus.DRAFT))

    for content_request in (declined, linked):
        body = marketer_client.get(content_request.get_absolute_url()).content.decode()
        assert "Create the asset for this request" not in body


def test_the_new_asset_form_is_prefilled_from_the_request(marketer_client, battle_card_request):
    response = marketer_client.get(f"/assets/new/?request={battle_card_request.pk}")

    assert response.status_code == 200
    assert response.context["kind"] == AssetKind.BATTLE_CARD  # the request's kind, no kind page first
    form = response.context["form"]
    assert form["title"].value() == "Battle card against Acme"
    assert form["stages"].value() == [battle_card_request.stage_id]
    assert form["personas"].value() == [battle_card_request.persona_id]
    assert form["competitors"].value() == [battle_card_request.competitor_id]
    body = response.content.decode()
    assert f'href="{battle_card_request.get_absolute_url()}">#{battle_card_request.pk} Battle card against Acme' in body


def test_a_request_without_a_kind_asks_for_one_and_keeps_the_request(marketer_client, rep):
    content_request = ContentRequestFactory(requester=rep, kind="")

    response = marketer_client.get(f"/assets/new/?request={content_request.pk}")

    assert "assets/choose_kind.html" in [t.name for t in response.templates]
    assert f'href="?kind=case_study&amp;request={content_request.pk}"' in response.content.decode()


def _battle_card_post(content_request, marketer):
    return {
        "title": "Beating Acme",
        "summary": "How we win against Acme.",
        "how_we_win": "Faster onboarding.",
        "body": "Details.",
        "competitors": [content_request.competitor_id],
        "stages": [content_request.stage_id],
        "owner": marketer.pk,
        "verification_interval_days": 90,
    }


def test_saving_creates_a_draft_linked_to_the_request_without_moving_it(
    marketer_client, marketer, rep, battle_card_request
):
    response = marketer_client.post(
        f"/assets/new/?request={battle_card_request.pk}", _battle_card_post(battle_card_request, marketer)
    )

    asset = Asset.objects.get(title="Beating Acme")
    assert response.status_code == 302 and response["Location"] == asset.get_absolute_url()
    assert asset.status == AssetStatus.DRAFT and asset.kind == AssetKind.BATTLE_CARD
    battle_card_request.refresh_from_db()
    assert battle_card_request.delivered_asset == asset
    assert battle_card_request.status == RequestStatus.ACCEPTED and battle_card_request.delivered_at is None
    event = RequestEvent.objects.filter(request=battle_card_request).get()
    assert (event.from_status, event.to_status) == (RequestStatus.ACCEPTED, RequestStatus.ACCEPTED)
    assert event.note == "Marketing is writing an asset for it."
    assert list(Notification.objects.filter(request=battle_card_request).values_list("user", flat=True)) == [rep.pk]


def test_an_invalid_asset_leaves_the_request_unlinked(marketer_client, marketer, battle_card_request):
    data = {**_battle_card_post(battle_card_request, marketer), "how_we_win": ""}

    response = marketer_client.post(f"/assets/new/?request={battle_card_request.pk}", data)

    assert response.status_code == 400
    battle_card_request.refresh_from_db()
    assert battle_card_request.delivered_asset is None
    assert not Asset.objects.filter(title="Beating Acme").exists()


def test_a_closed_request_is_not_answered_with_a_new_asset(marketer_client, rep):
    delivered = ContentRequestFactory(
        requester=rep, status=RequestStatus.DELIVERED, kind="one_pager", delivered_asset=AssetFactory()
    )

    response = marketer_client.get(f"/assets/new/?request={delivered.pk}")

    assert response.status_code == 302 and response["Location"] == delivered.get_absolute_url()


def test_a_rep_sees_that_an_asset_is_being_written_but_not_the_draft(rep, marketer):
    draft = AssetFactory(status=AssetStatus.DRAFT, title="Secret draft title", published_at=None)
    content_request = ContentRequestFactory(requester=rep, title="Need a one-pager", delivered_asset=draft)

    rep_body = _signed_in(rep).get(content_request.get_absolute_url()).content.decode()
    marketer_body = _signed_in(marketer).get(content_request.get_absolute_url()).content.decode()

    assert "marketing is writing an asset for this request" in rep_body
    assert "Secret draft title" not in rep_body and draft.get_absolute_url() not in rep_body
    assert f'<a href="{draft.get_absolute_url()}">Secret draft title</a>' in marketer_body


def test_the_deliver_form_offers_the_linked_asset(marketer_client, rep):
    asset = AssetFactory(status=AssetStatus.DRAFT, published_at=None)
    content_request = ContentRequestFactory(requester=rep, status=RequestStatus.IN_PROGRESS, delivered_asset=asset)

    body = marketer_client.get(content_request.get_absolute_url()).content.decode()

    assert f'name="delivered_asset" list="asset-options-{content_request.pk}"' in body
    assert f'value="#{asset.pk} {asset.title}"' in body


# The services


def test_linking_is_for_marketing(rep, battle_card_request):
    with pytest.raises(PermissionDenied):
        request_link_asset(request=battle_card_request, actor=rep, asset=AssetFactory())


def test_linking_the_same_asset_twice_changes_nothing(marketer, battle_card_request):
    asset = AssetFactory(status=AssetStatus.DRAFT)
    request_link_asset(request=battle_card_request, actor=marketer, asset=asset)
    request_link_asset(request=battle_card_request, actor=marketer, asset=asset)

    assert RequestEvent.objects.filter(request=battle_card_request).count() == 1


def test_linking_another_asset_replaces_the_first_and_says_so(marketer, battle_card_request):
    first, second = AssetFactory(status=AssetStatus.DRAFT), AssetFactory(status=AssetStatus.DRAFT)
    request_link_asset(request=battle_card_request, actor=marketer, asset=first)
    request_link_asset(request=battle_card_request, actor=marketer, asset=second)

    battle_card_request.refresh_from_db()
    assert battle_card_request.delivered_asset == second
    notes = list(RequestEvent.objects.filter(request=battle_card_request).values_list("note", flat=True))
    assert notes == ["Marketing is writing an asset for it.", "Marketing is writing another asset for it instead."]


@pytest.mark.parametrize("status", [RequestStatus.DECLINED, RequestStatus.DUPLICATE, RequestStatus.DELIVERED])
def test_a_closed_request_takes_no_asset(marketer, rep, status):
    original = ContentRequestFactory(requester=rep)
    closed = ContentRequestFactory(
        requester=rep,
        status=status,
        decline_reason="No.",
        duplicate_of=original if status == RequestStatus.DUPLICATE else None,
        delivered_asset=AssetFactory() if status == RequestStatus.DELIVERED else None,
    )

    with pytest.raises(RequestError, match="only an open request"):
        request_link_asset(request=closed, actor=marketer, asset=AssetFactory(status=AssetStatus.DRAFT))
    with pytest.raises(RequestError):
        request_create_asset(request=closed, actor=marketer, kind=AssetKind.ONE_PAGER, title="Nope")
    assert not Asset.objects.filter(title="Nope").exists()


def test_an_archived_asset_answers_no_request(marketer, battle_card_request):
    with pytest.raises(RequestError, match="archived"):
        request_link_asset(request=battle_card_request, actor=marketer, asset=AssetFactory(status=AssetStatus.ARCHIVED))


def test_creating_the_asset_for_a_request_writes_both(marketer, battle_card_request):
    asset = request_create_asset(
        request=battle_card_request,
        actor=marketer,
        kind=AssetKind.ONE_PAGER,
        title="One-pager for Acme deals",
        stages=[battle_card_request.stage],
    )

    assert asset.status == AssetStatus.DRAFT and asset.owner == marketer
    assert ContentRequest.objects.get(pk=battle_card_request.pk).delivered_asset == asset


def test_an_asset_its_rules_refuse_links_nothing(marketer, battle_card_request):
    with pytest.raises(ValidationError, match="how we win"):
        request_create_asset(
            request=battle_card_request, actor=marketer, kind=AssetKind.BATTLE_CARD, title="No how-we-win"
        )

    assert not Asset.objects.filter(title="No how-we-win").exists()
    assert ContentRequest.objects.get(pk=battle_card_request.pk).delivered_asset is None
    assert not RequestEvent.objects.filter(request=battle_card_request).exists()


def test_creating_the_asset_for_a_request_is_for_marketing(rep, battle_card_request):
    with pytest.raises(PermissionDenied):
        request_create_asset(request=battle_card_request, actor=rep, kind=AssetKind.ONE_PAGER, title="X")
    assert not Asset.objects.filter(title="X").exists()
