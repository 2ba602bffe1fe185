"""Media on S3-compatible storage when configured: asset files and large imports never touch a
worker's local disk. moto stands in for the S3 endpoint."""

import boto3
import pytest
from django.core.files.storage import storages
from moto import mock_aws

from content.assets import asset_save_file
from content.models import BackgroundJob, Deal

from .assets_helpers import docx_bytes, upload
from .factories import AssetFactory

pytestmark = pytest.mark.django_db

BUCKET = "enablement-media"


@pytest.fixture
def s3(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": BUCKET}},
        }
        settings.AWS_S3_REGION_NAME = "us-east-1"
        settings.MEDIA_ROOT = tmp_path / "must-stay-empty"
        storages._storages.clear()  # let the new STORAGES take effect
        yield client
        storages._storages.clear()


def keys(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_asset_file_is_stored_in_the_bucket_and_its_text_extracted(s3, marketer, settings):
    asset = AssetFactory(owner=marketer)
    asset_save_file(asset=asset, uploaded_file=upload("brief.docx", docx_bytes("Walrus pricing proof")))
    asset.refresh_from_db()
    assert asset.file.name in keys(s3)
    assert "Walrus pricing proof" in asset.file_text
    assert not settings.MEDIA_ROOT.exists()


def test_a_large_import_goes_through_the_bucket_and_is_removed_after(
    s3, manager_client, settings, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.DEAL_IMPORT_BACKGROUND_BYTES = 10
    csv_bytes = (Path(__file__).parent / "fixtures" / "crm" / "salesforce_opportunities.csv").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("deal-import"), {"file": SimpleUploadedFile("opps.csv", csv_bytes)})
    job = BackgroundJob.objects.get(kind="import_deals")
    assert job.status == "succeeded" and Deal.objects.count() == 30
    assert keys(s3) == []  # stored in the bucket for the worker, deleted once imported
    assert not settings.MEDIA_ROOT.exists()


def test_a_pdf_page_preview_is_drawn_into_the_bucket_and_served_from_it(s3, marketer, rep_client, settings):
    import re

    from content.models import Asset

    from .assets_helpers import pdf_bytes

    asset = AssetFactory(owner=marketer)
    asset_save_file(asset=asset, uploaded_file=upload("story.pdf", pdf_bytes("Walrus")))
    html = rep_client.get(asset.get_absolute_url()).content.decode()
    src = re.search(r'<img src="([^"]+)"', html).group(1)
    for _ in range(2):  # drawn, then read back from the bucket
        response = rep_client.get(src)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    sha = Asset.objects.get(pk=asset.pk).file_preview["sha256"]
    assert sorted(key for key in keys(s3) if key.startswith("previews/")) == [f"previews/{sha}/1-800.png"]
    assert not settings.MEDIA_ROOT.exists()
