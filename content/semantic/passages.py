"""An asset cut into passages for semantic search: passage 0 is what the asset is (title, summary
and the fields of its kind), then its body and its file's text in passages of about
`PASSAGE_WORDS` words that overlap by about `OVERLAP_WORDS`, cut on sentence ends where possible.
PDF text carries a form feed between pages (content/extraction.py), so each passage knows its page.
"""

import hashlib
import re
from dataclasses import dataclass

PASSAGE_WORDS = 180
OVERLAP_WORDS = 30
PAGE_BREAK = "\f"
# A passage of the structured fields is cut too when someone pastes a whole document into them.
MAX_PASSAGES = 400

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n\s*\n")
_MARKDOWN_NOISE = re.compile(r"^\s{0,3}(#{1,6}|[-*+]|\d+\.|>)\s+", re.MULTILINE)


@dataclass(frozen=True)
class PassageText:
    ordinal: int
    text: str
    page: int | None = None

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _field_lines(asset) -> list[str]:
    """The structured fields of the asset's kind that say what it is, labelled."""
    labelled = [
        ("Customer", asset.customer),
        ("Industry", asset.industry),
        ("Results", asset.results),
        ("Objection", asset.objection),
        ("Response", asset.response),
        ("Strengths", asset.strengths),
        ("Weaknesses", asset.weaknesses),
        ("Landmines", asset.landmines),
        ("How we win", asset.how_we_win),
    ]
    return [f"{label}: {' '.join(value.split())}" for label, value in labelled if value and value.strip()]


def heading_text(asset) -> str:
    parts = [asset.title.strip()]
    if asset.summary.strip():
        parts.append(" ".join(asset.summary.split()))
    parts.extend(_field_lines(asset))
    return "\n".join(parts)


def _sentences(text: str) -> list[str]:
    return [" ".join(s.split()) for s in _SENTENCE_END.split(text) if s and s.strip()]


def chunk(text: str, *, words: int = PASSAGE_WORDS, overlap: int = OVERLAP_WORDS) -> list[str]:
    """`text` in passages of at most `words` words, each starting about `overlap` words before the
    previous one ended; whole sentences where they fit, a long sentence cut by words."""
    pieces: list[tuple[list[str], bool]] = []  # (words, continues the cut sentence before it)
    for sentence in _sentences(text):
        tokens, continues = sentence.split(), False
        while len(tokens) > words:  # a sentence longer than a passage is cut by words, overlapping
            pieces.append((tokens[:words], continues))
            tokens, continues = tokens[words - overlap :], True
        if tokens:
            pieces.append((tokens, continues))
    passages: list[str] = []
    current: list[list[str]] = []
    size = 0
    for piece, continues in pieces:
        if current and size + len(piece) > words:
            passages.append(" ".join(" ".join(p) for p in current))
            # carry the last sentences, up to `overlap` words, into the next passage
            carried: list[list[str]] = []
            carried_size = 0
            for previous in reversed(current):
                if carried_size + len(previous) > overlap:
                    break
                carried.insert(0, previous)
                carried_size += len(previous)
            if not carried and overlap:  # the last sentence is long: carry its last words
                carried = [current[-1][-overlap:]]
                carried_size = len(carried[0])
            if continues or carried_size + len(piece) > words:
                carried, carried_size = [], 0  # a cut sentence's pieces overlap already
            current, size = carried, carried_size
        current.append(piece)
        size += len(piece)
    if current:
        passages.append(" ".join(" ".join(p) for p in current))
    return passages


def _body_text(markdown: str) -> str:
    return _MARKDOWN_NOISE.sub("", markdown or "")


def split_asset(asset) -> list[PassageText]:
    """The passages of an asset, in order: its heading, then its body, then its file by page."""
    passages = [PassageText(0, heading_text(asset))]
    for text in chunk(_body_text(asset.body)):
        passages.append(PassageText(len(passages), text))
    file_text = asset.file_text or ""
    pages = file_text.split(PAGE_BREAK) if PAGE_BREAK in file_text else [file_text]
    paged = PAGE_BREAK in file_text
    for number, page_text in enumerate(pages, start=1):
        for text in chunk(page_text):
            passages.append(PassageText(len(passages), text, number if paged else None))
    return passages[:MAX_PASSAGES]


def content_hash(passages: list[PassageText]) -> str:
    """One hash of the passages' text and pages: unchanged means nothing to embed again."""
    digest = hashlib.sha256()
    for passage in passages:
        digest.update(f"{passage.ordinal}\x00{passage.page}\x00{passage.text}\x01".encode())
    return digest.hexdigest()
