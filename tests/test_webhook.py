"""The signed CRM webhook: good, bad, missing and replayed signatures, and what each writes."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from content.models import Deal, DealStatus, WebhookEvent

from .deals_helpers import SECRET, post_signed
from .factories import AssetFactory, DealFactory, UsageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secret")]


@pytest.fixture
def webhook_secret():
    with override_settings(CRM_WEBHOOK_SECRET=SECRET):
        yield


def test_a_signed_stage_change_updates_the_deal(client):
    deal = DealFactory(crm_id="006A", stage="Prospecting")

    response = post_signed(client, {"event_id": "evt-1", "crm_id": "006A", "stage": "Negotiation/Review"})

    assert response.status_code == 200
    assert response.json() == {"status": "applied", "crm_id": "006A"}
    deal.refresh_from_db()
    assert (deal.stage, deal.status, deal.funnel_stage.slug) == ("Negotiation/Review", "open", "evaluating")


def test_a_won_event_closes_the_deal_and_refreshes_asset_support(client, rep):
    deal = DealFactory(crm_id="006B", owner=rep)
    asset = AssetFactory()
    UsageFactory(asset=asset, deal=deal, user=rep, used_at=datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC))

    response = post_signed(
        client,
        {
            "event_id": "evt-2",
            "crm_id": "006B",
            "stage": "Closed Won",
            "close_date": "2026-03-20",
            "amount": "$42,000",
        },
    )

    assert response.status_code == 200
    deal.refresh_from_db()
    assert (deal.status, deal.close_date, deal.amount) == (
        DealStatus.WON,
        datetime.date(2026, 3, 20),
        Decimal("42000.00"),
    )
    asset.refresh_from_db()
    assert (asset.won_deal_count, asset.influenced_revenue) == (1, Decimal("42000.00"))


@pytest.mark.parametrize("signature", ["sha256=" + "0" * 64, "sha256=nothex", "", False])
def test_a_bad_or_missing_signature_is_refused_and_writes_nothing(client, signature):
    DealFactory(crm_id="006C", stage="Prospecting")

    response = post_signed(
        client,
        {"event_id": "evt-3", "crm_id": "006C", "stage": "Closed Lost", "close_date": "2026-01-01"},
        signature=signature,
    )

    assert response.status_code == 401
    assert Deal.objects.get(crm_id="006C").stage == "Prospecting"
    assert not WebhookEvent.objects.exists()


def test_a_body_signed_with_another_secret_is_refused(client):
    response = post_signed(client, {"event_id": "e", "crm_id": "X", "name": "X"}, secret="another")
    assert response.status_code == 401
    assert not Deal.objects.exists()


def test_without_a_configured_secret_every_event_is_refused(client):
    with override_settings(CRM_WEBHOOK_SECRET=""):
        response = post_signed(client, {"event_id": "e", "crm_id": "X", "name": "X"}, secret="")
    assert response.status_code == 401
    assert not Deal.objects.exists()


def test_a_replayed_event_has_no_second_effect(client):
    DealFactory(crm_id="006D", amount=Decimal("100"))
    event = {"event_id": "evt-4", "crm_id": "006D", "stage": "Proposal", "amount": "200"}
    assert post_signed(client, event).json()["status"] == "applied"
    Deal.objects.filter(crm_id="006D").update(amount=Decimal("300"))  # changed meanwhile in the app

    replay = post_signed(client, event)

    assert replay.status_code == 200
    assert replay.json() == {"status": "duplicate"}
    assert Deal.objects.get(crm_id="006D").amount == Decimal("300.00")
    assert WebhookEvent.objects.count() == 1


def test_an_unknown_deal_is_created_when_the_event_names_it(client):
    response = post_signed(
        client, {"event_id": "evt-5", "crm_id": "9000001", "stage": "qualifiedtobuy", "name": "Hooli pilot"}
    )
    assert response.status_code == 200
    deal = Deal.objects.get(crm_id="9000001")
    assert (deal.name, deal.source, deal.funnel_stage.slug) == ("Hooli pilot", "webhook", "interested")


def test_an_unknown_deal_without_a_name_is_a_400_and_the_event_is_not_kept(client):
    response = post_signed(client, {"event_id": "evt-6", "crm_id": "nope", "stage": "closedwon"})
    assert response.status_code == 400
    assert "crm_id" in response.json()
    assert not WebhookEvent.objects.exists()


def test_a_won_event_without_a_close_date_is_a_400_and_nothing_changes(client):
    DealFactory(crm_id="006E")
    response = post_signed(client, {"event_id": "evt-7", "crm_id": "006E", "stage": "Closed Won"})
    assert response.status_code == 400
    assert "close_date" in response.json()
    assert Deal.objects.get(crm_id="006E").status == "open"
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("body", [{"crm_id": "X"}, {"event_id": "e"}, ["not", "an", "object"]])
def test_a_malformed_event_is_a_400(client, body):
    assert post_signed(client, body).status_code == 400
