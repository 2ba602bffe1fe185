"""Previews of asset files inside the app: a PDF page by page as server-drawn images, a DOCX or PPTX
as its outline (headings, slide titles). The asset page and the buyer's page show the same preview;
only the addresses of the page images differ.

What a file holds is read once per stored file, in a bounded child process (content/isolation.py),
and kept on the asset (`Asset.file_preview`): its SHA-256, and its page count and page sizes or its
outline, or why it cannot be previewed. A page image is drawn when first asked for, in the same kind
of child, and kept in storage under previews/<sha256>/<page>-<width>.png, shared by every asset with
the same file. Both are bounded: the first PREVIEW_MAX_PAGES pages, a few fixed widths, at most
MAX_PIXELS per image, PREVIEW_TIMEOUT_SECONDS per child.
"""

import datetime
import hashlib
import io
import json
import logging
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from .extraction import ExtractionRefused, check_archive
from .isolation import IsolatedFailure, run_isolated
from .models import Asset
from .uploads import detect_type

logger = logging.getLogger(__name__)

# The widths a page is drawn at: about the asset page's column and twice that for sharp screens. A
# fixed few, so that nobody can fill the storage by asking for every width.
PREVIEW_WIDTHS = (800, 1600)
SMALL_WIDTH = PREVIEW_WIDTHS[0]
# A very tall page is drawn narrower rather than past this many pixels (a 1600-wide A4 is 3.6 M).
MAX_PIXELS = 4_000_000
MAX_OUTLINE_ENTRIES = 200
STORAGE_FOLDER = "previews"
# A file that could not be read is tried again after this long (the machine may have been busy);
# a page that could not be drawn, after PAGE_FAILURE_SECONDS.
RETRY_FAILED_AFTER = datetime.timedelta(days=1)
PAGE_FAILURE_SECONDS = 3600
PREVIEWED_TYPES = ("pdf", "docx", "pptx")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PreviewUnavailable(Exception):
    """No such page image (wrong version, page or width), or it could not be drawn; says why."""


@dataclass(frozen=True)
class PageImage:
    number: int
    width: int  # at SMALL_WIDTH: the size the page reserves before its image arrives
    height: int
    src: str
    srcset: str
    alt: str


@dataclass(frozen=True)
class FilePreview:
    """What the preview partial shows: `pages` (PDF), or `outline` (DOCX, PPTX: [level, text]), or
    the `reason` nothing can be shown."""

    type: str
    pages: list[PageImage] = field(default_factory=list)
    total_pages: int = 0
    outline: list[tuple[int, str]] = field(default_factory=list)
    reason: str = ""

    @property
    def more_pages(self) -> int:
        return max(0, self.total_pages - len(self.pages))


# --- what a file holds, read once ------------------------------------------------------------------


def _read(asset: Asset) -> bytes:
    with asset.file.open("rb") as stored:
        return stored.read()


def _is_current(facts, asset: Asset, now) -> bool:
    if not isinstance(facts, dict) or facts.get("file") != asset.file.name:
        return False
    if facts.get("error"):
        try:
            tried = datetime.datetime.fromisoformat(facts.get("at", ""))
        except ValueError:
            return False
        return now - tried < RETRY_FAILED_AFTER
    return True


def _timeout() -> float:
    return settings.PREVIEW_TIMEOUT_SECONDS


def _read_facts(data: bytes) -> dict:
    """{"type", "pages", "sizes"} or {"type", "outline"}; {"type", "error"} when unreadable."""
    kind = detect_type(io.BytesIO(data))
    if kind not in PREVIEWED_TYPES:
        return {"type": kind or ""}
    try:
        if kind == "pdf":
            output = run_isolated(
                "content.preview_child",
                ["info", str(settings.PREVIEW_MAX_PAGES)],
                data,
                timeout=_timeout(),
                doing="reading its pages",
            )
            info = json.loads(output)
            return {"type": kind, "pages": int(info["pages"]), "sizes": info["sizes"]}
        check_archive(data)
        output = run_isolated(
            "content.extraction_child",
            [f"{kind}_outline", str(MAX_OUTLINE_ENTRIES)],
            data,
            timeout=_timeout(),
            doing="reading its outline",
        )
        return {"type": kind, "outline": json.loads(output)}
    except (IsolatedFailure, ExtractionRefused) as failure:
        return {"type": kind, "error": str(failure)}
    except (ValueError, KeyError, TypeError):
        logger.warning("Unexpected preview facts", exc_info=True)
        return {"type": kind, "error": "the file could not be read"}


def file_facts(asset: Asset) -> dict:
    """What the asset's file holds for its preview, read now if the stored facts are for another
    file (or a failure a day old), and kept on the asset with one UPDATE."""
    now = timezone.now()
    if _is_current(asset.file_preview, asset, now):
        return asset.file_preview
    try:
        data = _read(asset)
    except OSError:
        facts = {"type": "", "error": "the file is missing from storage"}
    else:
        facts = {"sha256": hashlib.sha256(data).hexdigest(), **_read_facts(data)}
    facts.update(file=asset.file.name, at=now.isoformat())
    Asset.objects.filter(pk=asset.pk, file=asset.file.name).update(file_preview=facts)
    asset.file_preview = facts
    return facts


