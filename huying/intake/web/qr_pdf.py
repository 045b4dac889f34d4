"""A printable PDF sheet of QR codes (A4, six a page) for a community's buildings.

reportlab composes the pages; segno gives each code's module matrix, drawn as filled rectangles so the
codes stay sharp at any print size. Labels use reportlab's built-in CID font STSong-Light (Adobe-GB1,
not embedded: every mainstream viewer and printer driver supplies it), so nothing is fetched and the
file stays small.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from itertools import groupby

import segno
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import registerFont, stringWidth
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 36.0
HEADING_SPACE = 34.0
COLUMNS, ROWS = 2, 3
QR_SIDE = 200.0  # the code and its quiet zone
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks for scanners to find it
ELLIPSIS = "…"

registerFont(UnicodeCIDFont(FONT))


@dataclass(frozen=True)
class SheetItem:
    title: str
    subtitle: str
    url: str


def sheet_pdf(items: Sequence[SheetItem], *, heading: str) -> bytes:
    """The whole sheet as PDF bytes: `heading` atop each page, then the codes with their labels."""
    per_page = COLUMNS * ROWS
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
    buffer = BytesIO()
    # invariant: no timestamp or random document id, so the same sheet gives the same bytes.
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle(heading)
    for chunk in chunks:
        _page(canvas, chunk, heading)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _page(canvas: Canvas, items: Sequence[SheetItem], heading: str) -> None:
    cell_width = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
    cell_height = (PAGE_HEIGHT - 2 * MARGIN - HEADING_SPACE) / ROWS
    _text(canvas, heading, MARGIN, PAGE_HEIGHT - MARGIN - 16, 16, PAGE_WIDTH - 2 * MARGIN)
    for index, item in enumerate(items):
        left = MARGIN + (index % COLUMNS) * cell_width
        top = PAGE_HEIGHT - MARGIN - HEADING_SPACE - (index // COLUMNS) * cell_height
        _qr(canvas, item.url, left + (cell_width - QR_SIDE) / 2, top)
        _text(canvas, item.title, left + 12, top - QR_SIDE - 14, 12, cell_width - 24)
        _text(canvas, item.subtitle, left + 12, top - QR_SIDE - 30, 9, cell_width - 24)


def _qr(canvas: Canvas, url: str, left: float, top: float) -> None:
    """The code as one path of rectangles, one per run of dark modules in a row."""
    rows = list(segno.make(url, error="m").matrix_iter(scale=1, border=QUIET_ZONE))
    module = QR_SIDE / len(rows)
    path = canvas.beginPath()
    for y, row in enumerate(rows):
        x = 0
        for dark, run in groupby(row):
            width = len(list(run))
            if dark:
                path.rect(left + x * module, top - (y + 1) * module, width * module, module)
            x += width
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)


def _text(canvas: Canvas, text: str, x: float, y: float, size: float, width: float) -> None:
    canvas.setFont(FONT, size)
    canvas.drawString(x, y, _fit(_bmp(text), size, width))


def _bmp(text: str) -> str:
    """UniGB-UCS2-H maps UTF-16 code units one by one, so characters beyond the BMP have no glyph."""
    return "".join(char if ord(char) <= 0xFFFF else "?" for char in text)


def _fit(text: str, size: float, width: float) -> str:
    """The text cut (with an ellipsis) to what fits in `width` points."""
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, FONT, size) > width:
        text = text[:-1]
    return text + ELLIPSIS
