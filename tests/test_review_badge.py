"""The review badge: when an asset was last verified and by whom, and whether a rep may still use
it (review due: still approved; expired: do not use), the same in the library, on the asset page,
in deal prep and in the API; Mark verified records the verifier."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from content.assets import asset_verify
from content.models import AssetKind, AssetStatus

from .factories import AssetFactory, DealFactory, UserFactory

pytestmark = pytest.mark.django_db

MARCH_3 = datetime.datetime(2026, 3, 3, 10, 0)


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", first_name="Dana", last_name="Whitfield", groups=["Marketing"])


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def stale_asset(dana, **fields):
    """Verified by Dana on 3 March 2026, every 90 days: review due since early June."""
    verified = timezone.make_aware(MARCH_3)
    return AssetFactory(published_at=verified, verified_at=verified, verified_by=dana, **fields)


class TestTheBadgeText:
    def test_review_due_says_who_verified_it_when_and_that_it_is_still_approved(self, dana):
        review = stale_asset(dana).review_status()
        assert (review.state, review.approved, review.flagged) == ("review_due", True, True)
        assert review.text == "Verified 3 Mar 2026 by Dana Whitfield · review due — still approved"
        assert review.verified_by == "Dana Whitfield"

    def test_expired_says_do_not_use(self, dana):
        review = stale_asset(dana, expires_on=datetime.date(2026, 10, 1)).review_status()
        assert (review.state, review.approved, review.text) == ("expired", False, "Expired 1 Oct 2026 — do not use")

    def test_a_fresh_asset_says_when_its_next_review_is(self, dana):
        asset = AssetFactory(published_at=days_ago(20), verified_at=days_ago(10), verified_by=dana)
        review = asset.review_status()
        verified_on = timezone.localdate(asset.verified_at)
        due = verified_on + datetime.timedelta(days=90)
        assert (review.state, review.approved, review.flagged) == ("fresh", True, False)
        assert review.text == (
            f"Verified {verified_on.day} {verified_on:%b %Y} by Dana Whitfield · review by {due.day} {due:%b %Y}"
        )

    def test_a_never_verified_asset_says_so(self):
        asset = AssetFactory(published_at=timezone.make_aware(MARCH_3))
        assert asset.review_status().text == "Published 3 Mar 2026, never verified · review due — still approved"

    def test_an_unknown_verifier_is_left_out(self):
        asset = AssetFactory(published_at=timezone.make_aware(MARCH_3), verified_at=timezone.make_aware(MARCH_3))
        assert asset.review_status().text == "Verified 3 Mar 2026 · review due — still approved"

    @pytest.mark.parametrize(
        ("fields", "state", "text"),
        [
            ({"status": AssetStatus.ARCHIVED}, "unpublished", "Archived — not for use"),
            ({"status": AssetStatus.DRAFT, "published_at": None}, "unpublished", "Draft — not for use"),
        ],
    )
    def test_an_unpublished_asset_is_not_for_use(self, fields, state, text):
        review = AssetFactory(**fields).review_status()
        assert (review.state, review.approved, review.text) == (state, False, text)

    def test_a_scheduled_asset_is_not_for_use_yet(self):
        release = timezone.now() + datetime.timedelta(days=9)
        day = timezone.localdate(release)
        review = AssetFactory(published_at=release).review_status()
        assert (review.state, review.approved) == ("scheduled", False)
        assert review.text == f"Released {day.day} {day:%b %Y} — not for use yet"


class TestMarkVerified:
    def test_mark_verified_records_who_verified_it(self, client, dana):
        asset = AssetFactory(published_at=days_ago(100))
        client.force_login(dana)
        assert client.post(reverse("asset-verify", args=[asset.pk])).status_code == 302
        asset.refresh_from_db()
        assert asset.verified_by == dana and asset.review_status().state == "fresh"

    def test_the_service_records_the_verifier_too(self, dana):
        asset = asset_verify(asset=AssetFactory(published_at=days_ago(100)), actor=dana)
        asset.refresh_from_db()
        assert asset.verified_by == dana


class TestWhereTheBadgeShows:
    TEXT = "Verified 3 Mar 2026 by Dana Whitfield · review due — still approved"

    def test_in_the_library_results(self, rep_client, dana):
        stale_asset(dana, title="Pricing sheet")
        assert self.TEXT in rep_client.get(reverse("library"), {"q": "pricing"}).content.decode()

    def test_on_the_asset_page(self, rep_client, dana):
        asset = stale_asset(dana)
        assert self.TEXT in rep_client.get(asset.get_absolute_url()).content.decode()

    def test_in_deal_prep(self, rep_client, rep, dana):
        from content.models import Competitor

        rival = Competitor.objects.create(name="Acme")
        deal = DealFactory(owner=rep)
        deal.competitors.add(rival)
        card = stale_asset(dana, kind=AssetKind.BATTLE_CARD, title="Battle card: Acme")
        card.competitors.add(rival)
        html = rep_client.get(reverse("deal-prep-detail", args=[deal.crm_id])).content.decode()
        assert "Battle card: Acme" in html and self.TEXT in html

    def test_on_a_recommended_asset_in_deal_prep(self, rep_client, rep, dana):
        from content.models import FunnelStage

        stage = FunnelStage.objects.order_by("order")[2]
        deal = DealFactory(owner=rep, funnel_stage=stage)
        stale_asset(dana, title="Stage guide").stages.add(stage)
        html = rep_client.get(reverse("deal-prep-detail", args=[deal.crm_id])).content.decode()
        assert "Stage guide" in html and self.TEXT in html

    def test_in_the_api(self, rep, dana):
        asset = stale_asset(dana)
        api = APIClient()
        api.force_authenticate(rep)
        body = api.get(f"/api/v1/assets/{asset.pk}/").json()
        assert body["verified_by"] == "dana" and body["needs_review"] is True
        assert body["review"] == {
            "state": "review_due",
            "approved_for_use": True,
            "text": self.TEXT,
            "verified_at": body["verified_at"],
            "verified_by": "Dana Whitfield",
        }
        assert body["verified_at"].startswith("2026-03-03")

    def test_a_marketer_sees_an_expired_asset_flagged_in_the_library(self, marketer_client, dana):
        stale_asset(dana, title="Pricing sheet", expires_on=datetime.date(2026, 10, 1))
        html = marketer_client.get(reverse("library"), {"q": "pricing"}).content.decode()
        assert "Expired 1 Oct 2026 — do not use" in html
