"""Deal pages: list, deal page with timeline and support before close, logging forms, import page,
autocomplete and the "I used this" box, with their permissions and query counts."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from content.models import AssetStatus, ContentRequest, Deal, Usage

from .deals_helpers import objection_entry
from .factories import AssetFactory, DealFactory, UsageFactory

pytestmark = pytest.mark.django_db

SALESFORCE = Path(__file__).parent / "fixtures" / "crm" / "salesforce_opportunities.csv"


def at(day):
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


@pytest.fixture
def deal(rep):
    return DealFactory(crm_id="006ACME", name="Acme renewal", account="Acme", owner=rep)


def test_reps_see_their_deals_and_managers_see_all(rep_client, other_rep, deal):
    DealFactory(name="Someone else's", owner=other_rep)
    page = rep_client.get(reverse("deal-list")).content.decode()
    assert "Acme renewal" in page
    assert "Someone else" not in page


def test_the_deal_list_filters_by_status_owner_and_search(manager_client, rep, other_rep):
    DealFactory(name="Won deal", owner=rep, status="won", close_date=datetime.date(2026, 1, 1))
    DealFactory(name="Open deal", owner=other_rep, account="Globex")
    assert "Open deal" not in manager_client.get("/deals/?status=won").content.decode()
    assert "Won deal" not in manager_client.get("/deals/?owner=rep2").content.decode()
    assert "Won deal" not in manager_client.get("/deals/?q=globex").content.decode()
    assert "Open deal" in manager_client.get("/deals/?q=globex").content.decode()


@pytest.mark.parametrize(
    "params", [{"owner": "rep"}, {"status": "won"}, {"q": "globex"}, {"closed_after": "2026-01-01"}]
)
def test_the_deal_list_and_the_api_filter_the_same_deals(manager_client, rep, other_rep, params):
    DealFactory(name="Won deal", owner=rep, status="won", close_date=datetime.date(2026, 1, 1))
    DealFactory(name="Open deal", owner=other_rep, account="Globex")
    api = [row["crm_id"] for row in manager_client.get("/api/v1/deals/", params).json()["results"]]
    page = [deal.crm_id for deal in manager_client.get("/deals/", params).context["page"]]
    assert api and api == page


def test_a_bad_deal_filter_is_a_400_naming_it_on_the_api_and_a_message_on_the_page(manager_client):
    response = manager_client.get("/api/v1/deals/", {"status": "maybe"})
    assert response.status_code == 400 and list(response.json()) == ["status"]
    page = manager_client.get("/deals/", {"status": "maybe"})
    assert page.status_code == 400 and "These filters cannot be used" in page.content.decode()


def test_a_rep_cannot_open_another_reps_deal(rep_client, other_rep):
    theirs = DealFactory(owner=other_rep)
    assert rep_client.get(theirs.get_absolute_url()).status_code == 404


def test_an_outsider_sees_no_deal_pages(client, outsider, deal):
    client.force_login(outsider)
    assert client.get(reverse("deal-list")).status_code == 403
    assert client.get(deal.get_absolute_url()).status_code == 403


def test_the_deal_page_separates_assets_used_before_and_after_close(manager_client, rep):
    close = datetime.date(2026, 5, 1)
    deal = DealFactory(crm_id="006WON", status="won", close_date=close, owner=rep)
    before, after = AssetFactory(title="Before asset"), AssetFactory(title="After asset")
    UsageFactory(asset=before, deal=deal, user=rep, used_at=at(close - datetime.timedelta(days=2)), note="went well")
    UsageFactory(asset=after, deal=deal, user=rep, used_at=at(close + datetime.timedelta(days=2)))

    response = manager_client.get(deal.get_absolute_url())

    page = response.content.decode()
    assert [row["asset__title"] for row in response.context["used_before"]] == ["Before asset"]
    assert [row["asset__title"] for row in response.context["used_after_only"]] == ["After asset"]
    assert "not counting" in page and "went well" in page


def test_log_what_i_used_logs_several_assets_in_one_go(rep_client, deal):
    assets = AssetFactory.create_batch(3)
    response = rep_client.post(
        reverse("deal-log-usage", args=[deal.crm_id]),
        {"assets": [a.pk for a in assets], "action": "presented", "helpful": "4"},
    )
    assert response.status_code == 302
    assert Usage.objects.filter(deal=deal, action="presented", helpful=4).count() == 3


def test_log_what_i_used_logs_nothing_when_one_asset_is_invalid(rep_client, deal):
    good, draft = AssetFactory(), AssetFactory(status=AssetStatus.DRAFT)
    response = rep_client.post(
        reverse("deal-log-usage", args=[deal.crm_id]), {"assets": [good.pk, draft.pk], "action": "shared"}
    )
    assert response.status_code == 400
    assert "that you can open" in response.content.decode()
    assert not Usage.objects.exists()


def test_the_asset_search_of_the_log_form_returns_matching_released_assets(rep_client, deal):
    AssetFactory(title="Pricing one-pager")
    AssetFactory(title="Pricing draft", status=AssetStatus.DRAFT)
    response = rep_client.get(reverse("deal-asset-options", args=[deal.crm_id]), {"asset_q": "pricing"})
    page = response.content.decode()
    assert "Pricing one-pager" in page and "Pricing draft" not in page


def test_a_new_objection_becomes_a_content_request(rep_client, deal):
    response = rep_client.post(reverse("deal-new-objection", args=[deal.crm_id]), {"objection": "No SOC 2 report."})
    assert response.status_code == 302
    request = ContentRequest.objects.get()
    assert request.deal == deal and "No SOC 2 report." in request.title


def test_reps_may_not_import_deals(rep_client):
    assert rep_client.get(reverse("deal-import")).status_code == 403


def test_the_import_page_shows_the_report_with_rejected_rows(manager_client):
    upload = SimpleUploadedFile("opps.csv", SALESFORCE.read_bytes(), content_type="text/csv")
    response = manager_client.post(reverse("deal-import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["report"].created == 30
    page = response.content.decode()
    assert "0065g0000099902AAA" in page and "needs a close date" in page


def test_the_import_page_explains_a_file_that_is_not_a_csv(manager_client):
    upload = SimpleUploadedFile("deck.pdf", b"%PDF-1.4\x00\x00", content_type="application/pdf")
    response = manager_client.post(reverse("deal-import"), {"file": upload})
    assert response.status_code == 400
    assert "not a CSV" in response.content.decode()
    assert not Deal.objects.exists()


def test_the_autocomplete_offers_only_the_users_open_deals_at_most_ten(rep_client, rep, other_rep):
    DealFactory.create_batch(12, owner=rep, account="Acme")
    DealFactory(name="Closed Acme", owner=rep, status="won", close_date=datetime.date(2026, 1, 1))
    DealFactory(name="Their Acme", owner=other_rep)
    page = rep_client.get(reverse("deal-autocomplete"), {"q": "acme"}).content.decode()
    assert page.count("<option") == 10
    assert "Closed Acme" not in page and "Their Acme" not in page


def test_i_used_this_logs_and_returns_the_box_with_a_message_under_htmx(rep_client, deal):
    asset = AssetFactory()
    response = rep_client.post(
        reverse("asset-use", args=[asset.pk]),
        {"deal_name": "Acme renewal — Acme", "action": "shared"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Logged: shared in Acme renewal" in response.content.decode()
    assert Usage.objects.filter(asset=asset, deal=deal).exists()


def test_i_used_this_without_htmx_redirects_back_to_the_asset(rep_client, deal):
    asset = AssetFactory()
    response = rep_client.post(reverse("asset-use", args=[asset.pk]), {"deal_name": "Acme renewal", "action": "sent"})
    assert response.status_code == 302 and response["Location"] == asset.get_absolute_url()


def test_i_used_this_shows_errors_in_the_box(rep_client, deal):
    asset = AssetFactory()
    response = rep_client.post(
        reverse("asset-use", args=[asset.pk]), {"deal_name": "Nope", "action": "shared"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "None of your open deals is called “Nope”" in response.content.decode()
    assert not Usage.objects.exists()


def test_heard_is_offered_only_on_objection_entries(rep_client, deal):
    plain = rep_client.get(reverse("asset-use", args=[AssetFactory().pk])).content.decode()
    objection = rep_client.get(reverse("asset-use", args=[objection_entry().pk])).content.decode()
    assert 'value="heard"' not in plain
    assert 'value="heard"' in objection


def test_i_used_this_refuses_an_asset_the_rep_cannot_open(rep_client, deal):
    draft = AssetFactory(status=AssetStatus.DRAFT)
    assert (
        rep_client.post(
            reverse("asset-use", args=[draft.pk]), {"deal_name": "Acme renewal", "action": "shared"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize("count", [2, 25])
def test_the_deal_list_runs_a_constant_number_of_queries(manager_client, rep, count, django_assert_max_num_queries):
    DealFactory.create_batch(count, owner=rep)
    # session, user, roles, count, the page of deals with owners
    with django_assert_max_num_queries(6):
        assert manager_client.get(reverse("deal-list")).status_code == 200


@pytest.mark.parametrize("count", [2, 25])
def test_the_deal_page_runs_a_constant_number_of_queries(rep_client, rep, deal, count, django_assert_max_num_queries):
    for asset in AssetFactory.create_batch(count):
        UsageFactory(asset=asset, deal=deal, user=rep)
    # session, user, roles, the deal, assets used (aggregate), timeline count and page, asset choices,
    # the deal's tracked links with their assets, the assets that may be sent
    with django_assert_max_num_queries(12):
        assert rep_client.get(deal.get_absolute_url()).status_code == 200


def test_a_large_upload_is_imported_by_a_background_job_with_a_progress_page(
    manager_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from content.models import BackgroundJob, JobStatus

    settings.MEDIA_ROOT = tmp_path
    settings.DEAL_IMPORT_BACKGROUND_BYTES = 100  # every real file is "large" here
    upload = SimpleUploadedFile("opps.csv", SALESFORCE.read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("deal-import"), {"file": upload})
    job = BackgroundJob.objects.get(kind="import_deals")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["created"] == 30 and job.result["rejected"] >= 1
    assert Deal.objects.count() == 30
    assert not list((tmp_path / "imports").iterdir())  # the stored upload is removed once imported
    page = manager_client.get(job.get_absolute_url())
    assert b"created 30" in page.content


def test_a_rep_sees_no_title_of_a_draft_someone_else_logged_in_their_deal(rep, rep_client, marketer):
    from .factories import AssetFactory, DealFactory, UsageFactory

    deal = DealFactory(owner=rep)
    draft = AssetFactory(status="draft", title="Unreleased pricing plan")
    UsageFactory(asset=draft, deal=deal, user=marketer)
    html = rep_client.get(f"/deals/{deal.crm_id}/").content.decode()
    assert "Unreleased pricing plan" not in html
    assert "An asset you cannot open" in html


def test_deal_prep_of_another_reps_deal_is_not_found_like_a_missing_one(rep_client, other_rep):
    from .factories import DealFactory

    theirs = DealFactory(owner=other_rep)
    assert rep_client.get(f"/prep/{theirs.crm_id}/").status_code == 404
    assert rep_client.get("/prep/NO-SUCH-DEAL/").status_code == 404
