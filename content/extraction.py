"""Text extraction from asset files (PDF, PPTX, DOCX) so that what is inside a deck or a case
study PDF is searchable. A file we cannot read gives no text, never a failed save."""

import contextlib
import logging

from .uploads import detect_type

logger = logging.getLogger(__name__)

# Enough for search; a 2,000-page manual must not bloat the row and the index.
MAX_TEXT_CHARS = 200_000
MAX_PDF_PAGES = 300
PAGE_BREAK = "\f"


def _pdf_text(file) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(file)
    return [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]


def _docx_text(file) -> list[str]:
    import docx

    document = docx.Document(file)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return parts


def _pptx_text(file) -> list[str]:
    from pptx import Presentation

    parts = []
    for slide in Presentation(file).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return parts


EXTRACTORS = {"pdf": _pdf_text, "docx": _docx_text, "pptx": _pptx_text}


def extract_text(file) -> str:
    """The text inside the file, whitespace-normalised; "" for images and unreadable files."""
    try:
        kind = detect_type(file)
        extractor = EXTRACTORS.get(kind)
        if extractor is None:
            return ""
        parts = extractor(file)
    except Exception:  # a corrupt upload must not break the save; the file is still stored
        logger.warning("Could not extract text from %s", getattr(file, "name", "a file"), exc_info=True)
        return ""
    finally:
        with contextlib.suppress(OSError, ValueError):
            file.seek(0)
    if kind == "pdf":
        # A form feed between pages: whitespace to the keyword search, a page number to passages.
        text = PAGE_BREAK.join(" ".join(part.split()) for part in parts)
        return text[:MAX_TEXT_CHARS] if text.strip() else ""
    text = " ".join(" ".join(part.split()) for part in parts if part and part.strip())
    return text[:MAX_TEXT_CHARS]


__all__ = ["extract_text"]
