"""Assets cut into passages: the heading passage, ~180-word passages with ~30 words of overlap on
sentence ends, and PDF page numbers kept from extraction."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from content.extraction import extract_text
from content.semantic.passages import OVERLAP_WORDS, PASSAGE_WORDS, chunk, split_asset

from .factories import AssetFactory


def sentences(count: int, words: int = 12, start: int = 0) -> str:
    return " ".join(" ".join(f"w{start + i}x{j}" for j in range(words - 1)) + f" end{start + i}." for i in range(count))


def test_a_short_text_is_one_passage():
    assert chunk("Pricing is simple. It is per seat.") == ["Pricing is simple. It is per seat."]


def test_long_text_becomes_passages_of_at_most_180_words_on_sentence_ends():
    passages = chunk(sentences(60))  # 720 words in sentences of 12
    assert len(passages) >= 4
    for passage in passages:
        assert len(passage.split()) <= PASSAGE_WORDS
        assert passage.endswith(".")  # cut between sentences
    assert all(len(p.split()) >= PASSAGE_WORDS - 12 - OVERLAP_WORDS for p in passages[:-1])


def test_consecutive_passages_overlap_by_about_30_words():
    passages = chunk(sentences(60))
    for before, after in zip(passages, passages[1:], strict=False):
        shared = set(before.split()) & set(after.split())
        assert 12 <= len(shared) <= OVERLAP_WORDS  # two whole sentences of 12 words: 24
        # the overlap is the end of one and the start of the next
        assert after.split()[: len(shared)] == before.split()[-len(shared) :]


def test_a_sentence_longer_than_a_passage_is_cut_by_words():
    passages = chunk(" ".join(f"w{i}" for i in range(400)))
    assert [len(p.split()) for p in passages] == [180, 180, 100]
    assert passages[1].split()[0] == "w150"  # 30 words of overlap


def test_passage_zero_is_the_title_summary_and_fields_of_the_kind(db):
    asset = AssetFactory.build(
        kind="objection",
        title="Too expensive",
        summary="When the buyer says the price is high.",
        objection="Your price is double what we pay now.",
        response="Compare the cost of one lost quarter.",
        body="",
    )
    [heading] = split_asset(asset)
    assert heading.ordinal == 0 and heading.page is None
    assert heading.text == (
        "Too expensive\nWhen the buyer says the price is high.\n"
        "Objection: Your price is double what we pay now.\nResponse: Compare the cost of one lost quarter."
    )


def test_body_and_file_passages_follow_with_pdf_page_numbers(db):
    asset = AssetFactory.build(body=sentences(20), file_text=sentences(3, start=100) + "\f" + sentences(20, start=200))
    passages = split_asset(asset)
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    body = [p for p in passages[1:] if p.page is None]
    pages = [p.page for p in passages if p.page is not None]
    assert len(body) == 2  # 240 words
    assert pages == [1, 2, 2]
    assert passages[len(body) + 1].text.startswith("w100x0")


def two_page_pdf(first: str, second: str) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for text in (first, second):
        page = writer.add_blank_page(612, 792)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(ContentStream(stream, writer))
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_extraction_keeps_a_form_feed_between_pages():
    text = extract_text(SimpleUploadedFile("two.pdf", two_page_pdf("Pricing on page one", "Security on page two")))
    assert text == "Pricing on page one\fSecurity on page two"
