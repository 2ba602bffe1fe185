"""Every way an asset is written ends in content/assets.py: the admin, the calendar, the demo data
and the synthetic data carry the same stamps (release, owner, review-by date) as the asset page."""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from content.assets import asset_plan, asset_reschedule, asset_stamps, asset_verify
from content.models import Asset, AssetKind, AssetStatus

from .factories import AssetFactory, UserFactory

NOW = datetime.datetime(2026, 3, 2, 15, 30, tzinfo=datetime.UTC)


def staff(user):
    """`user` as staff with every Django permission on assets: only the roles tell them apart."""
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__model="asset"))
    return type(user).objects.get(pk=user.pk)  # the permission cache anew


class TestTheStampRule:
    def test_a_published_asset_without_a_release_is_released_now_and_owned_by_its_publisher(self):
        stamps = asset_stamps(
            status=AssetStatus.PUBLISHED,
            published_at=None,
            verified_at=None,
            verification_interval_days=30,
            owner=None,
            publisher="dana",
            now=NOW,
        )
        assert (stamps.published_at, stamps.owner, stamps.review_by) == (NOW, "dana", datetime.date(2026, 4, 1))

    def test_the_review_date_counts_from_the_last_verification(self):
        stamps = asset_stamps(
            status=AssetStatus.PUBLISHED,
            published_at=NOW,
            verified_at=NOW + datetime.timedelta(days=10),
            verification_interval_days=60,
            owner=7,
            publisher=8,
        )
        # 12 March + 60 days; the owner stays who it was
        assert (stamps.owner, stamps.review_by) == (7, datetime.date(2026, 5, 11))

    @pytest.mark.parametrize("status", [AssetStatus.DRAFT, AssetStatus.IN_REVIEW, AssetStatus.ARCHIVED])
    def test_an_unpublished_asset_gets_no_stamps(self, status):
        stamps = asset_stamps(
            status=status, published_at=None, verified_at=None, verification_interval_days=30, owner=None, now=NOW
        )
        assert (stamps.published_at, stamps.owner, stamps.review_by) == (None, None, None)


@pytest.mark.django_db
class TestTheCalendar:
    def test_a_planned_battle_card_gets_the_interval_of_one_created_on_the_page(self, marketer_client, marketer):
        day = timezone.localdate() + datetime.timedelta(days=7)
        response = marketer_client.post(
            reverse("calendar-plan"),
            {"title": "Planned card", "kind": AssetKind.BATTLE_CARD, "owner": marketer.pk, "planned_date": day},
        )
        assert response.status_code == 302
        planned = Asset.objects.get(title="Planned card")
        assert (planned.status, planned.planned_publish_date, planned.owner) == (AssetStatus.DRAFT, day, marketer)
        assert (planned.published_at, planned.review_by, planned.verification_interval_days) == (None, None, 60)

    def test_planning_and_rescheduling_are_for_marketing(self, rep, manager, marketer):
        day = timezone.localdate() + datetime.timedelta(days=3)
        draft = AssetFactory(status=AssetStatus.DRAFT, published_at=None, planned_publish_date=day)
        for actor in (rep, manager):
            with pytest.raises(PermissionDenied):
                asset_plan(actor=actor, title="No", kind=AssetKind.DECK, owner=marketer, planned_date=day)
            with pytest.raises(PermissionDenied):
                asset_reschedule(actor=actor, asset=draft, planned_date=day)

    def test_a_rescheduled_asset_keeps_its_stamps(self, marketer):
        day = timezone.localdate() + datetime.timedelta(days=3)
        draft = AssetFactory(status=AssetStatus.IN_REVIEW, published_at=None, owner=None, planned_publish_date=day)
        moved = asset_reschedule(actor=marketer, asset=draft, planned_date=day + datetime.timedelta(days=1))
        assert (moved.planned_publish_date, moved.owner_id, moved.published_at) == (
            day + datetime.timedelta(days=1),
            None,
            None,
        )


@pytest.mark.django_db
def test_verifying_at_a_given_moment_counts_the_review_date_from_it(marketer):
    asset = AssetFactory(owner=marketer, verification_interval_days=30)
    asset_verify(asset=asset, actor=marketer, now=NOW)
    asset.refresh_from_db()
    assert (asset.verified_at, asset.verified_by, asset.review_by) == (NOW, marketer, datetime.date(2026, 4, 1))


def _stamps_of(asset):
    return asset_stamps(
        status=asset.status,
        published_at=asset.published_at,
        verified_at=asset.verified_at,
        verification_interval_days=asset.verification_interval_days,
        owner=asset.owner_id,
    )


@pytest.mark.django_db
def test_the_synthetic_data_carries_the_stamps_of_the_rule(tmp_path):
    UserFactory(username="seed-marketer", groups=["Marketing"])
    options = ["--assets=40", "--deals=3", "--usages=5", "--requests=1", "--searches=1", "--reps=2"]
    call_command("generate_synthetic", *options, stdout=io.StringIO())
    assets = list(Asset.objects.all())
    assert {a.status for a in assets} >= {AssetStatus.PUBLISHED, AssetStatus.DRAFT}
    for asset in assets:
        stamps = _stamps_of(asset)
        assert (asset.published_at, asset.owner_id, asset.review_by) == (
            stamps.published_at,
            stamps.owner,
            stamps.review_by,
        )
        assert asset.owner_id is not None
