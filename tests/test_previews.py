"""File previews: a PDF shows page by page as PNG images drawn once (lazily, in a bounded child,
kept in storage), a DOCX or PPTX as its outline; the images follow the asset's visibility rule on the
asset page and the link's on the buyer's page; a file that cannot be previewed says why."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from content import previews
from content.isolation import IsolatedFailure
from content.models import Asset, AssetKind, AssetStatus, ShareLink, ShareView
from content.sharing import share_link_create

from .assets_helpers import docx_bytes, pdf_pages, pptx_bytes
from .factories import AssetFactory, DealFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
IMAGE = re.compile(
    r'<img src="([^"]+)" srcset="([^"]+)"[^>]* width="(\d+)" height="(\d+)" alt="([^"]+)" loading="lazy"'
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def renders(monkeypatch):
    """Every page drawn, as (page, width), while the real drawing still runs."""
    drawn = []
    real = previews.render_page_png

    def counting(data, page, width):
        drawn.append((page, width))
        return real(data, page, width)

    monkeypatch.setattr(previews, "render_page_png", counting)
    return drawn


def with_file(name, content, **fields):
    asset = AssetFactory(**fields)
    asset.file.save(name, ContentFile(content), save=True)
    return asset


def images(response):
    return IMAGE.findall(response.content.decode())


def get_image(client, url, **headers):
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


# --- the asset page -------------------------------------------------------------------------------


def test_a_pdf_previews_page_by_page_as_lazy_images_with_sizes_and_alt_text(rep_client):
    asset = with_file("story.pdf", pdf_pages(["One", "Two", "Three"]), title="Globex story")
    response = rep_client.get(asset.get_absolute_url())
    assert response.status_code == 200
    assert "Preview · 3 pages" in response.content.decode()
    found = images(response)
    assert [alt for *_, alt in found] == ["Page 1 of Globex story", "Page 2 of Globex story", "Page 3 of Globex story"]
    src, srcset, width, height, _ = found[0]
    assert (int(width), int(height)) == (800, 1036)  # Letter, 612 × 792 points, at 800 pixels wide
    assert srcset == f"{src} 800w, {src.replace('-800.png', '-1600.png')} 1600w"
    assert src.startswith(f"/assets/{asset.pk}/pages/")


def test_a_page_image_is_a_png_of_the_asked_width_with_caching_headers(rep_client):
    asset = with_file("story.pdf", pdf_pages(["One", "Two"]))
    src = images(rep_client.get(asset.get_absolute_url()))[1][0]
    response, body = get_image(rep_client, src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=86400"
    picture = Image.open(io.BytesIO(body))
    assert (picture.format, picture.size) == ("PNG", (800, 1036))
    again = rep_client.get(src, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_page_is_drawn_once_and_then_served_from_storage(rep_client, renders, media):
    asset = with_file("story.pdf", pdf_pages(["One", "Two"]))
    src = images(rep_client.get(asset.get_absolute_url()))[0][0]
    for _ in range(3):
        assert get_image(rep_client, src)[0].status_code == 200
    assert renders == [(1, 800)]
    sha = Asset.objects.get(pk=asset.pk).file_preview["sha256"]
    assert (media / "previews" / sha / "1-800.png").is_file()
    # the same file on another asset shares its drawn pages
    twin = with_file("copy.pdf", pdf_pages(["One", "Two"]))
    twin_src = images(rep_client.get(twin.get_absolute_url()))[0][0]
    assert get_image(rep_client, twin_src)[0].status_code == 200
    assert renders == [(1, 800)]


def test_the_file_is_read_once_and_its_facts_kept_on_the_asset(rep_client, monkeypatch):
    asset = with_file("story.pdf", pdf_pages(["One"]))
    reads = []
    real = previews._read_facts
    monkeypatch.setattr(previews, "_read_facts", lambda data: reads.append(1) or real(data))
    rep_client.get(asset.get_absolute_url())
    rep_client.get(asset.get_absolute_url())
    assert len(reads) == 1
    facts = Asset.objects.get(pk=asset.pk).file_preview
    assert (facts["type"], facts["pages"], facts["sizes"]) == ("pdf", 1, [[612.0, 792.0]])


def test_a_new_file_gets_new_page_addresses_and_the_old_ones_are_gone(marketer, marketer_client):
    from content.assets import asset_save_file

    from .assets_helpers import upload

    asset = with_file("story.pdf", pdf_pages(["Old"]))
    old_src = images(marketer_client.get(asset.get_absolute_url()))[0][0]
    asset_save_file(asset=Asset.objects.get(pk=asset.pk), uploaded_file=upload("new.pdf", pdf_pages(["New", "Two"])))
    new_page = marketer_client.get(asset.get_absolute_url())
    assert len(images(new_page)) == 2
    assert images(new_page)[0][0] != old_src
    assert marketer_client.get(old_src).status_code == 404


def test_only_the_first_pages_are_shown_and_the_rest_is_a_download(rep_client, settings):
    settings.PREVIEW_MAX_PAGES = 2
    asset = with_file("manual.pdf", pdf_pages([f"Page {n}" for n in range(1, 6)]))
    response = rep_client.get(asset.get_absolute_url())
    html = response.content.decode()
    assert len(images(response)) == 2
    assert "Preview · 5 pages" in html
    assert "3 more pages — <a" in html and f'href="/assets/{asset.pk}/file/"' in html
    third = images(response)[0][0].replace("/1-800.png", "/3-800.png")
    assert rep_client.get(third).status_code == 404


def test_a_very_tall_page_is_drawn_within_the_pixel_limit(rep_client):
    asset = with_file("banner.pdf", pdf_pages(["Tall"], size=(200, 14000)))
    src, _, width, height, _ = images(rep_client.get(asset.get_absolute_url()))[0]
    big = src.replace("-800.png", "-1600.png")
    picture = Image.open(io.BytesIO(get_image(rep_client, big)[1]))
    assert picture.size[0] * picture.size[1] <= previews.MAX_PIXELS
    assert int(width) * int(height) <= previews.MAX_PIXELS


def test_a_corrupt_pdf_shows_an_empty_state_with_its_reason_not_an_error(rep_client):
    asset = with_file("broken.pdf", b"%PDF-1.4\nnot really a pdf\n%%EOF\n")
    response = rep_client.get(asset.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "No preview: the file could not be read (Failed to load document" in html
    assert "Download the file</a> to read it." in html
    assert not images(response)


def test_a_pdf_with_no_pages_shows_the_empty_state(rep_client):
    asset = with_file("empty.pdf", pdf_pages([]))
    response = rep_client.get(asset.get_absolute_url())
    assert response.status_code == 200
    assert "No preview: the file could not be read (Failed to load document.)." in response.content.decode()


def test_a_file_that_takes_too_long_to_read_says_so_and_is_tried_again_a_day_later(rep_client, settings):
    settings.PREVIEW_TIMEOUT_SECONDS = 0.001
    asset = with_file("slow.pdf", pdf_pages(["Slow"]))
    assert (
        "No preview: reading its pages took longer than 0.001 s."
        in rep_client.get(asset.get_absolute_url()).content.decode()
    )
    settings.PREVIEW_TIMEOUT_SECONDS = 10
    assert "No preview" in rep_client.get(asset.get_absolute_url()).content.decode()  # kept for a day
    facts = Asset.objects.get(pk=asset.pk).file_preview
    facts["at"] = (timezone.now() - datetime.timedelta(days=2)).isoformat()
    Asset.objects.filter(pk=asset.pk).update(file_preview=facts)
    assert len(images(rep_client.get(asset.get_absolute_url()))) == 1


def test_a_page_that_cannot_be_drawn_answers_404_and_is_not_drawn_again_for_a_while(rep_client, monkeypatch):
    asset = with_file("story.pdf", pdf_pages(["One"]))
    src = images(rep_client.get(asset.get_absolute_url()))[0][0]
    attempts = []

    def failing(data, page, width):
        attempts.append(page)
        raise IsolatedFailure("drawing page 1 took longer than 10 s")

    monkeypatch.setattr(previews, "render_page_png", failing)
    first, second = rep_client.get(src), rep_client.get(src)
    assert first.status_code == second.status_code == 404
    assert b"could not be drawn" in first.content
    assert attempts == [1]


@pytest.mark.parametrize("change", ["version", "width", "page"])
def test_an_address_the_preview_does_not_show_is_not_found(rep_client, change, renders):
    asset = with_file("story.pdf", pdf_pages(["One"]))
    src = images(rep_client.get(asset.get_absolute_url()))[0][0]
    wrong = {
        "version": re.sub(r"/pages/[0-9a-f]+/", "/pages/0123456789abcdef/", src),
        "width": src.replace("-800.png", "-801.png"),
        "page": src.replace("/1-800.png", "/0-800.png"),
    }[change]
    assert rep_client.get(wrong).status_code == 404
    assert renders == []


def test_a_docx_shows_its_headings_as_an_outline(rep_client):
    asset = with_file("story.docx", docx_bytes("Globex cut onboarding to three weeks."))
    html = rep_client.get(asset.get_absolute_url()).content.decode()
    assert '<h2 id="preview-h">Outline</h2>' in html
    assert '<li class="file-level-1">Customer story</li>' in html


def test_a_pptx_shows_its_slide_titles(rep_client):
    asset = with_file("deck.pptx", pptx_bytes("Faster onboarding"), kind=AssetKind.DECK)
    html = rep_client.get(asset.get_absolute_url()).content.decode()
    assert '<h2 id="preview-h">Slides</h2>' in html
    assert "<li>Why we win</li>" in html


def test_an_asset_without_a_file_or_with_an_image_has_no_preview(rep_client):
    from .assets_helpers import PNG_1PX

    for asset in (AssetFactory(), with_file("logo.png", PNG_1PX)):
        html = rep_client.get(asset.get_absolute_url()).content.decode()
        assert 'id="preview-h"' not in html


# --- who may see the pages ------------------------------------------------------------------------


def test_a_rep_may_not_preview_a_draft_and_a_marketer_may(client, rep, marketer):
    draft = with_file("draft.pdf", pdf_pages(["Secret"]), status=AssetStatus.DRAFT, published_at=None)
    client.force_login(marketer)
    src = images(client.get(draft.get_absolute_url()))[0][0]
    assert client.get(src).status_code == 200
    client.force_login(rep)
    assert client.get(src).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client, rep_client):
    asset = with_file("story.pdf", pdf_pages(["One"]))
    src = images(rep_client.get(asset.get_absolute_url()))[0][0]
    client.logout()
    response = client.get(src)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- the buyer's page -----------------------------------------------------------------------------


@pytest.fixture
def shared(rep):
    story = with_file("story.pdf", pdf_pages(["One", "Two"]), kind=AssetKind.CASE_STUDY, title="Globex story")
    other = with_file("other.pdf", pdf_pages(["Elsewhere"]), kind=AssetKind.ONE_PAGER, title="Not in the link")
    link = share_link_create(user=rep, assets=[story], deal=DealFactory(owner=rep))
    ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    link.refresh_from_db()
    return link, story, other


def buyer_images(client, link):
    response = client.get(link.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    return response, images(response)


def test_the_buyer_page_shows_the_same_preview_through_its_own_addresses(client, shared, renders):
    link, story, _ = shared
    response, found = buyer_images(client, link)
    assert [alt for *_, alt in found] == ["Page 1 of Globex story", "Page 2 of Globex story"]
    assert all(src.startswith(f"/s/{link.token}/pages/{story.pk}/") for src, *_ in found)
    assert "img-src 'self'" in response["Content-Security-Policy"]
    assert "<iframe" not in response.content.decode()
    image, body = get_image(client, found[0][0], HTTP_USER_AGENT=BROWSER)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert body.startswith(previews.PNG_SIGNATURE)
    assert image["Cache-Control"] == "private, max-age=300"
    assert image["X-Robots-Tag"].startswith("noindex")
    assert renders == [(1, 800)]
    assert ShareView.objects.count() == 1  # the page's view; its images are not views


def test_the_buyer_cannot_reach_an_asset_outside_the_link(client, shared, rep_client):
    link, story, other = shared
    src = images(rep_client.get(other.get_absolute_url()))[0][0]  # the other asset's real version
    version = re.search(r"/pages/([0-9a-f]+)/", src).group(1)
    assert client.get(f"/s/{link.token}/pages/{other.pk}/{version}/1-800.png").status_code == 404


@pytest.mark.parametrize("end", ["revoked_at", "expires_at"])
def test_a_withdrawn_or_expired_link_answers_410_for_its_pages(client, shared, end):
    link, _, _ = shared
    src = buyer_images(client, link)[1][0][0]
    ShareLink.objects.filter(pk=link.pk).update(**{end: timezone.now() - datetime.timedelta(seconds=1)})
    assert client.get(src).status_code == 410


def test_an_unpublished_asset_of_the_link_shows_no_pages(client, shared):
    link, story, _ = shared
    src = buyer_images(client, link)[1][0][0]
    Asset.objects.filter(pk=story.pk).update(status=AssetStatus.ARCHIVED)
    assert client.get(src).status_code == 404


def test_a_corrupt_file_on_the_buyer_page_says_only_that_no_preview_is_available(client, rep):
    broken = with_file("broken.pdf", b"%PDF-1.4\nbroken\n%%EOF\n", kind=AssetKind.CASE_STUDY)
    link = share_link_create(user=rep, assets=[broken], deal=DealFactory(owner=rep))
    html = client.get(link.get_absolute_url(), HTTP_USER_AGENT=BROWSER).content.decode()
    assert "A preview of this file is not available." in html
    assert "PDFium" not in html and "could not be read" not in html


def test_page_images_have_their_own_rate_budget(client, shared, settings):
    link, _, _ = shared
    settings.SHARE_LINK_RATE_PER_MINUTE = 2
    settings.SHARE_LINK_PAGE_IMAGE_RATE_PER_MINUTE = 3
    src = buyer_images(client, link)[1][0][0]
    answers = [client.get(src).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get(link.get_absolute_url(), HTTP_USER_AGENT=BROWSER).status_code == 200


# --- queries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 8])
def test_the_asset_page_with_a_preview_runs_a_constant_number_of_queries(
    rep, rep_client, count, django_assert_max_num_queries
):
    asset = with_file("story.pdf", pdf_pages([f"Page {n}" for n in range(count)]), kind=AssetKind.CASE_STUDY)
    for _ in range(count):
        DealFactory(owner=rep)
    rep_client.get(asset.get_absolute_url())  # the first view reads the file and keeps its facts
    # session, user, groups; asset+owner+verifier+embedding; stages; personas; competitors; tags;
    # proof points; reps/deals aggregate; related assets; the rep's open deals for "I used this";
    # the rep's open deals to send a link in = 13
    with django_assert_max_num_queries(13):
        response = rep_client.get(asset.get_absolute_url())
    assert len(images(response)) == count


@pytest.mark.parametrize("count", [1, 4])
def test_the_buyer_page_with_previews_runs_a_constant_number_of_queries(
    rep, client, count, django_assert_max_num_queries
):
    assets = [
        with_file(f"story-{n}.pdf", pdf_pages(["One", "Two"]), kind=AssetKind.CASE_STUDY, customer=f"C{n}")
        for n in range(count)
    ]
    link = share_link_create(user=rep, assets=assets, deal=DealFactory(owner=rep))
    ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    buyer_images(client, link)  # the first view reads each file and logs the uses
    # the link with deal and sender; its assets; the views written, the uses already logged, the
    # link's first view, the view's audit event (tests/test_share_links.py counts the same 8 without files)
    with django_assert_max_num_queries(8):
        response, found = buyer_images(client, link)
    assert len(found) == 2 * count
