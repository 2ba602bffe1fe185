"""Every write path (pages, API, CSV import by command and page, CRM webhook, commands) makes a
cached report show the change at once: read the report (now cached), write, read it again."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from content.caching import data_version, reports_changed
from content.models import AssetStatus, Deal, Persona
from content.reports import ReportFilters, run_report

from .deals_helpers import SECRET, post_signed
from .factories import AssetFactory, DealFactory

pytestmark = pytest.mark.django_db


def period():
    today = timezone.localdate()
    return ReportFilters(start=today - datetime.timedelta(days=30), end=today)


def closed_deals(**filters):
    """The effectiveness report's baseline: deals closed in the period (cached after the first read)."""
    return run_report("effectiveness", ReportFilters(**{**vars(period()), **filters})).totals["closed_deals"]


def shelfware():
    return run_report("effectiveness", period()).totals["shelfware"]


def uses():
    return run_report("usage", period()).totals["uses"]


def requests_filed():
    return run_report("requests", period()).totals["requests"]


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def won_deal_csv(crm_id="006NEWWON"):
    today = timezone.localdate().isoformat()
    return f"crm_id,name,account,amount,currency,stage,status,close_date,owner\n{crm_id},New,Acme,900,USD,Closed Won,won,{today},\n"


def test_a_write_that_announces_nothing_leaves_the_cached_figure_in_place(db):
    """Why every path below must announce its writes: the reports are really read from the cache."""
    DealFactory(status="won", close_date=timezone.localdate())
    assert closed_deals() == 1
    Deal.objects.update(status="open")  # a queryset update sends no signal
    assert closed_deals() == 1
    reports_changed()
    assert closed_deals() == 0


# Pages ---------------------------------------------------------------------------------------------


def test_publishing_on_the_asset_page_changes_a_cached_report(marketer_client):
    draft = AssetFactory(status=AssetStatus.DRAFT, published_at=None)
    assert shelfware() == 0
    marketer_client.post(reverse("asset-status", args=[draft.pk]), {"to": "published"})
    assert shelfware() == 1


def test_logging_a_use_on_the_deal_page_changes_a_cached_report(rep_client, rep, django_capture_on_commit_callbacks):
    deal = DealFactory(owner=rep, crm_id="006PAGE")
    asset = AssetFactory()
    assert uses() == 0
    with django_capture_on_commit_callbacks(execute=True):
        rep_client.post(reverse("deal-log-usage", args=["006PAGE"]), {"assets": [asset.pk], "action": "shared"})
    assert deal.usages.count() == 1
    assert uses() == 1


def test_submitting_a_request_on_its_page_changes_a_cached_report(rep_client):
    assert requests_filed() == 0
    rep_client.post(reverse("request-new"), {"title": "ROI sheet", "description": "CFOs ask."})
    assert requests_filed() == 1


def test_importing_on_the_import_page_changes_a_cached_report(manager_client):
    assert closed_deals() == 0
    upload = SimpleUploadedFile("deals.csv", won_deal_csv().encode(), content_type="text/csv")
    response = manager_client.post(reverse("deal-import"), {"file": upload})
    assert response.context["report"].created == 1
    assert closed_deals() == 1


# API -----------------------------------------------------------------------------------------------


def test_a_deal_upserted_over_the_api_changes_a_cached_report(manager):
    assert closed_deals() == 0
    today = timezone.localdate().isoformat()
    response = api_for(manager).put(
        "/api/v1/deals/006API/", {"name": "API deal", "status": "won", "close_date": today}, format="json"
    )
    assert response.status_code == 201
    assert closed_deals() == 1


def test_a_use_logged_over_the_api_changes_a_cached_report(rep, django_capture_on_commit_callbacks):
    DealFactory(owner=rep, crm_id="006USE")
    asset = AssetFactory()
    assert uses() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(rep).post(
            "/api/v1/usage/", {"asset": asset.pk, "deal": "006USE", "action": "shared"}, format="json"
        )
    assert response.status_code == 201
    assert uses() == 1


def test_an_asset_published_over_the_api_changes_a_cached_report(marketer):
    draft = AssetFactory(status=AssetStatus.DRAFT, published_at=None)
    assert shelfware() == 0
    api_for(marketer).patch(f"/api/v1/assets/{draft.pk}/", {"status": "published"}, format="json")
    assert shelfware() == 1


# Import, webhook, commands -------------------------------------------------------------------------


def test_importing_new_deals_with_the_command_changes_a_cached_report(tmp_path, db):
    path = tmp_path / "deals.csv"
    path.write_text(won_deal_csv())
    assert closed_deals() == 0
    call_command("import_deals", str(path), stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    assert closed_deals() == 1


def test_a_dry_run_import_leaves_the_cache_alone(tmp_path, db):
    path = tmp_path / "deals.csv"
    path.write_text(won_deal_csv())
    version = data_version()
    call_command("import_deals", str(path), "--dry-run", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    assert data_version() == version


def test_a_crm_webhook_event_changes_a_cached_report(client):
    assert closed_deals() == 0
    today = timezone.localdate().isoformat()
    with override_settings(CRM_WEBHOOK_SECRET=SECRET):
        response = post_signed(
            client, {"event_id": "evt-cache", "crm_id": "006HOOK", "name": "Hook", "status": "won", "close_date": today}
        )
    assert response.status_code == 200
    assert closed_deals() == 1


def test_generating_synthetic_data_changes_a_cached_report(tmp_path, db):
    every_year = ReportFilters(start=datetime.date(2000, 1, 1), end=timezone.localdate())
    assert run_report("usage", every_year).totals["uses"] == 0
    options = ["--assets=3", "--deals=3", "--usages=5", "--requests=1", "--searches=1", "--reps=2"]
    call_command("generate_synthetic", *options, stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    assert run_report("usage", every_year).totals["uses"] == 5


def test_tagging_a_deal_with_a_persona_changes_a_cached_report(db):
    deal = DealFactory(status="won", close_date=timezone.localdate(), amount=Decimal("10"))
    buyer = Persona.objects.get(slug="economic-buyer")
    assert closed_deals(persona=buyer) == 0
    deal.personas.add(buyer)
    assert closed_deals(persona=buyer) == 1


def test_an_import_announces_its_change_again_when_its_transaction_commits(db, django_capture_on_commit_callbacks):
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reports_changed()
    assert len(callbacks) == 1
    assert data_version() == version + 2


def test_a_link_sent_changes_a_cached_adoption_report(rep):
    from content.sharing import share_link_create

    asset = AssetFactory(kind="one_pager", status=AssetStatus.PUBLISHED)
    deal = DealFactory(owner=rep)
    one_pagers = ReportFilters(**{**vars(period()), "kind": "one_pager"})  # counted through the link's assets
    assert run_report("adoption", one_pagers).totals["links_sent"] == 0
    share_link_create(user=rep, assets=[asset.pk], deal=deal.crm_id)
    assert run_report("adoption", one_pagers).totals["links_sent"] == 1


def test_a_transaction_says_its_change_again_once_when_it_commits(db, django_capture_on_commit_callbacks):
    """However many of its writes announce a change, one more move waits for the commit: the rows
    written after the first announcement (a link's assets after the link) are then there."""
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        reports_changed()
        reports_changed()
    assert len(callbacks) == 1
    assert data_version() == version + 3
