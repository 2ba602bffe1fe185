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
from content.models import Asset, AssetKind, AssetStatus, Usage, UsageAction

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


def _publish_on_the_page(client, **fields):
    draft = AssetFactory(status=AssetStatus.DRAFT, published_at=None, owner=None, **fields)
    client.post(reverse("asset-status", args=[draft.pk]), {"to": "published"})
    draft.refresh_from_db()
    return draft


@pytest.mark.django_db
class TestTheAdmin:
    def test_publishing_in_the_admin_stamps_like_the_page(self, client, marketer):
        client.force_login(staff(marketer))
        on_the_page = _publish_on_the_page(client, verification_interval_days=30)
        response = client.post(
            reverse("admin:content_asset_add"),
            {
                "kind": AssetKind.ONE_PAGER,
                "title": "From the admin",
                "status": "published",
                "verification_interval_days": 30,
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        in_the_admin = Asset.objects.get(title="From the admin")
        for asset in (on_the_page, in_the_admin):
            assert asset.owner == marketer
            assert timezone.now() - asset.published_at < datetime.timedelta(minutes=1)
            assert asset.review_by == timezone.localdate(asset.published_at) + datetime.timedelta(days=30)

    def test_the_admin_refuses_what_the_services_refuse_beside_the_field(self, client, marketer):
        client.force_login(staff(marketer))
        response = client.post(
            reverse("admin:content_asset_add"),
            {
                "kind": AssetKind.BATTLE_CARD,
                "title": "No way to win",
                "status": "draft",
                "verification_interval_days": 60,
            },
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "Say how we win" in " ".join(errors["how_we_win"])
        assert "competitors" in errors
        assert not Asset.objects.exists()

    def test_the_admin_refuses_a_move_the_workflow_does_not_allow(self, client, marketer):
        client.force_login(staff(marketer))
        archived = AssetFactory(status=AssetStatus.ARCHIVED, title="Old")
        url = reverse("admin:content_asset_change", args=[archived.pk])
        response = client.post(
            url, {"kind": archived.kind, "title": "Old", "status": "published", "verification_interval_days": 90}
        )
        assert response.status_code == 200 and "status" in response.context["adminform"].form.errors
        archived.refresh_from_db()
        assert archived.status == AssetStatus.ARCHIVED

    def test_the_file_and_the_verification_are_read_only_in_the_admin(self, client, marketer):
        client.force_login(staff(marketer))
        asset = AssetFactory(title="Kept", verification_interval_days=90)
        fake_verification = "2020-01-01 10:00:00"
        response = client.post(
            reverse("admin:content_asset_change", args=[asset.pk]),
            {
                "kind": asset.kind,
                "title": "Renamed",
                "status": "published",
                "published_at_0": timezone.localtime(asset.published_at).strftime("%Y-%m-%d"),
                "published_at_1": timezone.localtime(asset.published_at).strftime("%H:%M:%S"),
                "verification_interval_days": 90,
                "verified_at_0": fake_verification[:10],
                "verified_at_1": fake_verification[11:],
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        asset.refresh_from_db()
        assert (asset.title, asset.verified_at, asset.file.name) == ("Renamed", None, "")

    @pytest.mark.parametrize("persona", ["rep", "manager"])
    def test_staff_outside_marketing_may_not_change_assets_in_the_admin(self, client, persona, request):
        client.force_login(staff(request.getfixturevalue(persona)))
        asset = AssetFactory(title="Untouched")
        change = reverse("admin:content_asset_change", args=[asset.pk])
        assert client.get(change).status_code == 200  # read-only
        payload = {"kind": asset.kind, "title": "Changed", "status": "published", "verification_interval_days": 90}
        assert client.post(change, payload).status_code == 403
        assert client.post(reverse("admin:content_asset_add"), payload).status_code == 403
        assert client.post(reverse("admin:content_asset_delete", args=[asset.pk]), {"post": "yes"}).status_code == 403
        asset.refresh_from_db()
        assert asset.title == "Untouched"


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


@pytest.mark.django_db
class TestDeleting:
    """`asset_delete`: the API and the admin delete through it; an asset with history is archived instead."""

    def _with_file(self, settings, tmp_path, **fields):
        from django.core.files.base import ContentFile

        settings.MEDIA_ROOT = tmp_path
        asset = AssetFactory(status=AssetStatus.DRAFT, published_at=None, **fields)
        asset.file.save("sheet.txt", ContentFile(b"pricing"), save=True)
        return asset, tmp_path / asset.file.name

    def test_the_api_deletes_an_unused_asset_and_its_file(
        self, settings, tmp_path, marketer_api, django_capture_on_commit_callbacks
    ):
        asset, path = self._with_file(settings, tmp_path)
        assert path.exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = marketer_api.delete(f"/api/v1/assets/{asset.pk}/")
        assert response.status_code == 204
        assert not Asset.objects.filter(pk=asset.pk).exists() and not path.exists()

    def test_an_asset_used_in_a_deal_is_kept_with_a_reason(self, settings, tmp_path, marketer_api):
        from .factories import UsageFactory

        asset, path = self._with_file(settings, tmp_path)
        UsageFactory(asset=asset)
        response = marketer_api.delete(f"/api/v1/assets/{asset.pk}/")
        assert response.status_code == 400
        assert "archive it instead" in str(response.json())
        assert Asset.objects.filter(pk=asset.pk).exists() and path.exists()

    def test_a_rep_may_not_delete(self, rep_api):
        asset = AssetFactory()
        assert rep_api.delete(f"/api/v1/assets/{asset.pk}/").status_code == 403
        assert Asset.objects.filter(pk=asset.pk).exists()

    def test_the_admin_lists_an_asset_with_history_as_protected_and_keeps_it(self, client, marketer):
        from .factories import UsageFactory

        used = UsageFactory().asset
        marketer = staff(marketer)
        marketer.user_permissions.add(*Permission.objects.filter(content_type__app_label="content"))
        client.force_login(type(marketer).objects.get(pk=marketer.pk))  # may delete the usage rows too
        url = reverse("admin:content_asset_delete", args=[used.pk])
        page = client.get(url).content.decode()
        assert "archive it instead" in page
        client.post(url, {"post": "yes"})
        assert Asset.objects.filter(pk=used.pk).exists()

    def test_the_admin_deletes_an_unused_asset(self, client, marketer):
        unused = AssetFactory()
        client.force_login(staff(marketer))
        response = client.post(reverse("admin:content_asset_delete", args=[unused.pk]), {"post": "yes"})
        assert response.status_code == 302 and not Asset.objects.filter(pk=unused.pk).exists()


@pytest.mark.django_db
def test_the_synthetic_data_logs_a_buyer_view_once_per_asset_and_deal():
    # Few deals, many uses of a few popular assets: random buyer views would repeat pairs.
    UserFactory(username="seed-marketer", groups=["Marketing"])
    options = ["--assets=20", "--deals=2", "--usages=400", "--requests=1", "--searches=1", "--reps=2"]
    call_command("generate_synthetic", *options, stdout=io.StringIO())
    views = Usage.objects.filter(action=UsageAction.BUYER_VIEWED)
    assert views.exists()
    assert views.count() == views.values("asset_id", "deal_id").distinct().count()
    assert Usage.objects.count() == 400
