"""Text extraction from asset files (PDF, PPTX, DOCX) so that what is inside a deck or a case
study PDF is searchable. A file we cannot read gives no text and a reason, never a failed save.

Hostile files are contained: an Office file (a zip) that inflates past the limits is refused before
it is opened, and every parser runs in a child process (`extraction_child`, run by `isolation`)
bounded in memory, CPU and wall time, so one upload cannot exhaust a worker or the machine."""

import contextlib
import io
import json
import logging
import zipfile

from django.conf import settings

from .isolation import IsolatedFailure, run_isolated
from .uploads import detect_type

logger = logging.getLogger(__name__)

# Enough for search; a 2,000-page manual must not bloat the row and the index.
MAX_TEXT_CHARS = 200_000
MAX_PDF_PAGES = 300
PAGE_BREAK = "\f"


EXTRACTED_KINDS = ("pdf", "docx", "pptx")
ARCHIVE_KINDS = ("docx", "pptx")  # zip files: checked for what they inflate to before parsing
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100


class ExtractionRefused(Exception):
    """The file's text was not extracted; the message says why, for the asset page."""


def check_archive(data: bytes) -> None:
    """Refuse a zip that inflates past the limits (a "zip bomb") before any parser opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise ExtractionRefused("the file is not a readable Office document") from None
    inflated = sum(member.file_size for member in members)
    compressed = max(1, sum(member.compress_size for member in members))
    if inflated > MAX_UNCOMPRESSED_BYTES or inflated / compressed > MAX_COMPRESSION_RATIO:
        raise ExtractionRefused(
            f"the file inflates to {inflated // (1024 * 1024)} MB ({inflated // compressed}× its size), "
            "past the limit for extraction"
        )


def _parse_isolated(kind: str, data: bytes) -> list[str]:
    """The file's text parts, parsed in a bounded child process (content/isolation.py)."""
    try:
        output = run_isolated(
            "content.extraction_child", [kind, str(MAX_PDF_PAGES)], data, timeout=settings.EXTRACT_TIMEOUT_SECONDS
        )
    except IsolatedFailure as failure:
        raise ExtractionRefused(str(failure)) from None
    return json.loads(output)


def extract_text_or_reason(file) -> tuple[str, str]:
    """(the text inside the file, whitespace-normalised, "") or ("", why it could not be extracted).
    Images have no text and no reason; a corrupt or hostile file never breaks the save."""
    try:
        kind = detect_type(file)
        if kind not in EXTRACTED_KINDS:
            return "", ""
        file.seek(0)
        data = file.read()
        if kind in ARCHIVE_KINDS:
            check_archive(data)
        parts = _parse_isolated(kind, data)
    except ExtractionRefused as refused:
        logger.warning("Could not extract text from %s: %s", getattr(file, "name", "a file"), refused)
        return "", str(refused)
    except Exception:  # whatever else goes wrong, the file is still stored and the asset saved
        logger.warning("Could not extract text from %s", getattr(file, "name", "a file"), exc_info=True)
        return "", "the file could not be read"
    finally:
        with contextlib.suppress(OSError, ValueError):
            file.seek(0)
    if kind == "pdf":
        # A form feed between pages: whitespace to the keyword search, a page number to passages.
        text = PAGE_BREAK.join(" ".join(part.split()) for part in parts)
        return (text[:MAX_TEXT_CHARS] if text.strip() else ""), ""
    text = " ".join(" ".join(part.split()) for part in parts if part and part.strip())
    return text[:MAX_TEXT_CHARS], ""


def extract_text(file) -> str:
    """The text inside the file; "" for images and for files that could not be read."""
    return extract_text_or_reason(file)[0]


__all__ = ["ExtractionRefused", "check_archive", "extract_text", "extract_text_or_reason"]
