"""Passages that answer, on the library page: under each result the passage that matched, the
query's words marked (after escaping), "page N" for PDFs, linking into the asset page there."""

import pytest

from content.semantic.display import excerpt, highlight

from .factories import AssetFactory

pytestmark = pytest.mark.django_db


def test_highlight_escapes_first_then_marks_the_query_words():
    assert highlight("Price <b>is</b> too high & pricing", "price b") == (
        "<mark>Price</mark> &lt;b&gt;is&lt;/b&gt; too high &amp; pricing"
    )
    assert highlight("a < b", "lt") == "a &lt; b"
    assert highlight("<script>alert(1)</script>", "script") == (
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"
    )


def test_an_excerpt_is_cut_around_the_first_query_word():
    text = " ".join(f"w{i}" for i in range(200)) + " pricing " + " ".join(f"v{i}" for i in range(200))
    cut = excerpt(text, "pricing", width=120)
    assert "pricing" in cut and cut.startswith("… ") and cut.endswith(" …") and len(cut) <= 130


def test_a_result_shows_its_matching_pdf_passage_with_its_page(counting_encoder, rep_client):
    asset = AssetFactory(title="Security whitepaper", body="", file_text="Intro.\fWe encrypt data at rest <always>.")
    response = rep_client.get("/", {"q": "encrypt data at rest"})
    html = response.content.decode()
    assert f'href="/assets/{asset.pk}/#passage-2">page 2</a>' in html
    assert "We <mark>encrypt</mark> <mark>data</mark> <mark>at</mark>" not in html  # stop words stay plain
    assert "We <mark>encrypt</mark> <mark>data</mark> at <mark>rest</mark> &lt;always&gt;." in html


def test_the_asset_page_has_an_anchor_for_each_passage(counting_encoder, rep_client):
    asset = AssetFactory(title="Security whitepaper", body="", file_text="Intro.\fWe encrypt data at rest.")
    html = rep_client.get(asset.get_absolute_url()).content.decode()
    assert 'id="passage-0"' in html
    assert '<p id="passage-2" class="passage"><span class="badge">page 2</span> We encrypt data at rest.</p>' in html


def _asset_page_queries(rep_client, pages: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    text = "\f".join(f"Page {n} says something different about encryption." for n in range(1, pages + 1))
    asset = AssetFactory(title=f"Whitepaper of {pages} pages", body="", file_text=text)
    rep_client.get(asset.get_absolute_url())  # the session's first read
    with CaptureQueriesContext(connection) as queries:
        html = rep_client.get(asset.get_absolute_url()).content.decode()
    assert html.count('class="passage"') == pages
    return len(queries)


def test_the_asset_page_reads_its_passages_in_one_query_however_many_there_are(counting_encoder, rep_client):
    assert _asset_page_queries(rep_client, 2) == _asset_page_queries(rep_client, 9)