def version_of(facts: dict) -> str:
    """The part of the file's hash in its page images' addresses: a new file, new addresses."""
    return facts.get("sha256", "")[:16]


def has_preview(asset: Asset) -> bool:
    """Whether the asset's file may have a preview (by its name; its content decides)."""
    return bool(asset.file) and asset.file.name.lower().rsplit(".", 1)[-1] in PREVIEWED_TYPES


# --- what the page shows ---------------------------------------------------------------------------


def _drawn_size(size, width: int) -> tuple[int, int]:
    """The pixel size `content.preview_child` draws a page of `size` points at, for width/height."""
    page_width, page_height = (float(n) for n in size)
    if page_width <= 0 or page_height <= 0:
        return width, width
    scale = width / page_width
    pixels = page_width * scale * page_height * scale
    if pixels > MAX_PIXELS:
        scale *= math.sqrt(MAX_PIXELS / pixels) * 0.99  # a hair under: PDFium rounds each side up
    return math.ceil(round(page_width * scale, 6)), math.ceil(round(page_height * scale, 6))  # as PDFium rounds


def preview_of(asset: Asset, page_url) -> FilePreview | None:
    """The asset's preview, its page images addressed by `page_url(version, page, width)`; None
    when its file is of a kind without one (an image, no file)."""
    if not has_preview(asset):
        return None
    facts = file_facts(asset)
    kind = facts.get("type", "")
    if facts.get("error"):
        return FilePreview(type=kind, reason=facts["error"])
    if kind not in PREVIEWED_TYPES:
        return None
    if kind != "pdf":
        outline = [(int(level), text) for level, text in facts.get("outline", [])]
        if not outline:
            what = "slides" if kind == "pptx" else "headings"
            return FilePreview(type=kind, reason=f"the file has no {what} to outline")
        return FilePreview(type=kind, outline=outline)
    total = facts.get("pages", 0)
    if not total:
        return FilePreview(type=kind, reason="the file has no pages")
    version = version_of(facts)
    pages = []
    for number, size in enumerate(facts.get("sizes", [])[: settings.PREVIEW_MAX_PAGES], start=1):
        urls = {width: page_url(version, number, width) for width in PREVIEW_WIDTHS}
        width, height = _drawn_size(size, SMALL_WIDTH)
        pages.append(
            PageImage(
                number=number,
                width=width,
                height=height,
                src=urls[SMALL_WIDTH],
                srcset=", ".join(f"{url} {width}w" for width, url in urls.items()),
                alt=f"Page {number} of {asset.title}",
            )
        )
    return FilePreview(type=kind, pages=pages, total_pages=total)


# --- page images, drawn once -----------------------------------------------------------------------


def render_page_png(data: bytes, page: int, width: int) -> bytes:
    """Draw one page in a bounded child process: the only place a page is drawn."""
    return run_isolated(
        "content.preview_child",
        ["render", str(page), str(width), str(MAX_PIXELS)],
        data,
        timeout=_timeout(),
        doing=f"drawing page {page}",
    )


def _store(storage, name: str, data: bytes) -> None:
    """Keep the image under `name`; when another request stored it meanwhile, keep theirs."""
    if storage.exists(name):
        return
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        storage.delete(saved)


def page_image(asset: Asset, *, version: str, page: int, width: int) -> tuple[str, dict]:
    """The storage name of the PNG of `page` at `width` (drawn now if nobody asked before) and the
    file's facts; PreviewUnavailable for a page the preview does not show."""
    if width not in PREVIEW_WIDTHS:
        raise PreviewUnavailable(f"Pages are drawn {' or '.join(map(str, PREVIEW_WIDTHS))} pixels wide.")
    if not has_preview(asset):
        raise PreviewUnavailable("The asset has no file to preview.")
    facts = file_facts(asset)
    if facts.get("type") != "pdf" or facts.get("error") or version != version_of(facts):
        raise PreviewUnavailable("This file has no such page preview.")
    if not 1 <= page <= min(facts.get("pages", 0), settings.PREVIEW_MAX_PAGES):
        raise PreviewUnavailable(f"The preview shows pages 1 to {min(facts['pages'], settings.PREVIEW_MAX_PAGES)}.")
    storage = asset.file.storage
    name = f"{STORAGE_FOLDER}/{facts['sha256']}/{page}-{width}.png"
    if storage.exists(name):
        return name, facts
    failed_key = f"preview-failed:{facts['sha256']}:{page}:{width}"
    if reason := cache.get(failed_key):
        raise PreviewUnavailable(reason)
    try:
        png = render_page_png(_read(asset), page, width)
        if not png.startswith(PNG_SIGNATURE):
            raise IsolatedFailure(f"drawing page {page} gave no image")
    except (IsolatedFailure, OSError) as failure:
        reason = f"Page {page} could not be drawn: {failure}."
        logger.warning("Preview of asset %s: %s", asset.pk, reason)
        cache.set(failed_key, reason, PAGE_FAILURE_SECONDS)
        raise PreviewUnavailable(reason) from None
    _store(storage, name, png)
    return name, facts


__all__ = [
    "PREVIEW_WIDTHS",
    "FilePreview",
    "PageImage",
    "PreviewUnavailable",
    "file_facts",
    "has_preview",
    "page_image",
    "preview_of",
    "version_of",
]
