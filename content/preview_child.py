"""Reads and draws PDF pages for previews with PDFium (pypdfium2), in a child process bounded by
`content.isolation` (never imported by the app itself): a hostile PDF can exhaust only this process.
Reads the PDF from standard input.

Usage:
    python -m content.preview_child info MAX_PAGES < file.pdf
        JSON {"pages": N, "sizes": [[width, height], ...]}: the page count and the first MAX_PAGES
        pages' sizes in points, as displayed (rotation applied).
    python -m content.preview_child render PAGE WIDTH MAX_PIXELS < file.pdf
        PAGE (1-based) as a PNG WIDTH pixels wide, scaled down further to at most MAX_PIXELS.
"""

import io
import json
import math
import sys


def pdf_info(data: bytes, max_pages: int) -> dict:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    sizes = []
    for index in range(min(len(document), max_pages)):
        width, height = document[index].get_size()
        sizes.append([round(width, 2), round(height, 2)])
    return {"pages": len(document), "sizes": sizes}


def render_png(data: bytes, page: int, width: int, max_pixels: int) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    if not 1 <= page <= len(document):
        raise ValueError(f"the file has no page {page}")
    pdf_page = document[page - 1]
    page_width, page_height = pdf_page.get_size()
    if page_width <= 0 or page_height <= 0:
        raise ValueError(f"page {page} has no area")
    scale = width / page_width
    pixels = (page_width * scale) * (page_height * scale)
    if pixels > max_pixels:  # a very tall page: keep the area bounded, not the width
        scale *= math.sqrt(max_pixels / pixels) * 0.99  # a hair under: PDFium rounds each side up
    image = pdf_page.render(scale=scale, may_draw_forms=False).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def main(command: str, numbers: list[str]) -> None:
    source = sys.stdin.buffer.read()
    if command == "info":
        sys.stdout.write(json.dumps(pdf_info(source, int(numbers[0]))))
    elif command == "render":
        page_number, pixels_wide, pixel_limit = (int(n) for n in numbers)
        sys.stdout.buffer.write(render_png(source, page_number, pixels_wide, pixel_limit))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2:])
    except MemoryError:
        raise
    except Exception as error:  # PDFium's own words ("Failed to load document (PDFium: Data format error)")
        sys.stderr.write(str(error).replace(" (PDFium: Success)", "") + "\n")  # a file with no pages
        sys.exit(1)
