"""The parsers that read an asset file's text, run in a child process with limits by
`content.extraction` (never imported by the app itself): a hostile file can exhaust only this
process. Reads the file from standard input, writes its text parts as JSON to standard output.

Usage: python -m content.extraction_child pdf|docx|pptx MAX_PDF_PAGES < file
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


PARSERS = {"pdf": pdf_text, "docx": docx_text, "pptx": pptx_text}


if __name__ == "__main__":
    kind, max_pages = sys.argv[1], int(sys.argv[2])
    parts = PARSERS[kind](io.BytesIO(sys.stdin.buffer.read()), max_pages)
    sys.stdout.write(json.dumps(parts))
