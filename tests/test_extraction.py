"""Text extraction from PDF, PPTX and DOCX into Asset.file_text; images and broken files give ""."""

import logging

import pytest

from content.assets import asset_save_file
from content.extraction import extract_text

from .assets_helpers import (
    PNG_1PX,
    docx_bytes,
    fast_passwords,  # noqa: F401 - autouse
    pdf_bytes,
    pptx_bytes,
    upload,
)
from .factories import AssetFactory


def test_it_extracts_the_text_of_a_pdf():
    assert extract_text(upload("a.pdf", pdf_bytes("Pricing objection handled"))) == "Pricing objection handled"


def test_it_extracts_paragraphs_of_a_docx():
    assert extract_text(upload("a.docx", docx_bytes("Onboarding in nine days"))) == (
        "Customer story Onboarding in nine days"
    )


def test_it_extracts_slide_text_of_a_pptx():
    assert extract_text(upload("a.pptx", pptx_bytes("Support answers in an hour"))) == (
        "Why we win Support answers in an hour"
    )


def test_an_image_has_no_text():
    assert extract_text(upload("a.png", PNG_1PX)) == ""


def test_a_corrupt_pdf_gives_no_text_and_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="content.extraction"):
        assert extract_text(upload("broken.pdf", b"%PDF-1.7\n this is not a pdf body")) == ""
    assert "Could not extract text from broken.pdf" in caplog.text


def test_a_truncated_docx_gives_no_text():
    content = docx_bytes("cut short")
    assert extract_text(upload("cut.docx", content[: len(content) // 2])) == ""


def test_the_file_can_be_read_again_after_extraction():
    file = upload("a.pdf", pdf_bytes("again"))
    extract_text(file)
    assert file.read(5) == b"%PDF-"


@pytest.mark.django_db
def test_saving_a_file_fills_file_text_and_replaces_the_old_text(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    asset = AssetFactory()
    asset_save_file(asset=asset, uploaded_file=upload("one.pdf", pdf_bytes("First version")))
    asset_save_file(asset=asset, uploaded_file=upload("two.pptx", pptx_bytes("Second version")))
    asset.refresh_from_db()
    assert asset.file_text == "Why we win Second version"
    assert asset.file.name.endswith("two.pptx")


@pytest.mark.django_db
def test_a_corrupt_file_does_not_break_the_save(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    asset = AssetFactory()
    asset_save_file(asset=asset, uploaded_file=upload("broken.pdf", b"%PDF-1.7\n garbage"))
    asset.refresh_from_db()
    assert asset.file.name.endswith("broken.pdf") and asset.file_text == ""


def zip_bomb_docx(inflated_mb: int) -> bytes:
    """A real DOCX whose document part is padded with megabytes of one repeated paragraph."""
    import io
    import zipfile

    original = zipfile.ZipFile(io.BytesIO(docx_bytes("Bomb")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                paragraph = b"<w:p><w:r><w:t>" + b"A" * 1000 + b"</w:t></w:r></w:p>"
                data = data.replace(b"</w:body>", paragraph * (inflated_mb * 1000) + b"</w:body>")
            bomb.writestr(item, data)
    return out.getvalue()


def test_a_docx_that_inflates_past_the_limit_is_refused_before_parsing():
    from content.extraction import extract_text_or_reason

    content = zip_bomb_docx(200)
    assert len(content) < 2 * 1024 * 1024  # small on the wire: a few hundred kilobytes
    text, reason = extract_text_or_reason(upload("bomb.docx", content))
    assert text == ""
    assert "inflates to" in reason and "past the limit" in reason


def test_parsing_that_overruns_its_time_is_stopped_with_a_reason(settings):
    from content.extraction import extract_text_or_reason

    settings.EXTRACT_TIMEOUT_SECONDS = 0.001
    text, reason = extract_text_or_reason(upload("slow.pdf", pdf_bytes("anything")))
    assert (text, reason) == ("", "reading it took longer than 0.001 s")


def test_parsing_that_needs_too_much_memory_is_stopped_with_a_reason(settings):
    from content.extraction import extract_text_or_reason

    settings.EXTRACT_MEMORY_MB = 20  # less than the parser's interpreter needs to start
    text, reason = extract_text_or_reason(upload("big.docx", docx_bytes("anything")))
    assert text == ""
    assert reason.startswith(("reading it needed more than 20 MB", "the file could not be read"))


def test_a_readable_file_has_no_reason():
    from content.extraction import extract_text_or_reason

    assert extract_text_or_reason(upload("a.pdf", pdf_bytes("Fine"))) == ("Fine", "")


@pytest.mark.django_db
def test_a_hostile_file_leaves_the_asset_saved_with_a_note_marketing_sees(settings, tmp_path, marketer, rep):
    from django.test import Client

    marketer_client, rep_client = Client(), Client()
    marketer_client.force_login(marketer)
    rep_client.force_login(rep)
    settings.MEDIA_ROOT = tmp_path
    asset = AssetFactory(title="Bombed")
    asset_save_file(asset=asset, uploaded_file=upload("bomb.docx", zip_bomb_docx(200)))
    asset.refresh_from_db()
    assert asset.file and asset.file_text == ""
    assert "inflates to" in asset.file_text_error
    page = marketer_client.get(f"/assets/{asset.pk}/").content.decode()
    assert "Text could not be extracted from the file" in page and "inflates to" in page
    assert "Text could not be extracted" not in rep_client.get(f"/assets/{asset.pk}/").content.decode()
    # a readable replacement clears the note
    asset_save_file(asset=asset, uploaded_file=upload("fine.pdf", pdf_bytes("Readable again")))
    asset.refresh_from_db()
    assert (asset.file_text, asset.file_text_error) == ("Readable again", None)
