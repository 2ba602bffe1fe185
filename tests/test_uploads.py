"""Upload validation: only PDF, PPTX, DOCX, PNG and JPEG, checked by content; a refused file
stores nothing; stored names are safe."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from content.models import Asset
from content.uploads import safe_file_name, validate_asset_file

from .assets_helpers import (
    ELF_HEAD,
    JPEG_HEAD,
    MZ_HEAD,
    PNG_1PX,
    docx_bytes,
    fast_passwords,  # noqa: F401 - autouse
    pdf_bytes,
    pptx_bytes,
    stored_files,
    upload,
    zip_without_office_parts,
)
from .factories import AssetFactory


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    "name,content,kind",
    [
        ("case.pdf", pdf_bytes("hello"), "pdf"),
        ("story.docx", docx_bytes("hello"), "docx"),
        ("deck.pptx", pptx_bytes("hello"), "pptx"),
        ("logo.png", PNG_1PX, "png"),
        ("photo.jpg", JPEG_HEAD, "jpeg"),
        ("PHOTO.JPEG", JPEG_HEAD, "jpeg"),
    ],
)
def test_it_accepts_each_allowed_type_when_content_agrees_with_name(name, content, kind):
    assert validate_asset_file(upload(name, content)) == kind


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("tool.pdf", ELF_HEAD, "not a PDF, PPTX, DOCX, PNG or JPEG file"),
        ("setup.pdf", MZ_HEAD, "not a PDF, PPTX, DOCX, PNG or JPEG file"),
        ("picture.docx", PNG_1PX, "its content is a PNG image"),
        ("deck.docx", pptx_bytes("x"), "its content is a PowerPoint (PPTX)"),
        ("story.pdf", docx_bytes("x"), "its content is a Word (DOCX)"),
        ("archive.docx", zip_without_office_parts(), "not a PDF, PPTX, DOCX, PNG or JPEG file"),
        ("setup.exe", MZ_HEAD, "“.exe” files are not accepted"),
        ("page.html", b"<html><script>alert(1)</script>", "“.html” files are not accepted"),
        ("empty.pdf", b"", "The file is empty"),
    ],
)
def test_it_refuses_files_whose_content_or_name_is_not_allowed(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_asset_file(upload(name, content))
    assert message in " ".join(error.value.messages)


def test_it_refuses_a_file_over_the_size_limit_from_settings(settings):
    settings.ASSET_MAX_UPLOAD_MB = 1
    big = pdf_bytes("big") + b"%" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        validate_asset_file(upload("big.pdf", big))
    assert "the limit is 1 MB" in error.value.messages[0]


@pytest.mark.parametrize(
    "raw,safe",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system.ini.pdf", "system.ini.pdf"),
        ("deck\x00\x1b[31m.pptx", "deck_31m.pptx"),
        ("Q3 pricing <final>.PDF", "Q3_pricing_final.pdf"),
        (".htaccess", "htaccess"),
        ("", "file"),
    ],
)
def test_it_sanitises_file_names(raw, safe):
    assert safe_file_name(raw) == safe


def test_it_limits_file_name_length_keeping_the_extension():
    name = safe_file_name("a" * 400 + ".docx")
    assert len(name) == 100 and name.endswith(".docx")


@pytest.mark.django_db
def test_a_disguised_executable_is_refused_with_a_message_and_nothing_is_stored(marketer_client, media):
    response = marketer_client.post(
        reverse("asset-create") + "?kind=one_pager",
        {"title": "Pricing one-pager", "verification_interval_days": 90, "upload": upload("pricing.pdf", ELF_HEAD)},
    )
    assert response.status_code == 400
    assert "its content is not a PDF, PPTX, DOCX, PNG or JPEG file" in response.content.decode()
    assert not Asset.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_refused_file_on_edit_changes_nothing_in_the_row(marketer_client, media):
    asset = AssetFactory(title="Old title", file_text="")
    response = marketer_client.post(
        reverse("asset-edit", args=[asset.pk]),
        {"title": "New title", "verification_interval_days": 90, "upload": upload("shot.docx", PNG_1PX)},
    )
    assert response.status_code == 400
    assert "its content is a PNG image" in response.content.decode()
    asset.refresh_from_db()
    assert (asset.title, asset.file.name) == ("Old title", "")
    assert stored_files(media) == []


@pytest.mark.django_db
def test_an_accepted_upload_is_stored_under_a_safe_name_and_its_text_indexed(marketer_client, media):
    response = marketer_client.post(
        reverse("asset-create") + "?kind=one_pager",
        {
            "title": "Onboarding",
            "verification_interval_days": 90,
            "upload": upload("../../Onboarding guide.docx", docx_bytes("Forty percent faster onboarding")),
        },
    )
    asset = Asset.objects.get()
    assert response.status_code == 302
    assert asset.file.name.startswith("assets/") and asset.file.name.endswith("/Onboarding_guide.docx")
    assert "Forty percent faster onboarding" in asset.file_text, asset.file_text_error
    assert [p.name for p in stored_files(media)] == ["Onboarding_guide.docx"]


@pytest.mark.django_db
def test_the_download_is_an_attachment_with_a_safe_name_and_checks_permission(marketer_client, rep_client, media):
    from content.assets import asset_save_file

    published = AssetFactory()
    asset_save_file(asset=published, uploaded_file=upload("Battle card.pdf", pdf_bytes("win")))
    draft = AssetFactory(status="draft")
    asset_save_file(asset=draft, uploaded_file=upload("secret.pdf", pdf_bytes("plan")))

    response = rep_client.get(reverse("asset-download", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Battle_card.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert rep_client.get(reverse("asset-download", args=[draft.pk])).status_code == 403


@pytest.mark.django_db
def test_the_download_of_an_asset_without_a_file_is_not_found(rep_client):
    assert rep_client.get(reverse("asset-download", args=[AssetFactory().pk])).status_code == 404


@pytest.mark.django_db
def test_a_draft_file_is_not_served_at_its_storage_path_in_any_mode(rep_client, media, settings):
    import importlib

    from django.urls import Resolver404, clear_url_caches, resolve

    import enablement.urls
    from content.assets import asset_save_file

    draft = AssetFactory(status="draft")
    asset_save_file(asset=draft, uploaded_file=upload("secret.pdf", pdf_bytes("plan")))
    settings.DEBUG = True  # `make run`: the URLs as the development server builds them
    try:
        importlib.reload(enablement.urls)
        clear_url_caches()
        with pytest.raises(Resolver404):
            resolve("/" + settings.MEDIA_URL.lstrip("/") + draft.file.name)
    finally:
        settings.DEBUG = False
        importlib.reload(enablement.urls)
        clear_url_caches()
    assert rep_client.get(reverse("asset-download", args=[draft.pk])).status_code == 403


@pytest.mark.django_db
def test_the_api_links_an_asset_file_to_the_permission_checked_download(marketer, media):
    from rest_framework.test import APIClient

    from content.assets import asset_save_file

    asset = AssetFactory()
    asset_save_file(asset=asset, uploaded_file=upload("Battle card.pdf", pdf_bytes("win")))
    api = APIClient()
    api.force_authenticate(marketer)
    body = api.get(f"/api/v1/assets/{asset.pk}/").json()
    assert body["file"] == f"http://testserver/assets/{asset.pk}/file/"
    assert api.get(f"/api/v1/assets/{AssetFactory().pk}/").json()["file"] is None
