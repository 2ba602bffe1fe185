"""The parsers that read an asset file's text, run in a child process with limits by
`content.extraction` and `content.previews` (never imported by the app itself): a hostile file can
exhaust only this process. Reads the file from standard input, writes JSON to standard output: the
text parts, or for an outline the [level, text] of each heading (DOCX) or slide title (PPTX).

Usage: python -m content.extraction_child pdf|docx|pptx MAX_PDF_PAGES < file
       python -m content.extraction_child docx_outline|pptx_outline MAX_ENTRIES < file
"""

import io
import json
import sys


def pdf_text(file, max_pages: int) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(file)
    return [page.extract_text() or "" for page in reader.pages[:max_pages]]


def docx_text(file, max_pages: int) -> list[str]:
    import docx

    document = docx.Document(file)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return parts


def pptx_text(file, max_pages: int) -> list[str]:
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


OUTLINE_TEXT_CHARS = 200


def _line(text: str) -> str:
    return " ".join((text or "").split())[:OUTLINE_TEXT_CHARS]


def docx_outline(file, max_entries: int) -> list[list]:
    """The document's title and headings, with their level (a title is level 1, like Heading 1)."""
    import docx

    entries = []
    for paragraph in docx.Document(file).paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == "Title":
            level = 1
        elif style.startswith("Heading ") and style[8:].isdigit():
            level = min(int(style[8:]), 6)
        else:
            continue
        text = _line(paragraph.text)
        if text:
            entries.append([level, text])
            if len(entries) >= max_entries:
                break
    return entries


def pptx_outline(file, max_entries: int) -> list[list]:
    """Each slide's title: its title placeholder, else its first line of text, else nothing."""
    from pptx import Presentation

    entries = []
    for slide in list(Presentation(file).slides)[:max_entries]:
        title = slide.shapes.title
        text = _line(title.text_frame.text) if title is not None and title.has_text_frame else ""
        if not text:
            frames = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
            text = next((_line(line) for frame in frames for line in frame.splitlines() if line.strip()), "")
        entries.append([1, text])
    return entries


PARSERS = {
    "pdf": pdf_text,
    "docx": docx_text,
    "pptx": pptx_text,
    "docx_outline": docx_outline,
    "pptx_outline": pptx_outline,
}


if __name__ == "__main__":
    kind, max_pages = sys.argv[1], int(sys.argv[2])
    parts = PARSERS[kind](io.BytesIO(sys.stdin.buffer.read()), max_pages)
    sys.stdout.write(json.dumps(parts))
