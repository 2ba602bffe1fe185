"""A big file's text is extracted by a background job, then found by search."""

import pytest

from content.assets import asset_save_file
from content.models import BackgroundJob, JobStatus
from content.search import SearchParams, search_assets

from .assets_helpers import docx_bytes, upload
from .factories import AssetFactory

pytestmark = pytest.mark.django_db


def test_a_big_files_text_is_extracted_in_the_background_and_searchable(
    settings, tmp_path, marketer, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.EXTRACT_IN_BACKGROUND_BYTES = 10  # every file is "big" here
    asset = AssetFactory(title="Quarterly deck", owner=marketer)
    content = docx_bytes("Quokka onboarding figures for the northern region")
    with django_capture_on_commit_callbacks(execute=True):
        asset_save_file(asset=asset, uploaded_file=upload("deck.docx", content))
        asset.refresh_from_db()
        assert asset.file_text == ""  # nothing extracted on the request path
    job = BackgroundJob.objects.get(kind="extract_text")
    assert job.status == JobStatus.SUCCEEDED
    asset.refresh_from_db()
    assert "Quokka onboarding" in asset.file_text
    found = search_assets(user=marketer, params=SearchParams(q="quokka"))
    assert list(found) == [asset]


def test_a_small_file_is_extracted_at_once(settings, tmp_path, marketer):
    settings.MEDIA_ROOT = tmp_path
    asset = AssetFactory(owner=marketer)
    asset_save_file(asset=asset, uploaded_file=upload("one.docx", docx_bytes("Immediate text")))
    asset.refresh_from_db()
    assert "Immediate text" in asset.file_text
    assert not BackgroundJob.objects.exists()
