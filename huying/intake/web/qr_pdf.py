"""A printable PDF sheet of QR codes (A4, six a page) for a community's buildings.

segno writes one code per PDF and composing several needs a PDF library the project does not carry, so
this module writes the few PDF objects a sheet needs: codes as filled rectangles, labels as text. Labels
use the viewer's own Simplified Chinese font (Adobe-GB1 "STSong-Light", not embedded: every mainstream
viewer and printer driver supplies it), so nothing is fetched and the file stays small.
"""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import segno

PAGE_WIDTH, PAGE_HEIGHT = 595.0, 842.0  # A4 in points
MARGIN = 36.0
HEADING_SPACE = 34.0
COLUMNS, ROWS = 2, 3
QR_SIDE = 180.0
FIRST_PAGE_OBJECT = 6  # objects 1–5: catalogue, page tree, the font and its two parts

_FIXED_OBJECTS = (
    b"<< /Type /Catalog /Pages 2 0 R >>",
    None,  # the page tree, written once the pages are known
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
    b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R"
    b" /DW 1000 /W [1 95 500] >>",  # CJK full width, Latin (CIDs 1–95) half width
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
    b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
)


@dataclass(frozen=True)
class SheetItem:
    title: str
    subtitle: str
    url: str


def sheet_pdf(items: Sequence[SheetItem], *, heading: str) -> bytes:
    """The whole sheet as PDF bytes: `heading` atop each page, then the codes with their labels."""
    per_page = COLUMNS * ROWS
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
    return _document([_page(chunk, heading) for chunk in chunks])


def _page(items: Sequence[SheetItem], heading: str) -> bytes:
    cell_width = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
    cell_height = (PAGE_HEIGHT - 2 * MARGIN - HEADING_SPACE) / ROWS
    ops = [_text(heading, MARGIN, PAGE_HEIGHT - MARGIN - 16, 16, PAGE_WIDTH - 2 * MARGIN)]
    for index, item in enumerate(items):
        left = MARGIN + (index % COLUMNS) * cell_width
        top = PAGE_HEIGHT - MARGIN - HEADING_SPACE - (index // COLUMNS) * cell_height
        ops.append(_qr(item.url, left + (cell_width - QR_SIDE) / 2, top, QR_SIDE))
        ops.append(_text(item.title, left + 12, top - QR_SIDE - 20, 12, cell_width - 24))
        ops.append(_text(item.subtitle, left + 12, top - QR_SIDE - 36, 9, cell_width - 24))
    return "\n".join(ops).encode("ascii")


def _qr(url: str, left: float, top: float, side: float) -> str:
    """The code as one path of rectangles, one per run of dark modules in a row."""
    rows = list(segno.make(url, error="m").matrix_iter(scale=1, border=0))
    module = side / len(rows)
    rects = []
    for y, row in enumerate(rows):
        start = None
        for x, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = x
            elif not dark and start is not None:
                rects.append(f"{start} {y} {x - start} 1 re")
                start = None
    # Module units with y pointing down from the code's top-left corner, as the matrix rows run.
    return f"q 0 g {module:.4f} 0 0 {-module:.4f} {left:.2f} {top:.2f} cm\n" + "\n".join(rects) + "\nf Q"


def _text(text: str, x: float, y: float, size: float, width: float) -> str:
    fitted = _fit(text, size, width)
    # UniGB-UCS2-H takes UTF-16BE code units; characters beyond the BMP have no code there.
    encoded = "".join(char if ord(char) <= 0xFFFF else "?" for char in fitted).encode("utf-16-be").hex()
    return f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td <{encoded}> Tj ET"


def _fit(text: str, size: float, width: float) -> str:
    """The text cut (with an ellipsis) to what fits in `width` points: CJK one em, Latin half an em."""
    used, kept = 0.0, list[str]()
    for char in text:
        used += size * (0.5 if ord(char) < 0x7F else 1.0)
        if used > width - size:
            return "".join(kept) + "…"
        kept.append(char)
    return text


def _document(contents: list[bytes]) -> bytes:
    kids = " ".join(f"{FIRST_PAGE_OBJECT + 2 * i} 0 R" for i in range(len(contents)))
    objects = list(_FIXED_OBJECTS)
    objects[1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(contents)} >>".encode()
    for index, content in enumerate(contents):
        packed = zlib.compress(content)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH:g} {PAGE_HEIGHT:g}]"
            f" /Resources << /Font << /F1 3 0 R >> >> /Contents {FIRST_PAGE_OBJECT + 2 * index + 1} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode() + packed
                       + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + (body or b"") + b"\nendobj\n"
    xref_at = len(out)
    # Each cross-reference line is exactly 20 bytes, as readers that seek by offset require.
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)
